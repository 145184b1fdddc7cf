import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { AUDIT_FILE } from "../src/audit/audit-log.ts";
import { hookEvent } from "./legacy-dashboard-shapes.ts";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";
import { clientFor, postJson } from "./harness.ts";

/**
 * The hook-observability dashboard's human-in-the-loop (disler/claude-code-hooks-multi-agent-observability:
 * apps/client/src/types.ts HookEvent with humanInTheLoop / humanInTheLoopStatus, and EventRow.vue's
 * submitPermission: POST /events/:id/respond with { permission, hookEvent, respondedAt }), against a real Claude
 * Code agent asking to write a file.
 */
const ADMIN = "hitl-admin-token-0123456789";
let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe("legacy dashboard: human in the loop", () => {
  it("shows a pending permission as a HITL question and takes the dashboard's answer as the operator's: role checked, audited, the agent goes on", async () => {
    world = await startAgentWorld(
      {
        steps: [
          { content: [{ tool_use: { name: "Write", input: { file_path: "{{cwd}}/hitl.txt", content: "from the dashboard\n" } } }] },
          { content: [{ text: "Written." }] },
        ],
      },
      { token: ADMIN },
    );
    const url = world.server.url;
    const admin = clientFor(url, ADMIN);
    try {
      const api = admin.api;
      const session = await api.session.create.mutate({ name: "hitl" });
      const agent = await api.agent.create.mutate({ sessionId: session.id, name: "claude-1", driver: "claude", config: { env: stubEnv(world.stub.url) } });
      await waitForAsync(async () => (await api.agent.get.query({ id: agent.id })).status === "idle", 30_000, "agent idle");
      const command = await api.agent.command.mutate({ agentId: agent.id, text: "write hitl" });
      const pending = await waitForAsync(async () => (await api.permission.list.query({ sessionId: session.id, status: "pending", limit: 5 }))[0], 30_000, "pending permission");

      // The dashboard's snapshot shows it as a permission question, pending.
      const recent = await waitForAsync(async () => {
        const res = await fetch(`${url}/events/recent?limit=100&token=${ADMIN}`);
        const events = z.array(hookEvent).parse(await res.json());
        return events.find((e) => e.hook_event_type === "permission.requested" && e.payload.id === pending.id);
      }, 10_000, "permission.requested in /events/recent");
      expect(recent.humanInTheLoop).toMatchObject({ type: "permission", question: "Allow Write?" });
      expect(recent.humanInTheLoopStatus).toEqual({ status: "pending" });
      const respondUrl = `${url}/events/${recent.id}/respond`;
      const answer = { permission: true, hookEvent: recent, respondedAt: Date.now() };

      // Its preflight (the dashboard runs on its own origin) is answered.
      const preflight = await fetch(respondUrl, { method: "OPTIONS", headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");

      // A viewer may not answer; a body without `permission` is refused naming it; nothing is answered by either.
      const viewer = await api.token.create.mutate({ name: "dash-viewer", role: "viewer" });
      const refused = await postJson(`${respondUrl}?token=${viewer.secret}`, answer);
      expect(refused.status).toBe(403);
      const bad = await postJson(`${respondUrl}?token=${ADMIN}`, { response: "yes please", hookEvent: recent, respondedAt: Date.now() });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.field).toBe("permission");
      const notAPermission = await postJson(`${url}/events/1/respond?token=${ADMIN}`, answer);
      expect(notAPermission.status).toBe(404);
      expect((await api.permission.list.query({ sessionId: session.id, status: "pending", limit: 5 })).map((p) => p.id)).toEqual([pending.id]);

      // The operator's answer through the dashboard: the tool runs, the event reads "responded".
      const operator = await api.token.create.mutate({ name: "dash-operator", role: "operator" });
      const answered = await postJson(`${respondUrl}?token=${operator.secret}`, answer);
      expect(answered.status).toBe(200);
      const updated = hookEvent.parse(answered.body);
      expect(updated.humanInTheLoopStatus).toMatchObject({ status: "responded", response: { permission: true, respondedBy: "token:dash-operator" } });
      expect((await world.commandDone(command.id)).status).toBe("completed");
      expect(readFileSync(path.join(session.workspaceRoot!, "hitl.txt"), "utf8")).toBe("from the dashboard\n");
      expect((await api.permission.list.query({ sessionId: session.id, limit: 5 })).find((p) => p.id === pending.id)).toMatchObject({ status: "allowed", answeredBy: "token:dash-operator" });

      // Audited as the permission answer it is, under the token that gave it.
      const auditFile = path.join(world.server.home, "audit", AUDIT_FILE);
      expect(existsSync(auditFile)).toBe(true);
      const lines = readFileSync(auditFile, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.filter((l) => l.procedure === "agent.respondPermission")).toEqual(
        expect.arrayContaining([expect.objectContaining({ token: "dash-operator", role: "operator", result: "ok" })]),
      );
      // Answered twice: a clear conflict, not a second answer.
      expect((await postJson(`${respondUrl}?token=${operator.secret}`, answer)).status).toBe(409);
    } finally {
      await admin.close();
    }
  });
});
