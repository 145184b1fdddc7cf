import { Worker } from "node:worker_threads";
import { BROTLI_PARAMS, COMPRESS_THRESHOLD_BYTES, PayloadEncoding, type EncodedPayload } from "./payload.ts";

/**
 * The worker's code: the same encoding as encodePayload() (brotli quality 1, kept only when smaller), so a
 * payload encodes to the same bytes on either thread. Plain CommonJS evaluated from a string, so the worker needs no
 * TypeScript loader. Results come back in fresh (never pooled) ArrayBuffers, which are transferred, not copied.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { brotliCompressSync, constants } = require("node:zlib");
const params = ${JSON.stringify(BROTLI_PARAMS)};
parentPort.on("message", ({ id, payloads }) => {
  try {
    const results = [];
    const transfer = [];
    for (const json of payloads) {
      const raw = Buffer.from(json, "utf8");
      const packed = brotliCompressSync(raw, { params: { ...params, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
      if (packed.length >= raw.length) {
        results.push({ encoding: ${PayloadEncoding.utf8}, size: raw.length, bytes: null });
      } else {
        const bytes = new Uint8Array(packed);
        transfer.push(bytes.buffer);
        results.push({ encoding: ${PayloadEncoding.brotli}, size: raw.length, bytes });
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

/**
 * Payloads at least this long are compressed on the worker; smaller ones inline at commit. Deflating 8 KiB costs
 * the event loop ~40 µs, far more than handing it over; for the typical hook payload (~1 KiB) the hop is not worth
 * it: it delays the commit, which splits group commits into more transactions and keeps bulk requests' parsed
 * events alive longer (measured: +~100 MB peak RSS when 1,000-event batches of small events went through it).
 */
export const OFF_THREAD_MIN_CHARS = 8 * 1024;

/** Whether this payload should be compressed off the event loop (always one encodePayload() would compress). */
export function worthOffloading(json: string): boolean {
  // UTF-16 length ≤ UTF-8 byte length, so these are all above the compression threshold.
  return json.length >= OFF_THREAD_MIN_CHARS && json.length > COMPRESS_THRESHOLD_BYTES;
}

/**
 * Compresses large event payloads on one worker thread, so the event loop keeps parsing requests (and committing earlier
 * batches) while payloads compress: for a 64 KiB payload compression is the largest cost of ingest. Callers
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
    let worker: Worker;
    try {
      worker = this.start();
    } catch (error) {
      // No threads here (or no memory for one): callers encode inline.
      this.failures += 1;
      return Promise.reject(error);
    }
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
