import { randomUUID } from "node:crypto";

/** Ids for every row we create ourselves (raw inserts and Prisma creates alike). */
export function newId(): string {
  return randomUUID();
}
