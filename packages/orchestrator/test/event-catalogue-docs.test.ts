import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { catalogueFields, catalogueTable, eventTypes, isEventType } from "@rozet/vocabulary";
import { hookEventTypes } from "../src/normalize/hook-events.ts";
import { describe, expect, it } from "vitest";

// The contract between docs/events.md and the event catalogue (packages/vocabulary/src/events/catalogue.ts):
// the types §2 documents, the per-field table of §7 and the payload fields §2 names must all match the catalogue,
// in both directions. When this fails, change the catalogue and the docs together (§7 is `catalogueTable()`).

const docs = readFileSync(fileURLToPath(new URL("../../../docs/events.md", import.meta.url)), "utf8");

/** The text of one `## N.` section. */
function section(number: number): string {
  const start = docs.indexOf(`\n## ${number}. `);
  const end = docs.indexOf("\n## ", start + 1);
  return docs.slice(start, end === -1 ? undefined : end);
}

/** Table rows of a section (header and separator rows dropped), as trimmed cells. Escaped pipes stay in a cell. */
function tableRows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()))
    .filter((cells) => cells[0] !== "type");
}

const backticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
/** Names in §2 that stand for a family rather than one type: `hook.<Name>`, the reserved `command.*`. */
const isPattern = (type: string) => type.includes("<") || type.includes("*");

/** §2: one row per type (or several types in one cell), the payload in the last column. */
const typeRows = tableRows(section(2)).filter((cells) => cells.length === 4);

describe("docs/events.md and the event catalogue", () => {
  it("§2 documents exactly the catalogue's types", () => {
    const documented = typeRows.flatMap((cells) => backticked(cells[0]!)).filter((type) => !isPattern(type));
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...eventTypes].sort());
    for (const pattern of typeRows.flatMap((cells) => backticked(cells[0]!)).filter(isPattern)) expect(isEventType(pattern)).toBe(false);
  });

  it("§7 lists every catalogue field with its shape, and nothing else", () => {
    const documented = tableRows(section(7)).map((cells) => cells.map((cell) => cell.replace(/`/g, "")).join(" | "));
    const catalogue = catalogueFields().map((row) => [row.type, row.field, row.shape, row.required ? "yes" : ""].join(" | "));
    expect(documented.filter((row) => !catalogue.includes(row)), "in docs §7, not in the catalogue").toEqual([]);
    expect(catalogue.filter((row) => !documented.includes(row)), "in the catalogue, not in docs §7").toEqual([]);
    expect(section(7)).toContain(catalogueTable());
  });

  it("every payload field §2 names is a field of that type in the catalogue", () => {
    expect(typeRows.length).toBeGreaterThan(40);
    const fields = new Map<string, Set<string>>();
    for (const row of catalogueFields()) fields.set(row.type, (fields.get(row.type) ?? new Set()).add(row.field));
    const unknown: string[] = [];
    for (const cells of typeRows) {
      const types = backticked(cells[0]!).filter((type) => !isPattern(type));
      // Values in parentheses (`create` | `update`) and after "status" are not field names.
      const named = backticked(cells[3]!.replace(/\([^)]*\)/g, "")).filter((name) => /^[a-z][A-Za-z]*(\[\])?$/.test(name));
      for (const type of types) {
        const own = fields.get(type) ?? new Set<string>();
        if (own.has("*")) continue; // a hook payload: its fields are the hook's
        for (const name of named) if (!own.has(name.replace("[]", ""))) unknown.push(`${type}.${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("§3 maps Claude Code hook events to the types the ingest mapping uses", () => {
    const documented: Record<string, string> = {};
    for (const cells of tableRows(section(3)).filter((row) => row[0] !== "hook event" && row[0] !== "anything else")) {
      const hooks = backticked(cells[0]!);
      const types = backticked(cells[1]!);
      hooks.forEach((hook, index) => (documented[hook] = types[Math.min(index, types.length - 1)]!));
    }
    expect(documented).toEqual(hookEventTypes);
  });
});
