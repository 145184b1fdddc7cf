import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { configFromEnv, homePaths } from "../config.ts";
import { parseStartFlags } from "./args.ts";
import { assertHomeUsable, describeCliError, UsageError } from "./errors.ts";
import { runHook } from "./hook.ts";
import { installHooks } from "./hooks-install.ts";
import { formatChecks, runDoctor } from "./doctor.ts";

// The server, the demo, the model stub and the database are imported by the commands that use them: `rozet hook`
// runs on every Claude Code hook event, and loading the whole server first made it ~5x slower to start.

const USAGE = `rozet — Rozet Control Room

  rozet start [--port 4800] [--host 127.0.0.1] [--home ~/.rozet] [--database-url postgres://…]
                                               start the control room (on SQLite in the home, or on Postgres)
  rozet demo [--port 4800] [--home DIR]        start the control room with a live demo session (model stub, real Claude Code)
  rozet demo --plan [--port 4800] [--home DIR] the same with a plan: a planner's three tasks, auto-approved, run by Claude and shell agents
  rozet stub-model --scenario FILE [--port N]  run the scriptable Anthropic Messages API stub
  rozet hook [--url URL] [--app NAME] [--home DIR] Claude Code command hook: post stdin to the control room (spooled under the home while it is down)
  rozet doctor [--port N] [--host H] [--home DIR] [--project DIR] [--database-url URL]
                                               check Node, the port, the home or Postgres, agent CLIs, model keys, a project's hooks
  rozet backup <file> [--home DIR]             consistent copy of the SQLite database while the control room runs (Postgres: pg_dump)
  rozet hooks install <dir> [--url URL] [--app NAME] [--mode http|command] [--shared]
                                               configure every Claude Code hook of a project to report here
  rozet token create --name NAME --role viewer|operator|admin [--home DIR] [--database-url URL]   prints the secret once
  rozet token list [--home DIR] [--database-url URL]   names, roles, created, revoked
  rozet token revoke NAME|ID [--home DIR] [--database-url URL]   stops it working at its next request
  rozet runner --server URL --token T [--max-agents 4] [--label L] [--name N] [--home ~/.rozet-runner]
                                               host agents on this machine for a control room on Postgres (connects out only)
`;

/** Runs a command; a failure is one clear line on stderr and a non-zero exit status, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (error) {
    const { line, exitCode } = describeCliError(error);
    process.stderr.write(`rozet: ${line}\n`);
    if (process.env.ROZET_DEV === "1" && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCode;
  }
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return start(rest);
    case "demo":
      return demo(rest);
    case "stub-model":
      return (await import("@rozet/model-stub")).runStubModelCli(rest);
    case "hook":
      return runHook(rest);
    case "hooks":
      return hooks(rest);
    case "doctor":
      return doctor(rest);
    case "backup":
      return backup(rest);
    case "token":
      // Loaded on use: the database client is not what `rozet hook` should pay for at every start.
      return (await import("./token.ts")).runToken(rest, (text) => process.stdout.write(text));
    case "runner":
      return (await import("./runner.ts")).runRunner(rest, (text) => process.stdout.write(text));
    case "runner-reaper":
      // Started by `rozet runner` itself: kills its agents once it is gone (see runner/reaper.ts).
      return (await import("../runner/reaper.ts")).runReaper(rest[0] ?? "");
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`unknown command: ${command}\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

function configFromFlags(argv: string[]) {
  const flags = parseStartFlags(argv);
  const config = {
    ...configFromEnv(),
    ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.home !== undefined ? { home: path.resolve(flags.home) } : {}),
    ...(flags["database-url"] !== undefined ? { databaseUrl: flags["database-url"] } : {}),
  };
  assertHomeUsable(config.home);
  return config;
}

async function start(argv: string[]): Promise<void> {
  const { startServer } = await import("../server.ts");
  const server = await startServer(configFromFlags(argv));
  process.stdout.write(`\n  Rozet Control Room is up: ${server.url}\n  data: ${server.config.home}\n\n`);
  await closeOnSignals(server);
}

async function demo(argv: string[]): Promise<void> {
  if (argv.includes("--plan")) return planDemo(argv.filter((arg) => arg !== "--plan"));
  const { runDemo } = await import("../demo/run-demo.ts");
  const running = await runDemo(configFromFlags(argv));
  process.stdout.write(
    `\n  Rozet Control Room demo is up: ${running.server.url}\n  demo session: ${running.sessionUrl}\n` +
      `  Two Claude agents are working through a model stub; one Bash call waits for your approval.\n\n`,
  );
  await closeOnSignals(running);
}

async function planDemo(argv: string[]): Promise<void> {
  const { runPlanDemo } = await import("../demo/plan-demo.ts");
  const running = await runPlanDemo(configFromFlags(argv));
  process.stdout.write(
    `\n  Rozet Control Room plan demo is up: ${running.server.url}\n  demo session: ${running.sessionUrl}\n` +
      `  A planner proposes three tasks; they run at once (the session auto-approves plans).\n\n`,
  );
  await closeOnSignals(running);
}

async function closeOnSignals(server: { close(): Promise<void> }): Promise<void> {
  const { killAllProcessGroups } = await import("@rozet/orchestrator");
  // Whatever happens to this process, no agent process group outlives it.
  process.once("exit", () => killAllProcessGroups());
  const shutdown = (signal: string) => {
    process.stdout.write(`${signal}: shutting down (stopping agents, flushing events)…\n`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

function hooks(argv: string[]): void {
  const [sub, ...rest] = argv;
  if (sub !== "install") {
    process.stderr.write(USAGE);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      app: { type: "string" },
      mode: { type: "string" },
      shared: { type: "boolean" },
    },
  });
  const dir = path.resolve(positionals[0] ?? ".");
  const mode = values.mode ?? "http";
  if (mode !== "http" && mode !== "command") throw new UsageError(`--mode must be http or command, not ${mode}`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`hooks install: ${dir} is not a directory`);
  const result = installHooks({
    dir,
    url: (values.url ?? process.env.ROZET_URL ?? "http://127.0.0.1:4800").replace(/\/+$/, ""),
    app: values.app ?? path.basename(dir),
    mode,
    shared: values.shared ?? false,
  });
  process.stdout.write(`wrote ${result.events} hook events to ${result.file}\n`);
}

async function doctor(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: "string" }, host: { type: "string" }, home: { type: "string" }, project: { type: "string" }, "database-url": { type: "string" } },
  });
  const env = configFromEnv();
  const port = Number(values.port ?? env.port ?? 4800);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, not ${values.port}`);
  const checks = await runDoctor({
    host: values.host ?? env.host ?? "127.0.0.1",
    port,
    home: path.resolve(values.home ?? env.home),
    project: path.resolve(values.project ?? "."),
    databaseUrl: values["database-url"] ?? env.databaseUrl ?? null,
  });
  process.stdout.write(`${formatChecks(checks)}\n`);
  if (checks.some((check) => check.level === "fail")) process.exitCode = 1;
}

async function backup(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { home: { type: "string" } } });
  const target = positionals[0];
  if (!target) throw new UsageError("backup: name the file to write, e.g. rozet backup rozet-$(date +%F).db");
  const env = configFromEnv();
  if (env.databaseUrl) throw new UsageError("backup copies the SQLite file; on Postgres (ROZET_DATABASE_URL) use pg_dump");
  const home = path.resolve(values.home ?? env.home);
  const file = path.resolve(target);
  const { backupDatabase } = await import("@rozet/db");
  const result = await backupDatabase(homePaths(home).database, file);
  process.stdout.write(`backed up ${result.events} events (${result.pages} pages) to ${file}\n`);
}
