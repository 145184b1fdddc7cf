import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createRozetClient } from "@rozet/api/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_FILE } from "../../src/audit/audit-log.ts";
import { waitForAsync } from "../agent-harness.ts";
import { removeHome, startTestServer, type TestServer } from "../harness.ts";
import { callOverHttp, createToken } from "./access-helpers.ts";

const ADMIN = "audit-admin-token-0123456789";
/** Values that must never reach the audit log: they are inputs, not targets. */
const PROMPT = "echo prompt-text-that-must-not-be-audited";
const DENY_MESSAGE = "deny-message-that-must-not-be-audited";

let server: TestServer;
let operatorSecret: string;
let viewerSecret: string;

beforeAll(async () => {
  server = await startTestServer({ token: ADMIN });
  operatorSecret = await createToken(server.url, ADMIN, "op-ci", "operator");
  viewerSecret = await createToken(server.url, ADMIN, "watcher", "viewer");
});
afterAll(async () => {
  await server.close();
  removeHome(server.home);
});

function auditLines() {
  const file = path.join(server.home, "audit", AUDIT_FILE);
  return readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("attribution and the audit log", () => {
  it("commands and permission answers record the token that gave them; each call is audited before it is answered, without secrets or inputs", async () => {
    const { api, close } = createRozetClient({ url: server.url, token: operatorSecret });
    try {
      const session = await api.session.create.mutate({ name: "audited" });
      const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
      await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 10_000, "idle");
      const command = await api.agent.command.mutate({ agentId: agent.id, text: PROMPT });
      expect(command.issuedBy).toBe("token:op-ci");
      // The line is on disk when the answer arrives (read right after, no waiting).
      expect(auditLines().at(-1)).toMatchObject({ token: "op-ci", role: "operator", procedure: "agent.command", target: `agentId=${agent.id}`, result: "ok", client: "127.0.0.1" });
      expect((await api.agent.commands.query({ agentId: agent.id }))[0]).toMatchObject({ id: command.id, issuedBy: "token:op-ci" });

      // A permission request from the agent's broker, answered over the API by this token.
      const controller = new AbortController();
      const decision = server.room.permissions.request({
        sessionId: session.id,
        agentId: agent.id,
        commandId: null,
        request: { toolName: "Bash", input: { command: "rm -rf build" } },
        signal: controller.signal,
      });
      const pending = await waitForAsync(async () => (await api.permission.list.query({ status: "pending" }))[0], 10_000, "pending request");
      const answered = await api.agent.respondPermission.mutate({ requestId: pending.id, answer: { behavior: "deny", message: DENY_MESSAGE } });
      expect(answered.permission).toMatchObject({ status: "denied", answeredBy: "token:op-ci" });
      expect(answered.command.issuedBy).toBe("token:op-ci");
      await expect(decision).resolves.toMatchObject({ behavior: "deny" });
      expect(auditLines().at(-1)).toMatchObject({ token: "op-ci", procedure: "agent.respondPermission", target: `requestId=${pending.id}`, result: "ok" });
    } finally {
      await close();
    }

    // Refusals are audited too, with what refused them.
    expect((await callOverHttp(server.url, { path: "session.delete", type: "mutation" }, viewerSecret, { id: "s" })).status).toBe(403);
    expect(auditLines().at(-1)).toMatchObject({ token: "watcher", role: "viewer", procedure: "session.delete", target: "id=s", result: "FORBIDDEN" });
    expect((await callOverHttp(server.url, { path: "session.create", type: "mutation" }, "rzt_not-a-real-token", { name: "x" })).status).toBe(401);
    expect(auditLines().at(-1)).toMatchObject({ token: null, role: null, procedure: "session.create", result: "UNAUTHORIZED" });

    // Queries are not audited; every line has the same fields; nothing secret or typed by the user is in the file.
    const lines = auditLines();
    expect(lines.map((l) => l.procedure)).not.toContain("agent.get");
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(["at", "client", "procedure", "result", "role", "target", "token"]);
    const text = readFileSync(path.join(server.home, "audit", AUDIT_FILE), "utf8");
    for (const secret of [ADMIN, operatorSecret, viewerSecret, operatorSecret.slice(4), PROMPT, "prompt-text", DENY_MESSAGE, "rm -rf"]) expect(text).not.toContain(secret);
    expect(text).toContain('"procedure":"token.create"');
  });

  it("audit.list (admin) filters by token, procedure and result, newest first", async () => {
    const call = (input: unknown) => callOverHttp(server.url, { path: "audit.list", type: "query" }, ADMIN, input);
    expect((await callOverHttp(server.url, { path: "audit.list", type: "query" }, operatorSecret, {})).status).toBe(403);
    const read = async (input: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/trpc/audit.list?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      return ((await res.json()) as { result: { data: { token: string | null; procedure: string; result: string }[] } }).result.data;
    };
    expect((await call({})).status).toBe(200);
    const byToken = await read({ token: "op-ci" });
    expect(byToken.length).toBeGreaterThanOrEqual(4);
    expect(new Set(byToken.map((e) => e.token))).toEqual(new Set(["op-ci"]));
    expect(byToken[0]!.procedure).toBe("agent.respondPermission");
    expect((await read({ procedure: "agent." })).every((e) => e.procedure.startsWith("agent."))).toBe(true);
    expect((await read({ result: "error" })).map((e) => e.result).sort()).toEqual(["FORBIDDEN", "UNAUTHORIZED"]);
    expect(await read({ result: "FORBIDDEN", limit: 5 })).toEqual([expect.objectContaining({ token: "watcher", procedure: "session.delete" })]);
  });
});

describe("audit log rotation", () => {
  it("rotates by size and keeps ROZET_AUDIT_KEEP files", async () => {
    const small = await startTestServer({ auditMaxBytes: 2048, auditKeep: 2 });
    try {
      const { api, close } = createRozetClient({ url: small.url });
      for (let i = 0; i < 60; i++) await api.session.create.mutate({ name: `rotate-${i}` });
      await close();
      const dir = path.join(small.home, "audit");
      const files = [AUDIT_FILE, `${AUDIT_FILE}.1`, `${AUDIT_FILE}.2`].map((f) => path.join(dir, f));
      for (const file of files) expect(statSync(file).size).toBeLessThanOrEqual(2048);
      expect(existsSync(path.join(dir, `${AUDIT_FILE}.3`))).toBe(false);
      // The newest entries are in the current file; the rotated ones hold the entries just before.
      const newest = readFileSync(files[0]!, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { target: string });
      expect(newest.at(-1)!.target).toBe("name=rotate-59");
      const previous = readFileSync(files[1]!, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { target: string });
      expect(Number(previous.at(-1)!.target.split("-")[1]) + 1).toBe(Number(newest[0]!.target.split("-")[1]));
    } finally {
      await small.close();
      removeHome(small.home);
    }
  });
});
