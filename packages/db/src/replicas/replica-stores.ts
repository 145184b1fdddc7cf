import type { Logger } from "@rozet/vocabulary";
import { ResilientPool } from "../pg-pool.ts";
import { AgentCallBox } from "./agent-call-box.ts";
import { PgReplicaDirectory, type ReplicaInfo } from "./replica-directory.ts";

/** The heartbeat rows and the call box of one replica, on a small pool of their own. */
export interface PgReplicaStores {
  directory: PgReplicaDirectory;
  calls: AgentCallBox;
  close(): Promise<void>;
}

export async function openPgReplicaStores(url: string, self: ReplicaInfo, leaseMs: number, log: Logger): Promise<PgReplicaStores> {
  // Its transactions (the call box takes an advisory lock) end with a replica paused past its lease, as the events' do.
  const pool = new ResilientPool({ connectionString: url, max: 3, idle_in_transaction_session_timeout: leaseMs });
  pool.on("error", (error) => log.warn({ err: error }, "replica directory: a pooled connection was ended"));
  try {
    const directory = await PgReplicaDirectory.open(pool, self, leaseMs);
    const calls = await AgentCallBox.open(pool, self.replicaId);
    return { directory, calls, close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
