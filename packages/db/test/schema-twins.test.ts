import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, applyPostgresMigrations } from "../src/migrate.ts";
import { POSTGRES_MIGRATIONS_DIR, POSTGRES_SCHEMA_FILE, SQLITE_MIGRATIONS_DIR, SQLITE_SCHEMA_FILE } from "../src/schema/files.ts";
import { postgresSchema } from "../src/schema/postgres-schema.ts";
import { openSqlite } from "../src/sqlite.ts";
import { startTestPostgres, type TestPostgres } from "../src/testing/postgres.ts";

/**
 * The SQLite and Postgres stores must hold the same models. The Postgres schema is generated from the SQLite one;
 * the two migration sets are written separately (each in its own SQL dialect), so both are applied and the
 * resulting databases compared: a migration on one side without the other fails here.
 */

/** The SQLite migrations the Postgres baseline covers; every later one needs a Postgres twin of the same name. */
const POSTGRES_BASELINE = "20261206052000_baseline";
const COVERED_BY_BASELINE = "20261206051200_task_handoff";

const migrationNames = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

interface Shape {
  columns: Record<string, { type: string; notNull: boolean; default: string | null }>;
  primaryKey: string[];
  indexes: Record<string, { columns: string[]; unique: boolean }>;
  foreignKeys: string[];
}

/** Types as the Prisma schema sees them: each store's spelling of String, Int, Float, Bytes, DateTime. */
const SQLITE_TYPES: Record<string, string> = { TEXT: "String", INTEGER: "Int", REAL: "Float", BLOB: "Bytes", DATETIME: "DateTime", BOOLEAN: "Boolean" };
const POSTGRES_TYPES: Record<string, string> = { text: "String", integer: "Int", "double precision": "Float", bytea: "Bytes", "timestamp without time zone": "DateTime", boolean: "Boolean" };
/** Columns Postgres keeps 64-bit like SQLite's INTEGER (only our own SQL touches them: see 20261207004000_wide_event_keys). */
const POSTGRES_WIDE: Record<string, string[]> = { Event: ["seq", "payloadBlock"], PayloadBlock: ["id"] };

function sqliteShape(file: string): Record<string, Shape> {
  const db = openSqlite(file, { synchronous: "NORMAL" });
  applyMigrations(db, SQLITE_MIGRATIONS_DIR);
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'`).pluck().all() as string[];
  const shapes: Record<string, Shape> = {};
  for (const table of tables) {
    const columns = db.pragma(`table_info("${table}")`) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
    const indexes = (db.pragma(`index_list("${table}")`) as { name: string; unique: number; origin: string }[]).filter((i) => i.origin === "c");
    const foreignKeys = db.pragma(`foreign_key_list("${table}")`) as { table: string; from: string; to: string; on_delete: string; on_update: string }[];
    shapes[table] = {
      columns: Object.fromEntries(columns.map((c) => [c.name, { type: SQLITE_TYPES[c.type] ?? c.type, notNull: c.notnull === 1 || c.pk > 0, default: c.dflt_value }])),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      indexes: Object.fromEntries(
        indexes.map((i) => [i.name, { columns: (db.pragma(`index_info("${i.name}")`) as { name: string }[]).map((c) => c.name), unique: i.unique === 1 }]),
      ),
      foreignKeys: foreignKeys.map((f) => `${f.from} -> ${f.table}.${f.to} on delete ${f.on_delete} on update ${f.on_update}`).sort(),
    };
  }
  db.close();
  return shapes;
}

/** Postgres spells defaults with casts ('active'::text) and serial columns with nextval (SQLite: AUTOINCREMENT, no default). */
function postgresDefault(value: string | null): string | null {
  if (value === null || value.startsWith("nextval(")) return null;
  return value.replace(/::[a-z ]+$/, "");
}

/** A 64-bit column is an Int only where it is meant to be wide; anywhere else it shows as bigint and differs. */
function columnType(table: string, column: string, dataType: string): string {
  if (dataType === "bigint") return POSTGRES_WIDE[table]?.includes(column) ? "Int" : dataType;
  return POSTGRES_TYPES[dataType] ?? dataType;
}

async function postgresShape(client: pg.Client): Promise<Record<string, Shape>> {
  await applyPostgresMigrations(client, POSTGRES_MIGRATIONS_DIR);
  const tables = (await client.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name != '_prisma_migrations'`,
  )).rows.map((r) => r.table_name);
  const shapes: Record<string, Shape> = {};
  for (const table of tables) {
    const columns = (await client.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    )).rows;
    const indexes = (await client.query<{ name: string; unique: boolean; primary: boolean; columns: string[] }>(
      `SELECT i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       WHERE t.relname = $1 AND t.relnamespace = 'public'::regnamespace`,
      [table],
    )).rows;
    const foreignKeys = (await client.query<{ fk: string }>(
      `SELECT a.attname || ' -> ' || ft.relname || '.' || fa.attname || ' on delete ' ||
              CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END ||
              ' on update ' ||
              CASE c.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS fk
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class ft ON ft.oid = c.confrelid
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
       JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
       WHERE c.contype = 'f' AND t.relname = $1 AND t.relnamespace = 'public'::regnamespace`,
      [table],
    )).rows;
    shapes[table] = {
      columns: Object.fromEntries(
        columns.map((c) => [c.column_name, { type: columnType(table, c.column_name, c.data_type), notNull: c.is_nullable === "NO", default: postgresDefault(c.column_default) }]),
      ),
      primaryKey: indexes.find((i) => i.primary)?.columns ?? [],
      indexes: Object.fromEntries(indexes.filter((i) => !i.primary).map((i) => [i.name, { columns: i.columns, unique: i.unique }])),
      foreignKeys: foreignKeys.map((f) => f.fk).sort(),
    };
  }
  return shapes;
}

describe("the Postgres twin of the SQLite schema", () => {
  it("prisma/postgres/schema.prisma is what npm run db:schema generates from prisma/schema.prisma", () => {
    const expected = postgresSchema(readFileSync(SQLITE_SCHEMA_FILE, "utf8"));
    expect(readFileSync(POSTGRES_SCHEMA_FILE, "utf8"), "run npm run db:schema and commit prisma/postgres/schema.prisma").toBe(expected);
  });

  it("every SQLite migration after the Postgres baseline has a Postgres migration of the same name, and back", () => {
    const sqlite = migrationNames(SQLITE_MIGRATIONS_DIR);
    const postgres = migrationNames(POSTGRES_MIGRATIONS_DIR);
    expect(sqlite).toContain(COVERED_BY_BASELINE);
    expect(postgres[0]).toBe(POSTGRES_BASELINE);
    expect(postgres.slice(1)).toEqual(sqlite.filter((name) => name > COVERED_BY_BASELINE && name !== POSTGRES_BASELINE));
  });

  describe("both migration sets applied", () => {
    let server: TestPostgres;
    let client: pg.Client;
    let home: string;
    beforeAll(async () => {
      server = await startTestPostgres({ fsync: false });
      client = new pg.Client({ connectionString: server.url });
      await client.connect();
      home = mkdtempSync(path.join(os.tmpdir(), "rozet-twins-"));
    }, 60_000);
    afterAll(async () => {
      await client?.end();
      await server?.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it("give the same tables, columns, types, defaults, keys, indexes and relations", async () => {
      const sqlite = sqliteShape(path.join(home, "twins.db"));
      const postgres = await postgresShape(client);
      expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
      for (const table of Object.keys(sqlite)) expect(postgres[table], table).toEqual(sqlite[table]);
      // The comparison sees the models Prisma declares, at least these.
      expect(Object.keys(sqlite)).toEqual(expect.arrayContaining(["Session", "Agent", "Command", "Task", "Event", "PayloadBlock", "ApiToken"]));
    });
  });
});
