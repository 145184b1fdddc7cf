import { Worker } from "node:worker_threads";
import { DEFLATE_THRESHOLD_BYTES, PayloadEncoding, type EncodedPayload } from "./payload.ts";

/**
 * The worker's code: the same encoding as encodePayload() (deflate-raw level 1, kept only when smaller), so a
 * payload encodes to the same bytes on either thread. Plain CommonJS evaluated from a string, so the worker needs no
 * TypeScript loader. Results come back in fresh (never pooled) ArrayBuffers, which are transferred, not copied.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { deflateRawSync, constants } = require("node:zlib");
parentPort.on("message", ({ id, payloads }) => {
  try {
    const results = [];
    const transfer = [];
    for (const json of payloads) {
      const raw = Buffer.from(json, "utf8");
      const packed = deflateRawSync(raw, { level: constants.Z_BEST_SPEED });
      if (packed.length >= raw.length) {
        results.push({ encoding: ${PayloadEncoding.utf8}, size: raw.length, bytes: null });
      } else {
        const bytes = new Uint8Array(packed);
        transfer.push(bytes.buffer);
        results.push({ encoding: ${PayloadEncoding.deflateRaw}, size: raw.length, bytes });
      }
    }
    parentPort.postMessage({ id, results }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.stack || error) });
  }
});
`;

interface WorkerResult {
  encoding: number;
  size: number;
  bytes: Uint8Array | null;
}

/** Whether a payload may be deflated at all: encodePayload() leaves payloads up to the threshold as they are. */
export function worthCompressing(json: string): boolean {
  // UTF-16 length ≤ UTF-8 byte length, so this never picks a payload that stays below the threshold.
  return json.length > DEFLATE_THRESHOLD_BYTES;
}

/**
 * Below this much payload text per request, deflating inline is cheaper than the worker round trip: the hop costs
 * a message each way and a later commit, which splits group commits of small hook events into more transactions.
 */
export const OFF_THREAD_MIN_CHARS = 32 * 1024;

/** Whether a request's payloads are worth compressing on the worker: enough deflatable text to pay for the hop. */
export function worthOffloading(events: readonly { payloadJson: string }[]): boolean {
  let chars = 0;
  for (const event of events) {
    if (!worthCompressing(event.payloadJson)) continue;
    chars += event.payloadJson.length;
    if (chars >= OFF_THREAD_MIN_CHARS) return true;
  }
  return false;
}

/**
 * Deflates event payloads on one worker thread, so the event loop keeps parsing requests (and committing earlier
 * batches) while payloads compress: deflate is the largest per-event cost of ingest after SQLite itself. Callers
 * send many payloads per message; results are byte-identical to encodePayload(). The worker is started on first
 * use and keeps the process alive only while it has work. If it fails, compress() rejects and callers encode on
 * their own thread.
 */
export class PayloadCompressor {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: EncodedPayload[]) => void; reject: (e: unknown) => void; payloads: string[] }>();
  private failures = 0;
  private closed = false;

  /** False after repeated worker failures or close(): callers should encode synchronously. */
  get available(): boolean {
    return !this.closed && this.failures < 3;
  }

  compress(payloads: string[]): Promise<EncodedPayload[]> {
    if (!this.available) return Promise.reject(new Error("payload compressor unavailable"));
    const worker = this.start();
    const id = this.nextId++;
    // Referenced only while work is outstanding: an idle compressor never keeps the process alive, a busy one does
    // (a script awaiting an append must not exit before its events commit).
    if (this.waiting.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, payloads });
      worker.postMessage({ id, payloads });
    });
  }

  close(): void {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error("payload compressor closed"));
    void worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, name: "rozet-payload-compressor" });
    worker.unref();
    worker.on("message", (message: { id: number; results?: WorkerResult[]; error?: string }) => {
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      this.waiting.delete(message.id);
      if (this.waiting.size === 0) worker.unref();
      if (!message.results) return entry.reject(new Error(message.error ?? "payload compression failed"));
      entry.resolve(
        message.results.map((r, i) => ({
          encoding: r.encoding,
          size: r.size,
          bytes: r.bytes ? Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength) : Buffer.from(entry.payloads[i]!, "utf8"),
        })),
      );
    });
    const fail = (error: unknown) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failures += 1;
      this.failAll(error);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`payload compressor exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: unknown): void {
    for (const entry of this.waiting.values()) entry.reject(error);
    this.waiting.clear();
  }
}
