// npm run db:schema: rewrites prisma/postgres/schema.prisma from prisma/schema.prisma (see src/schema/postgres-schema.ts).
import { readFileSync, writeFileSync } from "node:fs";
import { POSTGRES_SCHEMA_FILE, SQLITE_SCHEMA_FILE } from "../src/schema/files.ts";
import { postgresSchema } from "../src/schema/postgres-schema.ts";

writeFileSync(POSTGRES_SCHEMA_FILE, postgresSchema(readFileSync(SQLITE_SCHEMA_FILE, "utf8")));
console.log(`wrote ${POSTGRES_SCHEMA_FILE}`);
