import path from "node:path";
import { parseArgs } from "node:util";
import { configFromEnv } from "../config.ts";
import { startServer } from "../server.ts";
import { parseStartFlags } from "./args.ts";
import { runHook } from "./hook.ts";
import { installHooks } from "./hooks-install.ts";

const USAGE = `rozet — Rozet Control Room

  rozet start [--port 4800] [--host 127.0.0.1] [--home ~/.rozet]   start the control room
  rozet hook [--url URL] [--app NAME]          Claude Code command hook: post stdin to the control room
  rozet hooks install <dir> [--url URL] [--app NAME] [--mode http|command] [--shared]
                                               configure every Claude Code hook of a project to report here
`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return start(rest);
    case "hook":
      return runHook(rest);
    case "hooks":
      return hooks(rest);
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

async function start(argv: string[]): Promise<void> {
  const flags = parseStartFlags(argv);
  const env = configFromEnv();
  const server = await startServer({
    ...env,
    ...(flags.port !== undefined ? { port: Number(flags.port) } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
    ...(flags.home !== undefined ? { home: path.resolve(flags.home) } : {}),
  });
  process.stdout.write(`\n  Rozet Control Room is up: ${server.url}\n  data: ${server.config.home}\n\n`);
  const shutdown = (signal: string) => {
    process.stdout.write(`${signal}: shutting down (flushing events)…\n`);
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
  if (mode !== "http" && mode !== "command") throw new Error(`--mode must be http or command, not ${mode}`);
  const result = installHooks({
    dir,
    url: (values.url ?? process.env.ROZET_URL ?? "http://127.0.0.1:4800").replace(/\/+$/, ""),
    app: values.app ?? path.basename(dir),
    mode,
    shared: values.shared ?? false,
  });
  process.stdout.write(`wrote ${result.events} hook events to ${result.file}\n`);
}
