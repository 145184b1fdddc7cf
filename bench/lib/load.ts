import http from "node:http";
import { distribution, type Distribution } from "./stats.ts";

/** Wall clock in fractional milliseconds since the epoch (same clock in every process on this box). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

export interface HttpResult {
  status: number;
  body: Buffer;
}

/** One request on the given agent; resolves with the whole response body. */
export function request(
  agent: http.Agent,
  base: URL,
  method: "GET" | "POST",
  path: string,
  body?: Buffer,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: body ? { "content-type": "application/json", "content-length": body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function postJson<T = any>(agent: http.Agent, base: URL, path: string, value: unknown): Promise<T> {
  const res = await request(agent, base, "POST", path, Buffer.from(JSON.stringify(value)));
  if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}: ${res.body.toString().slice(0, 500)}`);
  return JSON.parse(res.body.toString()) as T;
}

export interface ClosedLoopOptions {
  agent: http.Agent;
  /** The HTTP client: node:http on `agent` (lean), or the global fetch (undici), what Node scripts and `rozet hook` use. */
  client?: "http" | "fetch";
  base: URL;
  path: string;
  /** Pre-serialized bodies, cycled. */
  bodies: Buffer[];
  /** Events in each body (1 for single-event POSTs). */
  eventsPerBody: number;
  /** Requests kept in flight. */
  inFlight: number;
  /** Requests to send in total. */
  requests: number;
  /** Called after each completed request (progress). */
  onProgress?: (done: number) => void;
}

export interface ClosedLoopResult {
  requests: number;
  events: number;
  seconds: number;
  eventsPerSec: number;
  requestsPerSec: number;
  errors: number;
  firstError?: string;
  latency: Distribution;
}

async function fetchPost(url: URL, body: Buffer): Promise<{ status: number; body: Buffer }> {
  // Bodies come from Buffer.from(string), so they sit on a plain ArrayBuffer (what fetch's BodyInit asks for).
  const res = await fetch(url, { method: "POST", body: body as Uint8Array<ArrayBuffer>, headers: { "content-type": "application/json" } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * Closed-loop load: `inFlight` workers, each sends its next request as soon as the previous one answers. Bodies are
 * pre-serialized so the generator spends its CPU on HTTP only.
 */
export async function closedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  let done = 0;
  const latencies = new Float64Array(options.requests);
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.requests) return;
      const body = options.bodies[i % options.bodies.length]!;
      const t0 = performance.now();
      try {
        const res =
          options.client === "fetch"
            ? await fetchPost(new URL(options.path, options.base), body)
            : await request(options.agent, options.base, "POST", options.path, body);
        if (res.status !== 200) {
          errors += 1;
          firstError ??= `HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`;
        }
      } catch (error) {
        errors += 1;
        firstError ??= String(error);
      }
      latencies[i] = performance.now() - t0;
      done += 1;
      options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const events = options.requests * options.eventsPerBody;
  return {
    requests: options.requests,
    events,
    seconds,
    eventsPerSec: events / seconds,
    requestsPerSec: options.requests / seconds,
    errors,
    ...(firstError ? { firstError } : {}),
    latency: distribution(Array.from(latencies)),
  };
}

export interface PacedOptions {
  agent: http.Agent;
  base: URL;
  path: string;
  /** Events (= requests) per second. */
  rate: number;
  seconds: number;
  /** Builds the body of request `i`; `sentAt` is the wall-clock send time (ms, fractional) to embed. */
  body: (i: number, sentAt: number) => Buffer;
}

export interface PacedResult {
  sent: number;
  errors: number;
  firstError?: string;
  seconds: number;
  achievedRate: number;
  /** POST round trip (send → 200 received). */
  ack: Distribution;
}

/**
 * Open-loop load at a fixed rate: on every timer tick, sends every request that is due by the schedule, so a slow
 * server does not slow the sender down (no coordinated omission on the send side).
 */
export async function paced(options: PacedOptions): Promise<PacedResult> {
  const total = Math.round(options.rate * options.seconds);
  const acks: number[] = [];
  const inflight = new Set<Promise<void>>();
  let errors = 0;
  let firstError: string | undefined;
  let sent = 0;
  const started = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate) + 1);
    while (sent < due) {
      const i = sent++;
      const sentAt = nowMs();
      const body = options.body(i, sentAt);
      const t0 = performance.now();
      const p = request(options.agent, options.base, "POST", options.path, body).then(
        (res) => {
          acks.push(performance.now() - t0);
          if (res.status !== 200) {
            errors += 1;
            firstError ??= `HTTP ${res.status}: ${res.body.toString().slice(0, 300)}`;
          }
        },
        (error) => {
          errors += 1;
          firstError ??= String(error);
        },
      );
      inflight.add(p);
      // p settles either way (both outcomes are counted above), so this never rejects.
      p.then(
        () => inflight.delete(p),
        () => inflight.delete(p),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - started) / 1000;
  return { sent, errors, ...(firstError ? { firstError } : {}), seconds, achievedRate: sent / seconds, ack: distribution(acks) };
}
