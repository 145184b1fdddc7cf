import { copyFileSync, existsSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientFor, removeHome, ROZET_BIN, runProcess, startTestServer, tempHome } from "./harness.ts";

function hook(url: string, home: string, prompt: string) {
  const payload = JSON.stringify({ session_id: "spool-session", hook_event_name: "UserPromptSubmit", prompt, cwd: "/tmp/spool-app" });
  return runProcess(process.execPath, [ROZET_BIN, "hook", "--url", url, "--app", "spool-app"], { env: { ...process.env, ROZET_HOME: home }, stdin: payload });
}

/** A port nothing listens on now, where the server will be started later. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const spoolLines = (home: string) => {
  const file = path.join(home, "spool", "hooks.ndjson");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
};

describe("rozet hook while the control room is down", () => {
  it("spools events and delivers them in order, before the new one, once it is back; resent events are stored once", { timeout: 120_000 }, async () => {
    const home = tempHome();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    try {
      for (const prompt of ["first while down", "second while down"]) {
        const result = await hook(url, home, prompt);
        expect(result.code).toBe(0);
        expect(result.ms).toBeLessThan(5_000);
      }
      const spooled = spoolLines(home);
      expect(spooled.map((line) => JSON.parse(line).id as string)).toHaveLength(2);
      // Keep a copy to resend later, as if the server had stored them but its answer was lost.
      copyFileSync(path.join(home, "spool", "hooks.ndjson"), path.join(home, "spool-copy.ndjson"));

      const server = await startTestServer({ port, home: tempHome() });
      const client = clientFor(server.url);
      try {
        const prompts = async () => {
          const session = (await client.api.session.list.query()).find((s) => s.name === "spool-app");
          if (!session) return [];
          return (await client.api.event.timeline.query({ sessionId: session.id, limit: 50 })).events.map((e) => e.summary);
        };
        expect(await prompts()).toEqual([]);
        const result = await hook(url, home, "third, server up");
        expect(result.code).toBe(0);
        expect(await prompts()).toEqual(["first while down", "second while down", "third, server up"]);
        expect(spoolLines(home)).toEqual([]);
        expect(existsSync(path.join(home, "spool", "hooks.draining"))).toBe(false);

        // The same two spooled events again (same ids), then a new one: nothing is stored twice.
        copyFileSync(path.join(home, "spool-copy.ndjson"), path.join(home, "spool", "hooks.ndjson"));
        expect((await hook(url, home, "fourth")).code).toBe(0);
        expect(await prompts()).toEqual(["first while down", "second while down", "third, server up", "fourth"]);
        expect(spoolLines(home)).toEqual([]);
      } finally {
        await client.close();
        await server.close();
        removeHome(server.home);
      }
    } finally {
      removeHome(home);
    }
  });

  it("keeps every event exactly once when many hooks run at once, down and then up", { timeout: 180_000 }, async () => {
    const home = tempHome();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    try {
      const down = await Promise.all(Array.from({ length: 8 }, (_, i) => hook(url, home, `down ${i}`)));
      expect(down.map((r) => r.code)).toEqual(Array(8).fill(0));
      expect(spoolLines(home)).toHaveLength(8);

      const server = await startTestServer({ port, home: tempHome() });
      const client = clientFor(server.url);
      try {
        const up = await Promise.all(Array.from({ length: 8 }, (_, i) => hook(url, home, `up ${i}`)));
        expect(up.map((r) => r.code)).toEqual(Array(8).fill(0));
        // A hook that found another one delivering leaves its event spooled: the next hook takes it along.
        expect((await hook(url, home, "last")).code).toBe(0);
        const session = (await client.api.session.list.query()).find((s) => s.name === "spool-app");
        const summaries = (await client.api.event.timeline.query({ sessionId: session!.id, limit: 50 })).events.map((e) => e.summary);
        const expected = [...Array.from({ length: 8 }, (_, i) => `down ${i}`), ...Array.from({ length: 8 }, (_, i) => `up ${i}`), "last"];
        expect([...summaries].sort()).toEqual([...expected].sort());
        // The spooled ones went out first, and the last one last.
        expect(summaries.slice(0, 8).every((s) => s!.startsWith("down"))).toBe(true);
        expect(summaries.at(-1)).toBe("last");
        expect(spoolLines(home)).toEqual([]);
      } finally {
        await client.close();
        await server.close();
        removeHome(server.home);
      }
    } finally {
      removeHome(home);
    }
  });
});
