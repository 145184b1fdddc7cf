/**
 * bench:load's load generators in a process of their own: the model stubs (stand-ins for the model API, which
 * runs on other machines) and the hook senders (stand-ins for Claude Code sessions on other machines). Kept out of
 * the bench's main process so that its measuring event loop (command acks, interrupts, the control feed) waits
 * for nobody but the server. The bench starts two: the stubs' at a lower priority (the model API would not share
 * the server's cores at all), the hook senders' at the server's (they time their own round trips). IPC:
 *   → { type: "ready", port: 0 }
 *   ← { id, cmd: "stubs", count, interrupters }      starts the stubs; answers their URLs
 *   ← { id, cmd: "stubRequests", index }             how many requests stub `index` has received
 *   ← { id, cmd: "hooks", base, senders, intervalMs, seconds }   runs the hook senders; answers their figures
 *   ← { id, cmd: "close" }
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { startModelStub, type ModelStub } from "@rozet/model-stub";
import { keepAliveAgent, nowMs, request } from "./load.ts";
import { slowScenario, workScenario } from "./load-scenarios.ts";

interface Message {
  id: number;
  cmd: "stubs" | "stubRequests" | "hooks" | "close";
  count?: number;
  interrupters?: number;
  index?: number;
  base?: string;
  senders?: number;
  intervalMs?: number;
  seconds?: number;
}

const stubs: ModelStub[] = [];

async function startStubs(count: number, interrupters: number): Promise<string[]> {
  for (let index = 0; index < count; index++) stubs.push(await startModelStub({ scenario: index < interrupters ? slowScenario() : workScenario(index) }));
  return stubs.map((stub) => stub.url);
}

/** Each sender is one Claude Code session started elsewhere, reporting tool use through HTTP hooks every interval. */
async function runHookSenders(base: URL, senders: number, intervalMs: number, seconds: number) {
  const agent = keepAliveAgent(64);
  const deadline = performance.now() + seconds * 1_000;
  const ingestMs: number[] = [];
  let acked = 0;
  let refused = 0;
  const sender = async (index: number) => {
    const hookSession = randomUUID();
    const cwd = path.join(os.tmpdir(), `outside-${index}`);
    let n = 0;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
    while (performance.now() < deadline) {
      const pre = n % 2 === 0;
      const body = Buffer.from(
        JSON.stringify({
          session_id: hookSession,
          cwd,
          hook_event_name: pre ? "PreToolUse" : "PostToolUse",
          tool_name: "Bash",
          tool_input: { command: `npm test -- --shard ${n}` },
          tool_use_id: `toolu_${index}_${Math.floor(n / 2)}`,
          ...(pre ? {} : { tool_response: { stdout: "ok\n", stderr: "", interrupted: false } }),
        }),
      );
      const query = new URLSearchParams({ app: `outside-${index % 50}`, event: `load-hook-${index}-${n}`, at: String(Date.now()) });
      n++;
      const t0 = nowMs();
      const res = await request(agent, base, "POST", `/hooks/claude?${query.toString()}`, body);
      ingestMs.push(nowMs() - t0);
      if (res.status === 200) acked++;
      else refused++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  await Promise.all(Array.from({ length: senders }, (_, index) => sender(index)));
  agent.destroy();
  return { ingestMs, acked, refused };
}

async function handle(msg: Message): Promise<unknown> {
  switch (msg.cmd) {
    case "stubs":
      return startStubs(msg.count ?? 0, msg.interrupters ?? 0);
    case "stubRequests":
      return stubs[msg.index ?? -1]?.requests.length ?? 0;
    case "hooks":
      return runHookSenders(new URL(msg.base!), msg.senders ?? 0, msg.intervalMs ?? 2_000, msg.seconds ?? 0);
    case "close":
      await Promise.all(stubs.map((stub) => stub.close().catch(() => undefined)));
      process.send!({ id: msg.id, result: null }, () => process.exit(0));
      return undefined;
  }
}

process.on("message", (msg: Message) => {
  handle(msg).then(
    (result) => {
      if (msg.cmd !== "close") process.send!({ id: msg.id, result });
    },
    (error: Error) => process.send!({ id: msg.id, error: error.message }),
  );
});
process.on("disconnect", () => process.exit(0));
process.send!({ type: "ready", port: 0 });
