import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The hook spool: hook events that could not be delivered while the control room was down, kept in order in
 * `<home>/spool/hooks.ndjson` (one JSON record per line, append-only, bounded) until a later hook delivers them.
 *
 * Several hooks may run at once (parallel tool calls), so every change to the spool file happens under a short
 * lock (a file created with O_EXCL). Delivery does not hold it: the drainer moves the spool aside to
 * `hooks.draining` under the lock, sends it without the lock, and on a failure puts what is left back in front of
 * whatever was spooled meanwhile. Only one hook drains at a time (a second lock). A lock whose holder was killed
 * (Claude Code kills a hook at its timeout) is taken over once stale. Each record has an event id, so a record
 * sent twice (the answer was lost, then it was put back) is stored once.
 */
export interface SpooledHook {
  id: string;
  /** When the hook ran (ms since epoch): the event keeps its time, not the delivery's. */
  at: number;
  app?: string | undefined;
  agent?: string | undefined;
  /** The raw payload text from Claude Code. */
  body: string;
}

export const SPOOL_MAX_BYTES = 16 * 1024 * 1024;
const LOCK_WAIT_MS = 1_000;
const LOCK_STALE_MS = 10_000;
const DRAIN_LOCK_STALE_MS = 30_000;

export class HookSpool {
  readonly file: string;
  private readonly draining: string;
  private readonly lock: string;
  private readonly drainLock: string;

  constructor(
    readonly dir: string,
    private readonly maxBytes = SPOOL_MAX_BYTES,
  ) {
    this.file = path.join(dir, "hooks.ndjson");
    this.draining = path.join(dir, "hooks.draining");
    this.lock = path.join(dir, "hooks.lock");
    this.drainLock = path.join(dir, "hooks.drain.lock");
  }

  static forHome(home: string): HookSpool {
    return new HookSpool(path.join(home, "spool"));
  }

  /** Whether anything waits for delivery (checked without the lock: a hint, not a promise). */
  hasPending(): boolean {
    return size(this.file) > 0 || existsSync(this.draining);
  }

  /** Appends one record. Returns false (the record is dropped) when the spool is full. */
  append(record: SpooledHook): boolean {
    const line = `${JSON.stringify(record)}\n`;
    return this.locked(() => {
      if (size(this.file) + Buffer.byteLength(line) > this.maxBytes) return false;
      mkdirSync(this.dir, { recursive: true });
      appendFileSync(this.file, line);
      return true;
    });
  }

  /**
   * Sends every spooled record in order through `send` (which resolves true once the server stored it) and
   * stops at the first failure or when `deadline` passes, keeping the rest in front for next time. Returns how
   * many were delivered, or undefined when another hook is draining.
   */
  async drain(send: (record: SpooledHook) => Promise<boolean>, deadline: number): Promise<number | undefined> {
    if (!takeLock(this.dirReady(this.drainLock), DRAIN_LOCK_STALE_MS, 0)) return undefined;
    try {
      const batch = this.takeBatch();
      let delivered = 0;
      for (const record of batch) {
        if (Date.now() > deadline || !(await send(record))) break;
        delivered++;
      }
      this.putBack(batch.slice(delivered));
      return delivered;
    } finally {
      releaseLock(this.drainLock);
    }
  }

  /** Moves the spool aside (after a leftover from a drainer that was killed, which comes first). */
  private takeBatch(): SpooledHook[] {
    return this.locked(() => {
      const leftover = existsSync(this.draining) ? readFileSync(this.draining, "utf8") : "";
      const spooled = existsSync(this.file) ? readFileSync(this.file, "utf8") : "";
      writeFileSync(this.draining, leftover + spooled);
      if (spooled) unlinkSync(this.file);
      return parseLines(leftover + spooled);
    });
  }

  private putBack(rest: SpooledHook[]): void {
    this.locked(() => {
      if (rest.length > 0) {
        const spooled = existsSync(this.file) ? readFileSync(this.file, "utf8") : "";
        const temp = `${this.file}.${process.pid}.tmp`;
        writeFileSync(temp, rest.map((record) => `${JSON.stringify(record)}\n`).join("") + spooled);
        renameSync(temp, this.file);
      }
      unlinkSync(this.draining);
    });
  }

  private locked<T>(work: () => T): T {
    if (!takeLock(this.dirReady(this.lock), LOCK_STALE_MS, LOCK_WAIT_MS)) {
      throw new Error(`hook spool ${this.dir} is locked`);
    }
    try {
      return work();
    } finally {
      releaseLock(this.lock);
    }
  }

  private dirReady(file: string): string {
    mkdirSync(this.dir, { recursive: true });
    return file;
  }
}

function size(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A record per line; a torn last line (a hook killed mid-append) is skipped rather than blocking the rest. */
function parseLines(text: string): SpooledHook[] {
  const records: SpooledHook[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as SpooledHook;
      if (typeof record.id === "string" && typeof record.body === "string") records.push(record);
    } catch {
      // torn line
    }
  }
  return records;
}

/** O_EXCL lock file; a stale one (its holder was killed) is taken over. Busy-waits up to `waitMs` (a CLI, briefly). */
function takeLock(file: string, staleMs: number, waitMs: number): boolean {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      closeSync(openSync(file, "wx"));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    try {
      if (Date.now() - statSync(file).mtimeMs > staleMs) {
        unlinkSync(file);
        continue;
      }
    } catch {
      continue; // released meanwhile
    }
    if (Date.now() >= until) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  }
}

function releaseLock(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already taken over as stale
  }
}
