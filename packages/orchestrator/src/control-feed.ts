import { randomBytes } from "node:crypto";
import type { Bus } from "@rozet/db";
import type { Logger } from "@rozet/vocabulary";
import type { Replicas } from "./replica-topics.ts";
import type { ControlMessage } from "./control-message.ts";

export type { ControlMessage };

export interface ControlFeedEntry {
  id: string;
  update: ControlMessage;
}

/**
 * Lifecycle updates for `control.onUpdate`, with ids a client can resume from. Updates are not stored (their
 * rows are); a ring of recent ones lets a reconnecting client catch up. Ids carry a boot id, so a client that
 * comes back to a restarted server gets the whole ring instead of nothing (so does one that moves to another replica:
 * every replica's ring holds every replica's updates, under ids of its own).
 */
export class ControlFeed {
  private readonly bootId = randomBytes(4).toString("hex");
  private counter = 0;
  private readonly ring: ControlFeedEntry[] = [];

  constructor(
    private readonly deps: { bus: Bus; replicas: Replicas; log: Logger },
    private readonly capacity = 2_000,
  ) {
    deps.replicas.on("control", (update) => this.deliver(update));
  }

  /** To this replica's clients, and the other replicas'. */
  publish(update: ControlMessage): void {
    this.deliver(update);
    this.deps.replicas.send("control", update).catch((error: unknown) => this.deps.log.warn({ err: error, entity: update.entity, id: update.id }, "control update not sent to the other replicas"));
  }

  private deliver(update: ControlMessage): void {
    const entry = { id: `${this.bootId}-${++this.counter}`, update };
    this.ring.push(entry);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.deps.bus.publish("control", entry);
  }

  /** Entries after `lastId`; all retained entries when the id is unknown or from another boot. */
  since(lastId: string | null | undefined): ControlFeedEntry[] {
    if (!lastId) return [];
    const [boot, n] = lastId.split("-");
    if (boot !== this.bootId) return [...this.ring];
    const after = Number(n);
    return this.ring.filter((entry) => Number(entry.id.split("-")[1]) > after);
  }
}
