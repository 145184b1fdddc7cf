import pg from "pg";
import { background, type Logger } from "@rozet/vocabulary";

export interface ListenConnectionOptions {
  url: string;
  channels: string[];
  onNotification: (channel: string, payload: string) => void;
  /** After a lost connection is back: whatever was announced meanwhile reached nobody, so catch up from the store. */
  onReconnected: () => void;
  log: Logger;
  /** First wait before reconnecting (doubles up to 5 s). */
  reconnectMs?: number;
}

/**
 * A connection of its own that LISTENs (a pooled one would lose its LISTEN when returned). A connection the server
 * ends is reopened with backoff until `close()`.
 */
export class ListenConnection {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  private constructor(private readonly options: ListenConnectionOptions) {}

  static async open(options: ListenConnectionOptions): Promise<ListenConnection> {
    const connection = new ListenConnection(options);
    await connection.connect();
    return connection;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on("notification", (message) => this.options.onNotification(message.channel, message.payload ?? ""));
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      if (!this.closed) this.reconnect(error, this.options.reconnectMs ?? 250);
    };
    client.on("error", lost);
    client.on("end", () => lost());
    await client.connect();
    for (const channel of this.options.channels) await client.query(`LISTEN ${channel}`);
    this.client = client;
  }

  private reconnect(error: Error | undefined, waitMs: number): void {
    this.options.log.warn({ err: error, waitMs, channels: this.options.channels }, "lost a LISTEN connection; reconnecting");
    this.retry = setTimeout(() => {
      this.retry = null;
      background(this.options.log, "reconnect a LISTEN connection", async () => {
        try {
          await this.connect();
        } catch (failed) {
          if (!this.closed) this.reconnect(failed as Error, Math.min(waitMs * 2, 5_000));
          return;
        }
        this.options.onReconnected();
      });
    }, waitMs);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
