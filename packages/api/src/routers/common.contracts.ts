import { z } from "zod";

/** Ids are UUIDs we mint or keys other tools chose; either way short and printable. */
export const idSchema = z.string().min(1).max(200).regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
export const nameSchema = z.string().trim().min(1).max(120).regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
