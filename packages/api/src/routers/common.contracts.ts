import { z } from "zod";

/** A string without control characters (NUL, escape sequences, bells…): ids, names, paths. */
export const printable = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, "must not contain control characters");

/** Ids are UUIDs we mint or keys other tools chose; either way short and printable. */
export const idSchema = printable(200).min(1);
export const nameSchema = printable(120).trim().min(1);
