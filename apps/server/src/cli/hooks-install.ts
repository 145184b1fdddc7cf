import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Every Claude Code hook event the control room listens to. WorktreeCreate/WorktreeRemove are left out on
 * purpose: a configured WorktreeCreate hook replaces Claude Code's own worktree creation.
 */
export const CLAUDE_HOOK_EVENTS = [
  "SessionStart", "Setup", "InstructionsLoaded", "UserPromptSubmit", "UserPromptExpansion", "PreToolUse",
  "PermissionRequest", "PermissionDenied", "PostToolUse", "PostToolUseFailure", "PostToolBatch", "MessageDisplay",
  "Notification", "Stop", "StopFailure", "SubagentStart", "SubagentStop", "PreCompact", "PostCompact", "TaskCreated",
  "TaskCompleted", "TeammateIdle", "CwdChanged", "FileChanged", "ConfigChange", "PreModelSwitch", "PostModelSwitch",
  "Elicitation", "ElicitationResult", "DirectoryAdded", "SessionEnd",
] as const;

/** HTTP hooks are skipped by Claude Code for these; they get the command hook. */
const COMMAND_ONLY = new Set(["SessionStart", "Setup"]);
const MARKER = "rozet-control-room";

export interface HooksInstallOptions {
  dir: string;
  url: string;
  app: string;
  mode: "http" | "command";
  /** Write settings.json (shared, committed) instead of settings.local.json (yours only). */
  shared?: boolean;
}

type HookHandler = Record<string, unknown>;
type HookGroup = { matcher?: string; hooks: HookHandler[] };
type Settings = { hooks?: Record<string, HookGroup[]>; [key: string]: unknown };

const ROZET_BIN = fileURLToPath(new URL("../../bin/rozet.js", import.meta.url));

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function handlerFor(event: string, options: HooksInstallOptions): HookHandler {
  const query = new URLSearchParams({ app: options.app });
  if (options.mode === "http" && !COMMAND_ONLY.has(event)) {
    return {
      type: "http",
      url: `${options.url}/hooks/claude?${query.toString()}`,
      timeout: 5,
      headers: { Authorization: "Bearer $ROZET_TOKEN" },
      allowedEnvVars: ["ROZET_TOKEN"],
      statusMessage: MARKER,
    };
  }
  return {
    type: "command",
    command: `node ${shellQuote(ROZET_BIN)} hook --url ${shellQuote(options.url)} --app ${shellQuote(options.app)}`,
    timeout: 5,
    statusMessage: MARKER,
  };
}

function isOurs(handler: HookHandler): boolean {
  return handler.statusMessage === MARKER;
}

/** How many hook events of a project's Claude settings (local and shared) report to the control room, and where. */
export function installedHooks(dir: string): { file: string; events: number }[] {
  return ["settings.local.json", "settings.json"].flatMap((name) => {
    const file = path.join(dir, ".claude", name);
    if (!existsSync(file)) return [];
    let settings: Settings;
    try {
      settings = JSON.parse(readFileSync(file, "utf8")) as Settings;
    } catch {
      return [{ file, events: 0 }];
    }
    const events = Object.values(settings.hooks ?? {}).filter((groups) => Array.isArray(groups) && groups.some((group) => group.hooks?.some(isOurs))).length;
    return [{ file, events }];
  });
}

/** Merges the control room's hooks into the project's Claude settings; other settings and hooks are kept. */
export function installHooks(options: HooksInstallOptions): { file: string; events: number } {
  if (!existsSync(options.dir) || !statSync(options.dir).isDirectory()) throw new Error(`not a directory: ${options.dir}`);
  const claudeDir = path.join(options.dir, ".claude");
  mkdirSync(claudeDir, { recursive: true });
  const file = path.join(claudeDir, options.shared ? "settings.json" : "settings.local.json");
  let settings: Settings = {};
  if (existsSync(file)) {
    try {
      settings = JSON.parse(readFileSync(file, "utf8")) as Settings;
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix it or move it away first`);
    }
  }
  const hooks = settings.hooks ?? {};
  for (const event of CLAUDE_HOOK_EVENTS) {
    // Re-running replaces our handler and keeps everybody else's.
    const groups = (hooks[event] ?? [])
      .map((group) => ({ ...group, hooks: group.hooks.filter((h) => !isOurs(h)) }))
      .filter((group) => group.hooks.length > 0);
    groups.push({ hooks: [handlerFor(event, options)] });
    hooks[event] = groups;
  }
  settings.hooks = hooks;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(temp, file);
  return { file, events: CLAUDE_HOOK_EVENTS.length };
}
