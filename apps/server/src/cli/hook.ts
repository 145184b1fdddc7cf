import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { HookSpool, type SpooledHook } from "./hook-spool.ts";

/** Everything a hook does (spool delivery included) fits in this, so Claude Code never waits on us for long. */
const HOOK_BUDGET_MS = 5_000;

/**
 * `rozet hook`: a Claude Code command hook. Reads the hook payload on stdin and posts it to the control room.
 * It must never slow down or fail the agent: short timeout, every error swallowed, always exit 0. While the
 * control room is down, events wait in a spool under its home and go out, in order, with the next hook that
 * reaches it (each with an event id, so a resent one is stored once).
 */
export async function runHook(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const started = Date.now();
  const base = (flag(argv, "--url") ?? env.ROZET_URL ?? "http://127.0.0.1:4800").replace(/\/+$/, "");
  const home = flag(argv, "--home") ?? env.ROZET_HOME ?? path.join(os.homedir(), ".rozet");
  const timeoutMs = Number(env.ROZET_HOOK_TIMEOUT_MS ?? 2_000);
  const debug = (message: string) => {
    if (env.ROZET_HOOK_DEBUG) process.stderr.write(`rozet hook: ${message}\n`);
  };
  try {
    const body = await readStdin(4 * 1024 * 1024);
    if (!body.trim()) return;
    const record: SpooledHook = { id: randomUUID(), at: Date.now(), app: flag(argv, "--app") ?? env.ROZET_SOURCE_APP, agent: env.ROZET_AGENT_ID, body };
    const send = (r: SpooledHook) => postHook(base, r, env.ROZET_TOKEN, timeoutMs, debug);
    const spool = HookSpool.forHome(home);
    if (!spool.hasPending()) {
      if (await send(record)) return;
      if (!spool.append(record)) debug(`spool ${spool.file} is full; event dropped`);
      return;
    }
    // Older events are waiting: this one goes behind them, and we try to deliver them all in order.
    if (!spool.append(record)) debug(`spool ${spool.file} is full; event dropped`);
    const delivered = await spool.drain(send, started + HOOK_BUDGET_MS - timeoutMs);
    debug(delivered === undefined ? "another hook is delivering the spool" : `delivered ${delivered} spooled events`);
  } catch (error) {
    debug((error as Error).message);
  }
}

/**
 * POSTs one event. True once the server answered 2xx (stored), or refused it as malformed (4xx other than auth
 * and rate limits: resending would never help, and it must not block the spool). False: keep it for later.
 */
async function postHook(base: string, record: SpooledHook, token: string | undefined, timeoutMs: number, debug: (m: string) => void): Promise<boolean> {
  const query = new URLSearchParams({ event: record.id, at: String(record.at) });
  if (record.app) query.set("app", record.app);
  if (record.agent) query.set("agent", record.agent);
  try {
    const response = await fetch(`${base}/hooks/claude?${query.toString()}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: record.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    if (response.ok) return true;
    debug(`server answered ${response.status} for event ${record.id}`);
    return response.status >= 400 && response.status < 500 && ![401, 403, 408, 429].includes(response.status);
  } catch (error) {
    debug(`event ${record.id} not delivered: ${(error as Error).message}`);
    return false;
  }
}

function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function readStdin(maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new Error(`hook payload larger than ${maxBytes} bytes; not sent`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
