import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { opencodeBin } from "@rozet/orchestrator";
import { homePaths } from "../config.ts";
import { installedHooks } from "./hooks-install.ts";

export type CheckLevel = "ok" | "warn" | "fail";
export interface Check {
  level: CheckLevel;
  name: string;
  detail: string;
}

/** Node lines the CI runs on (package.json `engines` and .github/workflows/ci.yml say the same). */
const TESTED_NODE_MAJORS = [22, 24];
const MINIMUM_NODE: [number, number] = [20, 19];

export function checkNode(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major < MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor < MINIMUM_NODE[1])) {
    return { level: "fail", name: "node", detail: `Node ${version} is too old; ${MINIMUM_NODE.join(".")} or newer is required (22 or 24 recommended)` };
  }
  if (!TESTED_NODE_MAJORS.includes(major)) {
    return { level: "warn", name: "node", detail: `Node ${version} works, but CI tests Node ${TESTED_NODE_MAJORS.join(" and ")}${major === 20 ? " (Node 20 is past end of life)" : ""}` };
  }
  return { level: "ok", name: "node", detail: `Node ${version}` };
}

/** Whether the port can be bound; if not, whether a control room already answers there. */
export async function checkPort(host: string, port: number): Promise<Check> {
  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const probe = createServer();
    probe.once("error", (e: NodeJS.ErrnoException) => resolve(e));
    probe.listen(port, host, () => probe.close(() => resolve(null)));
  });
  if (!error) return { level: "ok", name: "port", detail: `${host}:${port} is free` };
  if (error.code === "EADDRINUSE") {
    const running = await fetch(`http://${host.includes(":") ? `[${host}]` : host}:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })
      .then(async (res) => res.ok && ((await res.json()) as { ok?: unknown }).ok === true)
      .catch(() => false);
    return running
      ? { level: "warn", name: "port", detail: `${host}:${port} is in use by a running control room` }
      : { level: "fail", name: "port", detail: `${host}:${port} is in use by another program; choose one with --port or ROZET_PORT` };
  }
  return { level: "fail", name: "port", detail: `${host}:${port} cannot be bound: ${error.code ?? error.message}` };
}

/** `onPostgres`: the database is not in the home (the postgres check covers it). */
export function checkHome(home: string, onPostgres = false): Check {
  try {
    if (existsSync(home) && !statSync(home).isDirectory()) return { level: "fail", name: "home", detail: `${home} is not a directory` };
    mkdirSync(home, { recursive: true });
    accessSync(home, constants.W_OK);
  } catch (error) {
    return { level: "fail", name: "home", detail: `${home} is not writable: ${(error as Error).message}` };
  }
  if (onPostgres) return { level: "ok", name: "home", detail: `${home} (workspaces, agent config, logs; the database is on Postgres)` };
  const database = homePaths(home).database;
  return { level: "ok", name: "home", detail: existsSync(database) ? `${home} (database ${database})` : `${home} (the database is created on first start)` };
}

const require = createRequire(import.meta.url);
function installed(pkg: string): string | undefined {
  try {
    return (require(`${pkg}/package.json`) as { version?: string }).version ?? "?";
  } catch {
    return undefined;
  }
}
/**
 * better-sqlite3's native addon loads for this Node. Built for another one, the first query of `rozet start` fails
 * with ERR_DLOPEN_FAILED (NODE_MODULE_VERSION …); on Postgres the addon is only used by `rozet backup`.
 */
export async function checkSqliteDriver(onPostgres = false, nativeBinding?: string): Promise<Check> {
  const { probeSqliteDriver } = await import("@rozet/db");
  try {
    const { sqliteVersion } = probeSqliteDriver(nativeBinding);
    return { level: "ok", name: "sqlite", detail: `better-sqlite3 ${installed("better-sqlite3") ?? "?"} (SQLite ${sqliteVersion}) loads on Node ${process.versions.node}` };
  } catch (error) {
    // Node's own advice after this ("Please try re-compiling…") is replaced by ours.
    const reason = (error as Error).message.replace(/\s+/g, " ").replace(/ Please try re-compiling.*$/, "").trim().replace(/\.$/, "");
    const fix = `rebuild it for Node ${process.versions.node}: npm rebuild better-sqlite3 (if your npmrc sets nodedir, point npm_config_nodedir at this Node's install)`;
    return { level: onPostgres ? "warn" : "fail", name: "sqlite", detail: `better-sqlite3 does not load: ${reason}; ${fix}` };
  }
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The agents the drivers can start: bundled packages first, then commands on PATH. */
export function checkAgentClis(env: NodeJS.ProcessEnv = process.env): Check[] {
  // nativeBin: a package whose own bin is only a launcher for a per-platform binary (opencode-ai).
  const agents: [name: string, pkg: string, command: string, needed: boolean, nativeBin?: () => string | undefined][] = [
    ["claude (driver claude)", "@anthropic-ai/claude-code", "claude", true],
    ["claude-agent-acp (ACP profile claude)", "@agentclientprotocol/claude-agent-acp", "claude-agent-acp", false],
    ["codex-acp (ACP profile codex)", "@zed-industries/codex-acp", "codex-acp", false],
    ["gemini (ACP profile gemini)", "@google/gemini-cli", "gemini", false],
    ["opencode (ACP profile opencode)", "opencode-ai", "opencode", false, opencodeBin],
  ];
  return agents.map(([name, pkg, command, needed, nativeBin]) => {
    const version = installed(pkg);
    const found = onPath(command, env);
    if (version && nativeBin) {
      const bin = nativeBin();
      if (bin) return { level: "ok", name: `agent ${name}`, detail: `${pkg} ${version} (bundled): ${bin}` };
      if (!found) return { level: "warn", name: `agent ${name}`, detail: `${pkg} ${version} is installed but its native binary (the platform package it depends on optionally) is missing` };
    } else if (version) {
      return { level: "ok", name: `agent ${name}`, detail: `${pkg} ${version} (bundled)` };
    }
    if (found) return { level: "ok", name: `agent ${name}`, detail: found };
    return { level: needed ? "warn" : "ok", name: `agent ${name}`, detail: needed ? `not found: install ${pkg} or put ${command} on PATH` : "not installed (optional)" };
  });
}

/** Which model credentials the agents will get (names only, never values). */
export function checkModelKeys(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): Check[] {
  const anthropic = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"].filter((name) => env[name]);
  const claudeLogin = existsSync(path.join(env.CLAUDE_CONFIG_DIR ?? path.join(home, ".claude"), ".credentials.json"));
  const checks: Check[] = [
    anthropic.length > 0 || claudeLogin || env.CLAUDE_CODE_USE_BEDROCK || env.CLAUDE_CODE_USE_VERTEX
      ? { level: "ok", name: "model key anthropic", detail: anthropic.length > 0 ? anthropic.join(", ") : claudeLogin ? "Claude Code login (credentials file)" : "Bedrock / Vertex" }
      : { level: "warn", name: "model key anthropic", detail: "none: set ANTHROPIC_API_KEY (or log in with claude) before starting Claude agents" },
  ];
  for (const [name, vars] of [["openai", ["OPENAI_API_KEY", "CODEX_API_KEY"]], ["gemini", ["GEMINI_API_KEY", "GOOGLE_API_KEY"]]] as const) {
    const set = vars.filter((v) => env[v]);
    checks.push({ level: "ok", name: `model key ${name}`, detail: set.length > 0 ? set.join(", ") : "not set (only needed for that agent)" });
  }
  return checks;
}

export function checkHooks(project: string): Check {
  const found = installedHooks(project);
  const withHooks = found.filter((entry) => entry.events > 0);
  if (withHooks.length === 0) {
    return { level: "warn", name: "hooks", detail: `no control-room hooks in ${project}/.claude (rozet hooks install ${project})` };
  }
  return { level: "ok", name: "hooks", detail: withHooks.map((entry) => `${entry.events} hook events in ${entry.file}`).join("; ") };
}

/** ROZET_DATABASE_URL: the Postgres server answers, and the migrations the next start will apply. */
export async function checkPostgres(url: string): Promise<Check> {
  const { probePostgres, redactUrl } = await import("@rozet/db");
  try {
    const { version, pendingMigrations } = await probePostgres(url);
    const migrations = pendingMigrations.length === 0 ? "schema up to date" : `${pendingMigrations.length} migrations to apply at the next start`;
    return { level: "ok", name: "postgres", detail: `${redactUrl(url)}: PostgreSQL ${version}, ${migrations}` };
  } catch (error) {
    return { level: "fail", name: "postgres", detail: `${redactUrl(url)}: cannot connect: ${(error as Error).message}` };
  }
}

export async function runDoctor(options: { host: string; port: number; home: string; project: string; databaseUrl?: string | null; env?: NodeJS.ProcessEnv }): Promise<Check[]> {
  const env = options.env ?? process.env;
  return [
    checkNode(),
    await checkPort(options.host, options.port),
    checkHome(options.home, Boolean(options.databaseUrl)),
    await checkSqliteDriver(Boolean(options.databaseUrl)),
    ...(options.databaseUrl ? [await checkPostgres(options.databaseUrl)] : []),
    ...checkAgentClis(env),
    ...checkModelKeys(env),
    checkHooks(options.project),
  ];
}

export function formatChecks(checks: Check[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  return checks.map((check) => `${check.level.padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}`).join("\n");
}
