import { fileURLToPath } from "node:url";

const prismaDir = (relative: string) => fileURLToPath(new URL(`../../../../prisma/${relative}`, import.meta.url));

/** The hand-edited schema and its SQLite migrations. */
export const SQLITE_SCHEMA_FILE = prismaDir("schema.prisma");
export const SQLITE_MIGRATIONS_DIR = prismaDir("migrations");
/** The Postgres twin: a generated schema and its own migrations. */
export const POSTGRES_SCHEMA_FILE = prismaDir("postgres/schema.prisma");
export const POSTGRES_MIGRATIONS_DIR = prismaDir("postgres/migrations");
