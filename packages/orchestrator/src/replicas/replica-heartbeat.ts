import type { DeadReplica, ReplicaDirectory } from "@rozet/db";
import { background, type Logger } from "@rozet/vocabulary";

export interface ReplicaHeartbeatDeps {
  directory: ReplicaDirectory;
  log: Logger;
  /** A replica silent for this long is taken for dead; the heartbeat and the sweep run every third of it. */
  leaseMs: number;
  /** Calls addressed here whose signal was missed. */
  takePendingCalls: () => void;
  /** Another replica stopped answering: its agents are lost, with `reason`. */
  onDead: (dead: DeadReplica, reason: string) => Promise<void>;
  /** This replica had been taken for dead by another one (it was paused or cut off longer than the lease). */
  onSwept: () => Promise<void>;
}

/**
 * Every third of the lease: renew this replica's heartbeat row, take the rows of replicas whose heartbeat expired
 * (each by exactly one replica) and lose their agents, and pick up calls whose signal was missed.
 */
export class ReplicaHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;

  constructor(private readonly deps: ReplicaHeartbeatDeps) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), Math.max(100, Math.floor(this.deps.leaseMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One beat at a time: a slow database must not pile them up. */
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    background(this.deps.log, "replica heartbeat", async () => {
      try {
        await this.beat();
      } finally {
        this.ticking = false;
      }
    });
  }

  async beat(): Promise<void> {
    const { directory, log, leaseMs } = this.deps;
    if (!(await directory.heartbeat(leaseMs))) {
      log.error({ replica: directory.self.name }, "this replica was taken for dead by another one (no heartbeat within the lease): its agents were marked lost; stopping what still runs here");
      await this.deps.onSwept();
    }
    for (const dead of await directory.takeExpired()) {
      const reason = `replica ${dead.name} stopped answering (no heartbeat since ${dead.lastSeenAt.toISOString()}; its ${Math.round(leaseMs / 100) / 10} s lease expired)`;
      log.warn({ replica: dead.name, agents: dead.agentIds.length }, reason);
      await this.deps.onDead(dead, reason);
    }
    this.deps.takePendingCalls();
  }
}
