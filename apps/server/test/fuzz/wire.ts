import type { TestServer } from "../harness.ts";

/** What one request over real HTTP answered. */
export interface WireAnswer {
  status: number;
  text: string;
  json: any;
}

export async function send(url: string, init: RequestInit): Promise<WireAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/** A tRPC procedure called as any HTTP client would: queries by GET ?input=, mutations by POST, no batching. */
export function callProcedure(server: TestServer, path: string, type: "query" | "mutation", inputText: string): Promise<WireAnswer> {
  if (type === "query") return send(`${server.url}/trpc/${path}?input=${encodeURIComponent(inputText)}`, { method: "GET" });
  return send(`${server.url}/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: inputText });
}

/** The server still answers: it did not crash or hang. */
export async function healthy(server: TestServer): Promise<boolean> {
  const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return res.status === 200;
}

/** Row counts of everything a request could store; compared before and after each rejected input. */
export async function storedCounts(server: TestServer) {
  const p = server.room.prisma;
  await server.room.writer.flushNow();
  const [sessions, agents, tasks, commands, rules, requests, events] = await Promise.all([
    p.session.count(),
    p.agent.count(),
    p.task.count(),
    p.command.count(),
    p.permissionRule.count(),
    p.permissionRequest.count(),
    p.event.count(),
  ]);
  return { sessions, agents, tasks, commands, rules, requests, events, lastSeq: await server.room.events.lastSeq() };
}
