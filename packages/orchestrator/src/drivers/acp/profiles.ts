import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { DomainError } from "@rozet/vocabulary";
import { z } from "zod";

// Launch profiles: how each ACP agent is started (argv, env, first mode, auth). argv only, never a shell.

export const ACP_PROFILES = ["claude", "codex", "gemini", "opencode", "custom"] as const;
export type AcpProfile = (typeof ACP_PROFILES)[number];

const argSchema = z
  .string()
  .min(1, "empty argument")
  .max(4_096)
  .refine((arg) => !arg.includes("\0"), "argument contains a NUL byte");

/** What `context.config` may hold for the ACP driver. Unknown keys are left for other layers. */
export const acpConfigSchema = z.looseObject({
  profile: z.enum(ACP_PROFILES),
  /** `custom` only: the agent's argv, e.g. ["node", "/abs/agent.js", "--acp"]. */
  command: z.array(argSchema).min(1, "command needs at least the program").max(64).optional(),
  /** Extra arguments appended to the profile's argv. */
  args: z.array(argSchema).max(64).optional(),
  /** Mode to switch to right after the session opens (claude: always "default" unless set here). */
  mode: z.string().min(1).optional(),
  /** claude: Claude settings files to load (none by default, as the claude driver: a project's own Rozet hooks would double the events). */
  settingSources: z.array(z.enum(["user", "project", "local"])).optional(),
  /** A read-only agent (a planner): file writes through the client file system are refused. */
  readOnly: z.boolean().optional(),
  /** stop(): wait this long after closing stdin before SIGTERM (default 3000). */
  stopGraceMs: z.int().min(0).max(60_000).optional(),
  /** cancel(): resolve the turn as cancelled if the agent has not answered after this long (default 5000). */
  cancelTimeoutMs: z.int().min(0).max(60_000).optional(),
});
export type AcpConfig = z.infer<typeof acpConfigSchema>;

/** A driver config the ACP driver cannot launch (DomainError INVALID_INPUT). */
export class AcpConfigError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("INVALID_INPUT", message, details);
    this.name = "AcpConfigError";
  }
}

export function parseAcpConfig(config: Record<string, unknown>): AcpConfig {
  const parsed = acpConfigSchema.safeParse(config);
  if (!parsed.success) throw new AcpConfigError(`invalid ACP driver config:\n${z.prettifyError(parsed.error)}`);
  const value = parsed.data;
  if (value.profile === "custom" && !value.command) throw new AcpConfigError('profile "custom" needs config.command (an argv array)');
  if (value.profile !== "custom" && value.command) throw new AcpConfigError(`config.command is only for profile "custom", not "${value.profile}"`);
  return value;
}

export interface LaunchSpec {
  profile: AcpProfile;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** session/set_mode right after session/new|load|resume, when the agent offers the mode. */
  initialMode?: string | undefined;
  /** Auth methods to try, in order, when session/new answers -32000 "authentication required". */
  authMethods: string[];
  /** `_meta` of session/new, load and resume (claude-agent-acp reads SDK options from `claudeCode.options`). */
  sessionMeta?: Record<string, unknown> | undefined;
  /**
   * Offer the client file system (fs/read_text_file, fs/write_text_file, confined to the workspace). false: the agent
   * reads and writes files itself.
   */
  clientFileSystem: boolean;
  /** Config files the agent reads (absolute path → content), written before it starts unless they already exist. */
  files?: Record<string, string> | undefined;
}

export interface LaunchInput {
  config: AcpConfig;
  env: Record<string, string>;
  dataDir: string;
  model?: string | undefined;
}

/** The variables an agent needs from the host: everything else (server secrets included) stays out. */
const BASE_ENV_KEYS = ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "TERM", "SystemRoot"];

export function baseEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of BASE_ENV_KEYS) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  return env;
}

const require = createRequire(import.meta.url);

function packageBin(pkg: string, bin: string): string | undefined {
  try {
    const manifestPath = require.resolve(`${pkg}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: string | Record<string, string> };
    const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[bin];
    return rel ? join(dirname(manifestPath), rel) : undefined;
  } catch {
    return undefined;
  }
}

function onPath(name: string, env: Record<string, string>): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** The bin script of `@agentclientprotocol/claude-agent-acp`, run with this Node. */
export function claudeAcpBin(): string {
  const bin = packageBin("@agentclientprotocol/claude-agent-acp", "claude-agent-acp");
  if (!bin) throw new AcpConfigError("@agentclientprotocol/claude-agent-acp is not installed");
  return bin;
}

/**
 * The native codex-acp binary. Spawned directly: the npm launcher runs it with spawnSync and does not forward
 * SIGTERM, which orphans the binary.
 */
export function codexAcpBin(): string {
  const native = `@zed-industries/codex-acp-${process.platform}-${process.arch}`;
  const exe = process.platform === "win32" ? "codex-acp.exe" : "codex-acp";
  try {
    const manifestPath = require.resolve(`${native}/package.json`);
    const path = join(dirname(manifestPath), "bin", exe);
    if (existsSync(path)) return path;
  } catch {
    // fall through to the launcher
  }
  const launcher = packageBin("@zed-industries/codex-acp", "codex-acp");
  if (!launcher) throw new AcpConfigError(`@zed-industries/codex-acp (and ${native}) is not installed`);
  return launcher;
}

/**
 * OpenCode's native binary. `opencode-ai`'s own bin is a placeholder that its postinstall replaces (we do not run
 * it); the binary comes with the optional dependency `opencode-<os>-<arch>`, resolved from opencode-ai.
 */
export function opencodeBin(): string | undefined {
  const exe = process.platform === "win32" ? "opencode.exe" : "opencode";
  const native = `opencode-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;
  try {
    const fromOpencode = createRequire(require.resolve("opencode-ai/package.json"));
    const path = join(dirname(fromOpencode.resolve(`${native}/package.json`)), "bin", exe);
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Gemini CLI's bundled entry script (`@google/gemini-cli`), run with this Node. */
export function geminiBin(): string | undefined {
  return packageBin("@google/gemini-cli", "gemini");
}

/** TOML basic string; JSON escapes are a subset TOML accepts for the characters we meet in URLs and ids. */
function toml(value: string): string {
  return JSON.stringify(value);
}

/**
 * Codex ignores OPENAI_BASE_URL; a custom provider is the verified way to point it elsewhere. The key stays in the
 * environment (env_key), never on the command line.
 */
function codexProviderArgs(env: Record<string, string>): string[] {
  const baseUrl = env.OPENAI_BASE_URL;
  if (!baseUrl) return [];
  return [
    "-c",
    'model_provider="rozet"',
    "-c",
    `model_providers.rozet={name="rozet",base_url=${toml(baseUrl)},env_key="OPENAI_API_KEY",wire_api="responses",supports_websockets=false}`,
  ];
}

/** Gemini CLI settings of the agent's own home: no usage statistics, telemetry or update checks. */
const GEMINI_SETTINGS = {
  general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
};

/** OpenCode's own traffic off: models.dev catalogue fetch (the bundled snapshot is used), self-update, sharing, LSP downloads. */
const OPENCODE_QUIET_ENV: Record<string, string> = {
  OPENCODE_DISABLE_MODELS_FETCH: "1",
  OPENCODE_DISABLE_AUTOUPDATE: "1",
  OPENCODE_DISABLE_SHARE: "1",
  OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
  // Not ~/.claude's CLAUDE.md and skills: the agent's instructions come from its workspace.
  OPENCODE_DISABLE_CLAUDE_CODE: "1",
};

/**
 * OpenCode's config: edits, shell commands and web fetches ask (through ACP, i.e. our permission broker) instead of
 * OpenCode's default "allow"; no session-title side request (an extra model call per session); the Anthropic
 * provider pointed at `ANTHROPIC_BASE_URL` when set (the Claude convention: without `/v1`).
 */
function opencodeConfig(env: Record<string, string>, model: string | undefined): Record<string, unknown> {
  const baseUrl = env.ANTHROPIC_BASE_URL?.replace(/\/+$/, "");
  return {
    autoupdate: false,
    share: "disabled",
    permission: { edit: "ask", bash: "ask", webfetch: "ask" },
    agent: { title: { disable: true } },
    ...(model ? { model: model.includes("/") ? model : `anthropic/${model}` } : {}),
    ...(baseUrl ? { provider: { anthropic: { options: { baseURL: `${baseUrl}/v1` } } } } : {}),
  };
}

/** A read-only agent's OpenCode config: whatever it was given, edits, shell commands and fetches ask (and are refused). */
function askingOpencodeConfig(content: string): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(content) as Record<string, unknown>;
  } catch {
    throw new AcpConfigError("OPENCODE_CONFIG_CONTENT is not JSON; a read-only OpenCode agent needs its permissions set to ask");
  }
  return JSON.stringify({ ...parsed, permission: { edit: "ask", bash: "ask", webfetch: "ask" } });
}

/**
 * OpenCode installs `@opencode-ai/plugin` (types for config-dir plugins) from the npm registry into its config dir on
 * every start unless the dir already lists it as installed. A package.json and lock that do, plus an empty
 * node_modules, keep it offline; nothing there is loaded.
 */
function opencodePluginStub(configDir: string): Record<string, string> {
  const dependencies = { "@opencode-ai/plugin": "*" };
  return {
    [join(configDir, "package.json")]: JSON.stringify({ dependencies }),
    [join(configDir, "package-lock.json")]: JSON.stringify({ lockfileVersion: 3, packages: { "": { dependencies } } }),
    [join(configDir, "node_modules", ".keep")]: "",
  };
}

/**
 * The mode a read-only agent (a planner) starts in, whatever `config.mode` says: the one that asks before every edit
 * and command (Codex: "read-only", its sandbox too), so the runtime can refuse them. OpenCode has no such mode (its
 * config makes it ask); a custom agent's modes are unknown.
 */
const READ_ONLY_MODES: Partial<Record<AcpProfile, string>> = { claude: "default", codex: "read-only", gemini: "default" };

export function resolveLaunch(input: LaunchInput): LaunchSpec {
  const { dataDir, model } = input;
  const config = input.config.readOnly && READ_ONLY_MODES[input.config.profile] ? { ...input.config, mode: READ_ONLY_MODES[input.config.profile] } : input.config;
  const env = { ...baseEnv(), ...input.env };
  const extra = config.args ?? [];

  switch (config.profile) {
    case "claude": {
      env.CLAUDE_CONFIG_DIR ??= dataDir;
      // No side requests of Claude Code's own (session title, prompt suggestion): ~3x the model calls otherwise.
      env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC ??= "1";
      // The adapter asks for a predicted follow-up prompt after every turn unless this is off.
      env.CLAUDE_CODE_ENABLE_PROMPT_SUGGESTION ??= "false";
      if (model) env.ANTHROPIC_MODEL ??= model;
      return {
        profile: "claude",
        command: process.execPath,
        args: [claudeAcpBin(), ...extra],
        env,
        // The adapter starts in "auto" (a classifier approves tools); "default" routes every ask to us.
        initialMode: config.mode ?? "default",
        authMethods: [],
        clientFileSystem: true,
        // The adapter loads user, project and local settings unless told otherwise.
        sessionMeta: { claudeCode: { options: { settingSources: config.settingSources ?? [] } } },
      };
    }
    case "codex": {
      env.CODEX_HOME ??= dataDir;
      const args = [...codexProviderArgs(env)];
      if (model) args.push("-c", `model=${toml(model)}`);
      return {
        profile: "codex",
        command: codexAcpBin(),
        args: [...args, ...extra],
        env,
        initialMode: config.mode,
        authMethods: env.OPENAI_API_KEY ? ["openai-api-key"] : env.CODEX_API_KEY ? ["codex-api-key"] : [],
        clientFileSystem: true,
      };
    }
    case "gemini": {
      // Everything Gemini CLI keeps in ~/.gemini (settings, chats, trusted folders) goes to the agent's data dir.
      env.GEMINI_CLI_HOME ??= dataDir;
      // One process: otherwise the CLI relaunches itself as a child with a larger heap.
      env.GEMINI_CLI_NO_RELAUNCH ??= "true";
      const bin = geminiBin();
      const args = ["--acp", ...(model ? ["-m", model] : []), ...extra];
      return {
        profile: "gemini",
        command: bin ? process.execPath : (onPath("gemini", env) ?? "gemini"),
        args: bin ? [bin, ...args] : args,
        env,
        initialMode: config.mode,
        authMethods: env.GEMINI_API_KEY ? ["gemini-api-key"] : [],
        // Gemini CLI 0.61 takes our "not found" answer for a new file as a failed read (it expects an Error instance,
        // the ACP SDK rejects with the plain JSON-RPC error) and then cannot write any new file; it uses its own
        // file system instead, limited to the workspace by its own path checks.
        clientFileSystem: false,
        files: { [join(env.GEMINI_CLI_HOME, ".gemini", "settings.json")]: JSON.stringify(GEMINI_SETTINGS, null, 2) },
      };
    }
    case "opencode": {
      // OpenCode follows the XDG base directories: its config, sessions database, cache and logs go to the data dir.
      env.XDG_CONFIG_HOME ??= join(dataDir, "config");
      env.XDG_DATA_HOME ??= join(dataDir, "data");
      env.XDG_CACHE_HOME ??= join(dataDir, "cache");
      env.XDG_STATE_HOME ??= join(dataDir, "state");
      for (const [key, value] of Object.entries(OPENCODE_QUIET_ENV)) env[key] ??= value;
      // `opencode acp` serves its whole HTTP API (sessions, shell) on 127.0.0.1 (port 4096 when free) for its own ACP
      // layer; a per-launch password keeps other local processes out of it.
      env.OPENCODE_SERVER_PASSWORD ??= randomBytes(24).toString("base64url");
      env.OPENCODE_CONFIG_CONTENT ??= JSON.stringify(opencodeConfig(env, model));
      if (config.readOnly) env.OPENCODE_CONFIG_CONTENT = askingOpencodeConfig(env.OPENCODE_CONFIG_CONTENT);
      return {
        profile: "opencode",
        command: opencodeBin() ?? onPath("opencode", env) ?? "opencode",
        args: ["acp", ...extra],
        env,
        initialMode: config.mode,
        authMethods: [],
        clientFileSystem: true,
        files: opencodePluginStub(join(env.XDG_CONFIG_HOME, "opencode")),
      };
    }
    case "custom": {
      const [program, ...rest] = config.command ?? [];
      if (!program) throw new AcpConfigError('profile "custom" needs config.command');
      return { profile: "custom", command: program, args: [...rest, ...extra], env, initialMode: config.mode, authMethods: [], clientFileSystem: true };
    }
  }
}
