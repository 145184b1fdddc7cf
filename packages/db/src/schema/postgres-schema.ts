/**
 * The Postgres Prisma schema is derived from the SQLite one (prisma/schema.prisma, the only hand-edited model list):
 * the models are copied verbatim, only the header (generator output, datasource) differs. `npm run db:schema`
 * rewrites prisma/postgres/schema.prisma; a test fails while the committed file is not what this returns.
 */
export const POSTGRES_SCHEMA_HEADER = `// GENERATED from prisma/schema.prisma by \`npm run db:schema\`: edit that file, not this one.
// The same models on PostgreSQL (ROZET_DATABASE_URL=postgres://…); migrations in prisma/postgres/migrations.

generator client {
  provider   = "prisma-client"
  output     = "../../packages/db/src/generated/prisma-postgres"
  engineType = "client"
  moduleFormat = "esm"
  runtime    = "nodejs"
  importFileExtension = "ts"
}

// Never used to connect (the server hands Prisma its pg connection through @prisma/adapter-pg); a literal, because
// an env() here that is unset makes \`prisma generate\` fall back to downloading an engine.
datasource db {
  provider = "postgresql"
  url      = "postgresql://localhost/rozet"
}
`;

/** Everything from the first `model` on: the models and their comments. */
export function modelsOf(schema: string): string {
  const start = schema.search(/^model /m);
  if (start < 0) throw new Error("no model in the schema");
  // Keep the comment lines directly above the first model with it.
  const before = schema.slice(0, start).split("\n");
  let keep = before.length - 1;
  while (keep > 0 && before[keep - 1]!.startsWith("//")) keep -= 1;
  return [...before.slice(keep), schema.slice(start)].join("\n");
}

export function postgresSchema(sqliteSchema: string): string {
  if (!/provider\s*=\s*"sqlite"/.test(sqliteSchema)) throw new Error("expected the SQLite schema (provider sqlite)");
  return `${POSTGRES_SCHEMA_HEADER}\n${modelsOf(sqliteSchema)}`;
}
