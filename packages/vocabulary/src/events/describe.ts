/**
 * The catalogue as rows of (type, field, shape, required): what docs/events.md §7 lists and its contract test
 * compares, so the docs and the schemas cannot drift apart silently.
 */
import type { z } from "zod";
import { eventCatalogue, type EventType } from "./catalogue.ts";

export interface CatalogueField {
  type: EventType;
  /**
   * A payload field; `*` = any other field is kept as sent; `—` = the type has no payload fields of its own;
   * `status (indexed)` = the outcomes the indexed `status` column may take for this type.
   */
  field: string;
  shape: string;
  required: boolean;
}

/** Fields every payload may carry (`raw`, `parentToolUseId`): documented once, not per type. */
export const commonPayloadFields = ["raw", "parentToolUseId"] as const;

interface Def {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string>;
  values?: unknown[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A short shape in words, free of `|` so it fits a markdown table cell. */
export function describeShape(schema: z.ZodType): string {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
      return describeShape(def.innerType!);
    case "nullable":
      return `${describeShape(def.innerType!)} or null`;
    case "array":
      return `list of ${describeShape(def.element!)}`;
    case "enum":
      return `one of ${Object.values(def.entries ?? {}).join(", ")}`;
    case "literal":
      return `${JSON.stringify(def.values?.[0])}`;
    case "unknown":
      return "any";
    default:
      return def.type; // string, number, boolean, object
  }
}

/** Every (type, field) row of the catalogue, in catalogue order. */
export function catalogueFields(): CatalogueField[] {
  const rows: CatalogueField[] = [];
  for (const type of Object.keys(eventCatalogue) as EventType[]) {
    const entry = eventCatalogue[type];
    const def = defOf(entry.payload);
    const own = Object.entries(def.shape ?? {}).filter(([field]) => !(commonPayloadFields as readonly string[]).includes(field));
    for (const [field, schema] of own) {
      rows.push({ type, field, shape: describeShape(schema), required: defOf(schema).type !== "optional" });
    }
    const loose = def.catchall !== undefined && defOf(def.catchall).type !== "never";
    if (loose) rows.push({ type, field: "*", shape: "any other field, kept as sent", required: false });
    if (own.length === 0 && !loose) rows.push({ type, field: "—", shape: "no fields of its own", required: false });
    if ("status" in entry) rows.push({ type, field: "status (indexed)", shape: `one of ${entry.status.join(", ")}`, required: false });
  }
  return rows;
}

/** The §7 table of docs/events.md, as markdown. */
export function catalogueTable(): string {
  const lines = ["| type | field | shape | required |", "| --- | --- | --- | --- |"];
  for (const row of catalogueFields()) {
    const field = row.field === "—" || row.field.includes(" ") ? row.field : `\`${row.field}\``;
    lines.push(`| \`${row.type}\` | ${field} | ${row.shape} | ${row.required ? "yes" : ""} |`);
  }
  return lines.join("\n");
}
