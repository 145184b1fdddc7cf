import { createReadStream } from "node:fs";
import { constants } from "node:fs";
import { mkdir, open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { auditEntrySchema, type AuditEntry, type AuditFilter, type AuditTrail } from "@rozet/api";

export interface AuditLogOptions {
  /** `ROZET_HOME/audit`: the log is `control_room_audit.jsonl` there, rotated ones `.1` (newest) … `.<keep>`. */
  dir: string;
  /** Rotate before a write would take the file past this size. */
  maxBytes: number;
  /** Rotated files kept. */
  keep: number;
}

export const AUDIT_FILE = "control_room_audit.jsonl";

/**
 * The audit log: JSON lines appended with group commit — every line recorded during one event-loop turn is
 * written together, and each `record` resolves once its line is on disk. The file is opened with O_DSYNC, so one
 * write is the whole durable append: one trip through libuv's thread pool per batch instead of two (write, then
 * fdatasync), each of which waits its turn in that pool behind the event store's syncs under load.
 */
export class AuditLog implements AuditTrail {
  private readonly file: string;
  private handle: FileHandle | null = null;
  private size = 0;
  private pending: { line: string; done: (error?: Error) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly options: AuditLogOptions) {
    this.file = path.join(options.dir, AUDIT_FILE);
  }

  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(entry)}\n`, done: (error) => (error ? reject(error) : resolve()) });
      this.flushing ??= new Promise<void>((r) => setImmediate(r)).then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const text = batch.map((p) => p.line).join("");
      try {
        const handle = await this.writable(Buffer.byteLength(text));
        await handle.write(text);
        this.size += Buffer.byteLength(text);
        for (const p of batch) p.done();
      } catch (error) {
        const failure = error instanceof Error ? error : new Error("audit log write failed");
        for (const p of batch) p.done(failure);
      }
    }
    this.flushing = null;
  }

  /** The open file, rotated first when these bytes would take it past the limit. */
  private async writable(bytes: number): Promise<FileHandle> {
    if (!this.handle) {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
      this.handle = await openForDurableAppend(this.file);
      this.size = (await this.handle.stat()).size;
    }
    if (this.size > 0 && this.size + bytes > this.options.maxBytes) {
      await this.handle.close();
      await rm(this.rotated(this.options.keep), { force: true });
      for (let n = this.options.keep - 1; n >= 1; n--) await rename(this.rotated(n), this.rotated(n + 1)).catch(() => undefined);
      if (this.options.keep > 0) await rename(this.file, this.rotated(1));
      else await rm(this.file, { force: true });
      this.handle = await openForDurableAppend(this.file);
      this.size = 0;
    }
    return this.handle;
  }

  private rotated(n: number): string {
    return `${this.file}.${n}`;
  }

  /** Newest first, across the current and the rotated files, until `limit` entries match. */
  async read(filter: AuditFilter): Promise<AuditEntry[]> {
    await this.flushing;
    const matches: AuditEntry[] = [];
    for (const file of [this.file, ...Array.from({ length: this.options.keep }, (_, i) => this.rotated(i + 1))]) {
      const lines = await readLines(file);
      for (let i = lines.length - 1; i >= 0 && matches.length < filter.limit; i--) {
        const parsed = auditEntrySchema.safeParse(safeJson(lines[i]!));
        if (parsed.success && matchesFilter(parsed.data, filter)) matches.push(parsed.data);
      }
      if (matches.length >= filter.limit) break;
    }
    return matches;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = null;
  }
}

/** Appends that return only once the data is on disk (O_DSYNC: fdatasync's guarantee for every write). */
function openForDurableAppend(file: string): Promise<FileHandle> {
  return open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_DSYNC, 0o600);
}

function matchesFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.token !== undefined && entry.token !== filter.token) return false;
  if (filter.procedure !== undefined && !entry.procedure.startsWith(filter.procedure)) return false;
  if (filter.result === "error") return entry.result !== "ok";
  return filter.result === undefined || entry.result === filter.result;
}

async function readLines(file: string): Promise<string[]> {
  if (!(await stat(file).catch(() => null))) return [];
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) if (line) lines.push(line);
  return lines;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
