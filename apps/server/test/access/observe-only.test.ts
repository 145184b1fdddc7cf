import { createRozetClient } from "@rozet/api/client";
import { describe, expect, it } from "vitest";
import { legacyEvent, postJson, removeHome, startTestServer } from "../harness.ts";
import { callOverHttp, routerProcedures } from "./access-helpers.ts";

/** The mutations observe-only mode refuses: everything that changes agents, commands, tasks, plans and permissions. */
const CONTROL_ROUTERS = ["agent.", "task.", "permission.", "plan."];
const isControl = (path: string) => CONTROL_ROUTERS.some((prefix) => path.startsWith(prefix));

async function withServer(controlEnabled: boolean, body: (server: Awaited<ReturnType<typeof startTestServer>>) => Promise<void>) {
  const server = await startTestServer({ controlEnabled });
  try {
    await body(server);
  } finally {
    await server.close();
    removeHome(server.home);
  }
}

/** Every mutation of the router, called (as admin, with an input none accepts): which ones answer OBSERVE_ONLY. */
async function observeOnlyRefusals(url: string): Promise<string[]> {
  const refused: string[] = [];
  for (const procedure of routerProcedures().filter((p) => p.type === "mutation")) {
    const { status, code } = await callOverHttp(url, procedure, null, "walk");
    if (code === "OBSERVE_ONLY") {
      expect(status).toBe(403);
      refused.push(procedure.path);
    }
  }
  return refused.sort();
}

describe("observe-only mode (ROZET_CONTROL_ROOM_ENABLED=false)", () => {
  it("refuses every agent, command, task and permission mutation with 403 OBSERVE_ONLY; ingest, timeline and export work", async () => {
    await withServer(false, async (server) => {
      const expected = routerProcedures().filter((p) => p.type === "mutation" && isControl(p.path)).map((p) => p.path).sort();
      expect(expected.length).toBeGreaterThan(10);
      expect(await observeOnlyRefusals(server.url)).toEqual(expected);

      const { api, close } = createRozetClient({ url: server.url });
      try {
        expect(await api.system.access.query()).toMatchObject({ observeOnly: true });
        const session = await api.session.create.mutate({ name: "watched" });
        // A well-formed call is refused the same way, with a message saying why, and nothing is stored.
        const refused = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" }).catch((error: unknown) => error as { message: string; data: { httpStatus: number; domainCode: string } });
        expect(refused).toMatchObject({ data: { httpStatus: 403, domainCode: "OBSERVE_ONLY" } });
        expect((refused as { message: string }).message).toContain("observe-only");
        const rest = await postJson(`${server.url}/api/sessions/${session.id}/agents`, { name: "sh", driver: "shell" });
        expect(rest).toMatchObject({ status: 403, body: { error: { code: "OBSERVE_ONLY" } } });
        expect(await api.agent.list.query({ sessionId: session.id })).toEqual([]);

        // Watching works: hook ingest, the timeline, exports.
        expect((await postJson(`${server.url}/events`, legacyEvent(1, { source_app: "watched-app" }))).status).toBe(200);
        const watched = (await api.session.list.query()).find((s) => s.name === "watched-app")!;
        expect((await api.event.timeline.query({ sessionId: watched.id })).events).toHaveLength(1);
        const exported = await fetch(`${server.url}/api/sessions/${watched.id}/export.ndjson`);
        expect(exported.status).toBe(200);
        expect((await exported.text()).trim().split("\n")).toHaveLength(1);
      } finally {
        await close();
      }
    });
  });

  it("with control enabled (the default) no mutation is refused as observe-only, and agents start", async () => {
    await withServer(true, async (server) => {
      expect(await observeOnlyRefusals(server.url)).toEqual([]);
      const { api, close } = createRozetClient({ url: server.url });
      try {
        expect(await api.system.access.query()).toMatchObject({ observeOnly: false, tokenRequired: false });
        const session = await api.session.create.mutate({ name: "driven" });
        const agent = await api.agent.create.mutate({ sessionId: session.id, name: "sh", driver: "shell" });
        expect((await api.agent.list.query({ sessionId: session.id })).map((a) => a.id)).toEqual([agent.id]);
        await api.agent.stop.mutate({ agentId: agent.id });
      } finally {
        await close();
      }
    });
  });
});
