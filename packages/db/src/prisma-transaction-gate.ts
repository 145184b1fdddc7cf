import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * Keeps count of Prisma's transactions on the SQLite adapter — its interactive ones and the implicit ones of
 * `updateMany`, `createMany` and guarded updates, which queue for the adapter's one transaction lock — so that
 * closing can wait for them. Prisma's `$disconnect` cancels whatever is in flight: a transaction still queued for
 * the lock then either fails with "Unknown transaction status." once it gets it, or never settles (its caller
 * hangs), and open ones are rolled back although their callers are about to be told they succeeded.
 */
export class TransactionGate {
  private inFlight = 0;
  private readonly onIdle: (() => void)[] = [];

  /** The adapter with its transactions counted from the moment they are asked for until they commit or roll back. */
  wrap(adapter: Adapter): Adapter {
    return delegate(adapter, { startTransaction: (isolationLevel?: Parameters<Adapter["startTransaction"]>[0]) => this.start(adapter, isolationLevel) });
  }

  /**
   * Resolves once no transaction is queued or open, after the work already started has had its turn (each
   * request goes through a few promise steps before it asks for a transaction), or after `maxMs`.
   */
  async drain(maxMs: number): Promise<void> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const left = deadline - Date.now();
      if (this.inFlight === 0 || left <= 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.onIdle.push(resolve);
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  private async start(adapter: Adapter, isolationLevel: Parameters<Adapter["startTransaction"]>[0]): Promise<Transaction> {
    this.inFlight += 1;
    let transaction: Transaction;
    try {
      transaction = await adapter.startTransaction(isolationLevel);
    } catch (error) {
      this.finished();
      throw error;
    }
    let ended = false;
    const end = async (how: "commit" | "rollback") => {
      try {
        await transaction[how]();
      } finally {
        if (!ended) {
          ended = true;
          this.finished();
        }
      }
    };
    return delegate(transaction, { commit: () => end("commit"), rollback: () => end("rollback") });
  }

  private finished(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) for (const resolve of this.onIdle.splice(0)) resolve();
  }
}

/** `target` with some methods replaced; everything else is the target's own (methods bound to it). */
function delegate<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}
