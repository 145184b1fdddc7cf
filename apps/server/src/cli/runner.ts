import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { builtinDrivers, killAllProcessGroups, runnerLabelSchema } from "@rozet/orchestrator";
import { agentEnvFrom } from "../config.ts";
import { createLogger } from "../logger.ts";
import { Runner, spawnReaper } from "../runner/runner.ts";
import { assertHomeUsable, UsageError } from "./errors.ts";

const ROZET_BIN = fileURLToPath(new URL("../../bin/rozet.js", import.meta.url));

/** `rozet runner --server URL --token T [--max-agents N] [--label L] [--name N] [--home DIR]` */
export async function runRunner(argv: string[], out: (text: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: "string" },
      token: { type: "string" },
      "max-agents": { type: "string" },
      label: { type: "string" },
      name: { type: "string" },
      home: { type: "string" },
    },
    strict: true,
  });
  const server = values.server ?? process.env.ROZET_URL;
  if (!server || !/^https?:\/\//.test(server)) throw new UsageError("runner needs --server http(s)://HOST:PORT (the control room to work for)");
  const token = values.token ?? process.env.ROZET_TOKEN;
  if (!token) throw new UsageError("runner needs --token T (an operator token: rozet token create --name runner-1 --role operator) or ROZET_TOKEN");
  const maxAgents = Number(values["max-agents"] ?? 4);
  if (!Number.isInteger(maxAgents) || maxAgents < 1 || maxAgents > 1_000) throw new UsageError(`--max-agents must be a whole number from 1 to 1000, not ${values["max-agents"]}`);
  if (values.label !== undefined && !runnerLabelSchema.safeParse(values.label).success) {
    throw new UsageError(`--label ${values.label}: lowercase letters, digits, '-' and '_' (at most 40), starting with a letter or digit`);
  }
  const home = path.resolve(values.home ?? path.join(os.homedir(), ".rozet-runner"));
  assertHomeUsable(home);
  const name = values.name ?? `${os.hostname()}-${process.pid}`;
  const log = createLogger(false);
  const runner = new Runner({
    server: server.replace(/\/+$/, ""),
    token,
    name,
    label: values.label,
    maxAgents,
    home,
    drivers: builtinDrivers,
    agentEnv: agentEnvFrom(process.env),
    log,
    startReaper: spawnReaper(ROZET_BIN),
  });
  // Whatever happens to this process, no agent process group outlives it (kill -9: the reaper).
  process.once("exit", () => killAllProcessGroups());
  await runner.start();
  out(`\n  rozet runner ${name} is up: working for ${server} (label ${values.label ?? "default"}, at most ${maxAgents} agents)\n  workspaces: ${path.join(home, "workspaces")}\n\n`);
  const shutdown = (signal: string) => {
    out(`${signal}: stopping agents…\n`);
    runner.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "runner did not close cleanly");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
