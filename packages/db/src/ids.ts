import { randomBytes, randomUUID } from "node:crypto";

/** Ids for every row we create ourselves (raw inserts and Prisma creates alike). */
export function newId(): string {
  return randomUUID();
}

/**
 * Ids for events the control room names itself (clients may send their own): 96 random bits in 16 characters,
 * since every event row and the unique index both carry one.
 */
export function newEventId(): string {
  return randomBytes(12).toString("base64url");
}
