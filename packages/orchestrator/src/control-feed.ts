import { randomBytes } from "node:crypto";
import type { Bus, ControlUpdate } from "@rozet/db";

export interface ControlFeedEntry {
  id: string;
  update: ControlUpdate;
}

/**
 * Lifecycle updates for `control.onUpdate`, with ids a client can resume from. Updates are not stored (their
 * rows are); a ring of recent ones lets a reconnecting client catch up. Ids carry a boot id, so a client that
 * comes back to a restarted server gets the whole ring instead of nothing.
 */
export class ControlFeed {
  private readonly bootId = randomBytes(4).toString("hex");
  private counter = 0;
  private readonly ring: ControlFeedEntry[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly capacity = 2_000,
  ) {}

  publish(update: ControlUpdate): void {
    const entry = { id: `${this.bootId}-${++this.counter}`, update };
    this.ring.push(entry);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.bus.publish("control", entry);
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
