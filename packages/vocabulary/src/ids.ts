/** Ids for every row we create ourselves (raw inserts and Prisma creates alike). Web Crypto: Node and browsers. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
