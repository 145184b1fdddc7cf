import { randomFillSync } from "node:crypto";

/** 64 symbols in ASCII order, so ids compare (byte-wise, as SQLite does) in the order they were made. */
const SORTABLE_ALPHABET = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const TIME_CHARS = 7; // milliseconds since the epoch: 64^7 ms ≈ 139 years
const RANDOM_CHARS = 9; // 54 random bits: a clash within one millisecond is ~1e-13 likely at 50,000 events/s
const pool = Buffer.allocUnsafe(RANDOM_CHARS * 256);
let poolOffset = pool.length;
let lastMs = -1;
let lastTimePart = "";

/**
 * Ids for events the control room names itself (clients may send their own): 16 characters, a millisecond
 * timestamp then 54 random bits. Time-ordered ids land at the end of the unique eventId index, where its pages
 * are cached, instead of at a random page of an index larger than SQLite's cache (which slowed ingest as the
 * table grew).
 */
export function newEventId(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastTimePart = "";
    for (let i = 0, t = now; i < TIME_CHARS; i++, t = Math.floor(t / 64)) lastTimePart = SORTABLE_ALPHABET[t % 64]! + lastTimePart;
  }
  // One getrandom() call per 256 ids: a call per id cost ~2 µs, a fifth of validating a hook event.
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let id = lastTimePart;
  for (let i = 0; i < RANDOM_CHARS; i++) id += SORTABLE_ALPHABET[pool[poolOffset++]! & 63]!;
  return id;
}
