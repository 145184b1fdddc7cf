import { Worker } from "node:worker_threads";
import type { EncodedCommit } from "./payload.ts";

const WORKER_ENTRY = new URL("./payload-codec.worker.mjs", import.meta.url);

interface WorkerReply {
  id: number;
  blocks?: { encoding: number; size: number; bytes: Uint8Array }[];
  placements?: ({ block: number; offset: number; size: number } | { encoding: number; size: number; bytes: Uint8Array })[];
  error?: string;
}

/**
 * Runs encodeCommit() (payload-codec.mjs) on one worker thread, so compression — after SQLite the largest cost of
 * ingest — happens while the event loop parses the next requests. Plain JavaScript, so the worker needs no
 * TypeScript loader and stays small. Started on first use, referenced only while it has work (an idle writer
 * never keeps a process alive). If it fails, encode() rejects and the writer encodes on its own thread; after 3
 * failures it is not used again.
 */
export class PayloadCodecThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: EncodedCommit) => void; reject: (e: unknown) => void }>();
  private failures = 0;
  private closed = false;

  get available(): boolean {
    return !this.closed && this.failures < 3;
  }

  encode(groups: string[], payloads: string[]): Promise<EncodedCommit> {
    if (!this.available) return Promise.reject(new Error("payload codec thread unavailable"));
    let worker: Worker;
    try {
      worker = this.start();
    } catch (error) {
      this.failures += 1;
      return Promise.reject(error);
    }
    const id = this.nextId++;
    if (this.waiting.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, groups, payloads });
    });
  }

  close(): void {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error("payload codec thread closed"));
    // terminate() settles with the exit code; the requests still waiting were failed just above.
    worker?.terminate().catch(() => undefined);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_ENTRY, { name: "rozet-payload-codec" });
    worker.unref();
    worker.on("message", (reply: WorkerReply) => {
      const entry = this.waiting.get(reply.id);
      if (!entry) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if (!reply.blocks || !reply.placements) return entry.reject(new Error(reply.error ?? "payload encoding failed"));
      const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      entry.resolve({
        blocks: reply.blocks.map((b) => ({ ...b, bytes: buffer(b.bytes) })),
        placements: reply.placements.map((p) => ("bytes" in p ? { ...p, bytes: buffer(p.bytes) } : p)),
      });
    });
    const fail = (error: unknown) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failures += 1;
      this.failAll(error);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`payload codec thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: unknown): void {
    for (const entry of this.waiting.values()) entry.reject(error);
    this.waiting.clear();
  }
}
