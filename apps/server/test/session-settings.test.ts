import { submitPlanStep } from "@rozet/model-stub";
import { afterEach, describe, expect, it } from "vitest";
import { startAgentWorld, stubEnv, waitForAsync } from "./agent-harness.ts";
import { createToken } from "./access/access-helpers.ts";

// A session's settings changed after it was created (session.update), over plain HTTP with tokens of each role.

const ADMIN = "settings-admin-token-0123456789";
const PLANNER = { lastUserTextIncludes: "You are the planner" };

let world: Awaited<ReturnType<typeof startAgentWorld>> | null = null;
afterEach(async () => {
  await world?.close();
  world = null;
});

describe("session.update: autoApprovePlans after session.create", () => {
  it("an operator turns it on (viewers are refused, bad input is a 400 naming the field), it is audited, and the next plan runs without approval", async () => {
    world = await startAgentWorld(
      {
        steps: [
          submitPlanStep([{ key: "hello", title: "say hello", prompt: "echo hello-from-plan", dependsOn: [], agentProfile: { driver: "shell" }, touches: [] }], { match: PLANNER }),
          { match: PLANNER, content: [{ text: "Submitted." }] },
        ],
      },
      { token: ADMIN },
    );
    const url = world.server.url;
    const operator = await createToken(url, ADMIN, "settings-op", "operator");
    const viewer = await createToken(url, ADMIN, "settings-viewer", "viewer");
    const send = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { message: string } } };
    };

    const session = (await send("POST", "/api/sessions", operator, { name: "settings" })).body as { id: string; autoApprovePlans: boolean };
    expect(session.autoApprovePlans).toBe(false);
    const route = `/api/sessions/${session.id}/update`;

    const refused = await send("POST", route, viewer, { autoApprovePlans: true });
    expect(refused.status).toBe(403);
    const bad = await send("POST", route, operator, { autoApprovePlans: "yes" });
    expect([bad.status, bad.body.error?.message]).toEqual([400, expect.stringContaining("autoApprovePlans")]);
    const missing = await send("POST", `/api/sessions/no-such-session/update`, operator, { autoApprovePlans: true });
    expect(missing.status).toBe(404);
    expect((await send("GET", `/api/sessions/${session.id}`, operator)).body.autoApprovePlans).toBe(false);

    const updated = await send("POST", route, operator, { autoApprovePlans: true });
    expect([updated.status, updated.body.autoApprovePlans]).toEqual([200, true]);
    expect((await send("GET", `/api/sessions/${session.id}`, viewer)).body.autoApprovePlans).toBe(true);

    // Audited: who changed which session, and who was refused.
    const audit = await send("GET", `/api/audit?procedure=session.update&limit=10`, ADMIN);
    const lines = audit.body as unknown as { token: string; procedure: string; target: string; result: string }[];
    expect(lines.map((l) => [l.token, l.target, l.result])).toEqual([
      ["settings-op", `id=${session.id}`, "ok"],
      ["settings-op", "id=no-such-session", "NOT_FOUND"],
      ["settings-op", `id=${session.id}`, "BAD_REQUEST"],
      ["settings-viewer", `id=${session.id}`, "FORBIDDEN"],
    ]);

    // The next proposal is approved at once: nobody calls plan.approve, and the plan runs to the end.
    const plan = (await send("POST", `/api/sessions/${session.id}/plans`, operator, { goal: "say hello", profile: { driver: "claude", config: { env: stubEnv(world.stub.url) } } })).body as { id: string };
    const done = await waitForAsync(async () => {
      const current = (await send("GET", `/api/plans/${plan.id}`, viewer)).body as { status: string };
      return ["done", "failed", "cancelled"].includes(current.status) ? current : undefined;
    }, 60_000, "the plan to finish");
    expect(done.status).toBe("done");
    const approved = ((await send("GET", `/events/session/${session.id}?types=plan.approved`, viewer)).body as { events: { seq: number }[] }).events;
    expect(approved).toHaveLength(1);
    expect((await send("GET", `/api/events/${approved[0]!.seq}`, viewer)).body.payload).toMatchObject({ planId: plan.id, by: "autoApprovePlans" });

    // And off again: the setting is read at each proposal.
    expect((await send("POST", route, operator, { autoApprovePlans: false })).body.autoApprovePlans).toBe(false);
  }, 120_000);
});
