import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventsOfType, readPayload, type CatalogueEventOf, type EventType } from "@rozet/vocabulary";
import type { DriverEvent, DriverHost, PermissionDecision, PermissionRequest } from "../../runtime/driver.ts";

// Test support for ACP driver tests (not used at run time): a DriverHost that records what the driver reports,
// and temp directories that clean up after themselves.

export interface RecordedPermission {
  request: PermissionRequest;
  signal: AbortSignal;
  at: number;
}

export type Decide = (request: PermissionRequest, signal: AbortSignal) => PermissionDecision | Promise<PermissionDecision>;

export interface RecordingHost extends DriverHost {
  events: DriverEvent[];
  permissions: RecordedPermission[];
  exits: string[];
  activityCount: number;
  /** Replace how permissions are answered (default: allow). */
  decide: Decide;
  ofType<T extends EventType>(type: T): CatalogueEventOf<T>[];
  /** Resolves with the first permission request that arrives (or has arrived). */
  nextPermission(): Promise<RecordedPermission>;
}

export function recordingHost(decide: Decide = () => ({ behavior: "allow" })): RecordingHost {
  const waiters: Array<(permission: RecordedPermission) => void> = [];
  const host: RecordingHost = {
    events: [],
    permissions: [],
    exits: [],
    activityCount: 0,
    decide,
    emit(event) {
      host.events.push(event);
    },
    requestPermission(request, signal) {
      const recorded = { request, signal, at: Date.now() };
      host.permissions.push(recorded);
      for (const waiter of waiters.splice(0)) waiter(recorded);
      return Promise.resolve(host.decide(request, signal));
    },
    exited(reason) {
      host.exits.push(reason);
    },
    activity() {
      host.activityCount++;
    },
    ofType<T extends EventType>(type: T) {
      return eventsOfType(host.events, type);
    },
    nextPermission() {
      const seen = host.permissions[host.permissions.length - 1];
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
  return host;
}

/** A decision that waits until the signal aborts (an operator who never answers). */
export function neverAnswer(_request: PermissionRequest, signal: AbortSignal): Promise<PermissionDecision> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason ?? new Error("aborted")), { once: true });
  });
}

export interface TempDirs {
  make(prefix: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Real paths (macOS /tmp is a symlink), removed by cleanup(). */
export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    async make(prefix) {
      const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
      made.push(dir);
      return dir;
    },
    async cleanup() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** The environment that points Claude Code (through claude-agent-acp) at a model stub, offline. */
export function claudeStubEnv(stubUrl: string, configDir: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: stubUrl,
    ANTHROPIC_API_KEY: "stub-key",
    IS_SANDBOX: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    CLAUDE_CONFIG_DIR: configDir,
    CLAUDE_CODE_MAX_RETRIES: "0",
  };
}

/** Events whose payload the event catalogue rejects ("type: what does not match"); a driver test expects none. */
export function catalogueViolations(events: readonly DriverEvent[]): string[] {
  return events.flatMap((event) => {
    const read = readPayload(event.type, event.payload);
    return read.ok ? [] : [`${event.type}: ${read.error}`];
  });
}
