/** Commits kept before the oldest is forgotten (the fan-out normally passes each within milliseconds). */
const CAPACITY = 10_000;

/**
 * The seq ranges one replica committed and its fan-out has not passed yet, ascending: which events the fan-out
 * reads back are this replica's own (their side effects already ran here) and which came from another replica.
 */
export class OwnCommits {
  private readonly ranges: [first: number, last: number][] = [];

  add(first: number, last: number): void {
    this.ranges.push([first, last]);
    if (this.ranges.length > CAPACITY) this.ranges.shift();
  }

  /** Whether `seq` is ours; ranges at or below it are dropped (the fan-out asks in ascending seq order). */
  has(seq: number): boolean {
    while (this.ranges.length > 0 && this.ranges[0]![1] < seq) this.ranges.shift();
    const head = this.ranges[0];
    return head !== undefined && head[0] <= seq;
  }
}
