import { it } from "vitest";
import { startModelStub } from "@rozet/model-stub";
import { createAcpDriver } from "../src/drivers/acp/index.ts";
import { tempDirs } from "../src/drivers/acp/testing.ts";

it("explore codex", async () => {
  const dirs = tempDirs();
  const cwd = await dirs.make("acp-ws-");
  const home = await dirs.make("acp-codex-");
  const stub = await startModelStub({ scenario: { steps: [
    { content: [{ text: "Running it." }, { tool_use: { name: "exec_command", input: { cmd: "echo hello > codex.txt && cat codex.txt", sandbox_permissions: "require_escalated", justification: "Write codex.txt?" } } }] },
    { content: [{ text: "Done." }], usage: { input_tokens: 1200, output_tokens: 40 } },
  ] } });
  const t0 = Date.now();
  const log = (...a: unknown[]) => console.log(((Date.now() - t0) / 1000).toFixed(2), ...a);
  const driver = createAcpDriver({
    agentId: "a", sessionId: "s", cwd, config: { profile: "codex", stopGraceMs: 500, ...(process.env.ACP_MODE ? { mode: process.env.ACP_MODE } : {}) }, dataDir: home, model: "gpt-5",
    env: { OPENAI_API_KEY: "sk-stub", OPENAI_BASE_URL: stub.url + "/v1", RUST_LOG: "warn" },
    host: {
      emit: (e) => log("EVENT", JSON.stringify(e).slice(0, 700)),
      requestPermission: async (r) => { log("PERM", JSON.stringify(r).slice(0, 1500)); return process.env.ACP_DENY ? { behavior: "deny", message: "no" } : { behavior: "allow" }; },
      exited: (r) => log("EXITED", r),
      activity: () => {},
    },
  });
  try {
    log("start", await driver.start());
    log("result", await driver.prompt("write hello"));
    log("result2", await driver.prompt("again"));
    log("files", (await import("node:fs")).readdirSync(cwd));
  } finally {
    await driver.stop();
    log("stopped");
    for (const r of stub.requests) console.log(r.method, r.path, r.step, r.hasTools, JSON.stringify(r.toolNames), JSON.stringify(r.lastUserText)?.slice(0, 100), r.model, r.cwd);
    const b = stub.requests.filter((r) => r.path.includes("responses")).at(-1)?.body as Record<string, unknown> | undefined;
    if (b) console.log(JSON.stringify((b.input as unknown[]).slice(-4), null, 1).slice(0, 4000));
    if (b) console.log(JSON.stringify((b.tools as unknown[]).slice(0, 1), null, 1).slice(0, 4000));
    await stub.close();
  }
}, 60_000);
