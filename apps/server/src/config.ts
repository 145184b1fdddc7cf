import os from "node:os";
import path from "node:path";
import { z } from "zod";

export const LOOPBACK_HOSTS = ["127.0.0.1", "::1", "localhost"];

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
    synchronous: z.enum(["FULL", "NORMAL"]).default("FULL"),
    quiet: z.boolean().default(false),
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
    synchronous: env.ROZET_SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL",
  };
}

export function homePaths(home: string) {
  return {
    database: path.join(home, "rozet.db"),
    workspaces: process.env.ROZET_WORKSPACES ?? path.join(home, "workspaces"),
    artifacts: path.join(home, "artifacts"),
    logs: path.join(home, "logs"),
  };
}
