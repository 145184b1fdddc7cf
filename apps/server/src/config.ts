import os from "node:os";
import path from "node:path";
import { defaultRateLimits } from "@rozet/api";
import { z } from "zod";

export const LOOPBACK_HOSTS = ["127.0.0.1", "::1", "localhost"];

const bucketSchema = z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) });

const configSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65535).default(4800),
    home: z.string().min(1),
    token: z.string().min(16, "ROZET_TOKEN must be at least 16 characters").nullable().default(null),
    /** Extra Host header names accepted (e.g. a LAN name); loopback names and the bind host always are. */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Extra browser origins allowed to call state-changing endpoints and open WebSockets. */
    allowedOrigins: z.array(z.string().url()).default([]),
    /** Where the built web app lives; served at `/` when present. */
    webDist: z.string().nullable().default(null),
    /** ROZET_DATABASE_URL / --database-url: the shared Postgres store instead of the SQLite file in the home. */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/i, "ROZET_DATABASE_URL must be a postgres:// or postgresql:// URL")
      .nullable()
      .default(null),
    synchronous: z.enum(["FULL", "NORMAL"]).default("FULL"),
    /** Unanswered permission requests are denied after this long. */
    permissionTimeoutMs: z.number().int().positive().default(10 * 60_000),
    /** A busy agent silent this long is flagged as stalled. */
    watchdogMs: z.number().int().positive().default(60_000),
    /** Environment given to every agent (model endpoints, keys); by default the ANTHROPIC_/OPENAI_/… vars of the server. */
    agentEnv: z.record(z.string(), z.string()).default({}),
    quiet: z.boolean().default(false),
    /** A runner that has not renewed its leases for this long loses its agents (they go `lost`). */
    runnerLeaseMs: z.number().int().min(500).max(3_600_000).default(30_000),
    /** ROZET_REPLICA_NAME: how this replica is named to the others (default host/pid). */
    replicaName: z.string().min(1).max(100).optional(),
    /** ROZET_REPLICA_LEASE_MS: a replica that has not renewed its heartbeat for this long loses its agents (`lost`). */
    replicaLeaseMs: z.number().int().min(500).max(3_600_000).default(30_000),
    /** ROZET_FORWARD_TIMEOUT_MS: how long a command for an agent on another replica waits for that replica's answer. */
    forwardTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** ROZET_CONTROL_ROOM_ENABLED=false: observe-only (ingest, timeline, replay, export work; agents cannot be controlled). */
    controlEnabled: z.boolean().default(true),
    /** The audit log rotates before it would pass this size, keeping this many rotated files. */
    auditMaxBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
    auditKeep: z.number().int().min(0).max(100).default(5),
    /** Token buckets per token and per client address. */
    rateLimits: z
      .object({
        mutations: bucketSchema.default(defaultRateLimits.mutations),
        ingest: bucketSchema.default(defaultRateLimits.ingest),
        throttleLoopbackIngest: z.boolean().default(defaultRateLimits.throttleLoopbackIngest),
      })
      .default(defaultRateLimits),
  })
  .refine((c) => LOOPBACK_HOSTS.includes(c.host) || c.token !== null, {
    message: "binding to a non-loopback address requires ROZET_TOKEN (at least 16 characters)",
    path: ["token"],
  });

export type ServerConfig = z.output<typeof configSchema>;
export type ServerConfigInput = z.input<typeof configSchema>;

export function parseConfig(input: ServerConfigInput): ServerConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

function list(value: string | undefined): string[] {
  return value ? value.split(",").map((s) => s.trim()).filter(Boolean) : [];
}

/** Defaults from the environment (ROZET_*); command-line flags override them. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfigInput {
  return {
    host: env.ROZET_HOST ?? "127.0.0.1",
    port: env.ROZET_PORT ? Number(env.ROZET_PORT) : 4800,
    home: env.ROZET_HOME ?? path.join(os.homedir(), ".rozet"),
    token: env.ROZET_TOKEN || null,
    allowedHosts: list(env.ROZET_ALLOWED_HOSTS),
    allowedOrigins: list(env.ROZET_ALLOWED_ORIGINS),
    databaseUrl: env.ROZET_DATABASE_URL || null,
    synchronous: env.ROZET_SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL",
    ...(env.ROZET_PERMISSION_TIMEOUT_MS ? { permissionTimeoutMs: Number(env.ROZET_PERMISSION_TIMEOUT_MS) } : {}),
    ...(env.ROZET_WATCHDOG_MS ? { watchdogMs: Number(env.ROZET_WATCHDOG_MS) } : {}),
    agentEnv: agentEnvFrom(env),
    ...(env.ROZET_RUNNER_LEASE_MS ? { runnerLeaseMs: Number(env.ROZET_RUNNER_LEASE_MS) } : {}),
    ...(env.ROZET_REPLICA_NAME ? { replicaName: env.ROZET_REPLICA_NAME } : {}),
    ...(env.ROZET_REPLICA_LEASE_MS ? { replicaLeaseMs: Number(env.ROZET_REPLICA_LEASE_MS) } : {}),
    ...(env.ROZET_FORWARD_TIMEOUT_MS ? { forwardTimeoutMs: Number(env.ROZET_FORWARD_TIMEOUT_MS) } : {}),
    controlEnabled: env.ROZET_CONTROL_ROOM_ENABLED !== "false",
    ...(env.ROZET_AUDIT_MAX_BYTES ? { auditMaxBytes: Number(env.ROZET_AUDIT_MAX_BYTES) } : {}),
    ...(env.ROZET_AUDIT_KEEP ? { auditKeep: Number(env.ROZET_AUDIT_KEEP) } : {}),
    rateLimits: {
      mutations: bucketFromEnv(env, "MUTATIONS", defaultRateLimits.mutations),
      ingest: bucketFromEnv(env, "INGEST", defaultRateLimits.ingest),
      throttleLoopbackIngest: env.ROZET_RATE_LIMIT_LOOPBACK_INGEST === "1",
    },
  };
}

/** ROZET_RATE_<KIND>_PER_SEC and ROZET_RATE_<KIND>_BURST. */
function bucketFromEnv(env: NodeJS.ProcessEnv, kind: string, fallback: { perSecond: number; burst: number }) {
  const perSecond = env[`ROZET_RATE_${kind}_PER_SEC`];
  const burst = env[`ROZET_RATE_${kind}_BURST`];
  return { perSecond: perSecond ? Number(perSecond) : fallback.perSecond, burst: burst ? Number(burst) : fallback.burst };
}

export function homePaths(home: string) {
  return {
    database: path.join(home, "rozet.db"),
    workspaces: process.env.ROZET_WORKSPACES ?? path.join(home, "workspaces"),
    artifacts: path.join(home, "artifacts"),
    logs: path.join(home, "logs"),
    audit: path.join(home, "audit"),
  };
}

/** Provider settings the server passes on to the agents it starts. Nothing else of its environment leaks. */
const AGENT_ENV_PREFIXES = ["ANTHROPIC_", "CLAUDE_CODE_", "OPENAI_", "GEMINI_", "GOOGLE_", "CODEX_", "OPENCODE_"];
const AGENT_ENV_NAMES = ["IS_SANDBOX", "DISABLE_TELEMETRY", "API_TIMEOUT_MS", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"];

export function agentEnvFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && (AGENT_ENV_NAMES.includes(key) || AGENT_ENV_PREFIXES.some((p) => key.startsWith(p)))) picked[key] = value;
  }
  return picked;
}
