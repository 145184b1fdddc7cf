import path from "node:path";
import { parseArgs } from "node:util";
import { isPostgresUrl, openDatabase } from "@rozet/db";
import { createToken, listTokens, revokeToken } from "@rozet/orchestrator";
import { ROLES, type Role } from "@rozet/vocabulary";
import { configFromEnv, homePaths } from "../config.ts";
import { assertHomeUsable, UsageError } from "./errors.ts";

/**
 * `rozet token …`: works on the database in the home directly, whether or not the control room is running (the
 * server checks tokens against the database on every request).
 */
export async function runToken(argv: string[], out: (text: string) => void): Promise<void> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: "string" }, role: { type: "string" }, home: { type: "string" }, "database-url": { type: "string" } },
    strict: true,
  });
  const env = configFromEnv();
  const databaseUrl = values["database-url"] ?? env.databaseUrl ?? null;
  if (databaseUrl && !isPostgresUrl(databaseUrl)) throw new UsageError("--database-url must be a postgres:// or postgresql:// URL");
  const home = values.home !== undefined ? path.resolve(values.home) : env.home;
  if (!databaseUrl) assertHomeUsable(home);
  const action = tokenAction(sub, values, positionals);
  const database = await openDatabase(databaseUrl ?? homePaths(home).database);
  try {
    out(await action({ prisma: database.prisma }));
  } finally {
    await database.close();
  }
}

type TokenDeps = Parameters<typeof listTokens>[0];

/** Checks the arguments before the database is opened: a usage mistake touches nothing. */
function tokenAction(sub: string | undefined, values: { name?: string | undefined; role?: string | undefined }, positionals: string[]): (deps: TokenDeps) => Promise<string> {
  switch (sub) {
    case "create": {
      const role = ROLES.find((r) => r === values.role);
      if (!values.name) throw new UsageError("token create needs --name NAME");
      if (!role) throw new UsageError(`token create needs --role ${ROLES.join("|")}${values.role ? `, not ${values.role}` : ""}`);
      if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/.test(values.name)) throw new UsageError("--name: letters, digits, '.', '_' and '-' (at most 64), starting with a letter or digit");
      return async (deps) => {
        const { token, secret } = await createToken(deps, { name: values.name!, role: role satisfies Role });
        return `created token ${token.name} (${token.role}). The secret is shown this once; store it now:\n${secret}\n`;
      };
    }
    case "list":
      return async (deps) => {
        const tokens = await listTokens(deps);
        if (tokens.length === 0) return "no tokens (create one with: rozet token create --name NAME --role operator)\n";
        return `${tokens.map((t) => [t.name.padEnd(24), t.role.padEnd(9), t.createdAt, t.revokedAt ? `revoked ${t.revokedAt}` : "active", t.id].join("  ")).join("\n")}\n`;
      };
    case "revoke": {
      const which = positionals[0];
      if (!which) throw new UsageError("token revoke needs the token's NAME or ID");
      return async (deps) => {
        const token = await revokeToken(deps, { token: which });
        return `revoked token ${token.name} (${token.role})\n`;
      };
    }
    default:
      throw new UsageError("token: use create, list or revoke (rozet help shows how)");
  }
}
