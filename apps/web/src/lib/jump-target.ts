/**
 * What the timeline's "Go to" box understands: `#123` or `123` (an event number), a clock time `14:05` /
 * `14:05:30` / `14:05:30.250` (today, local time; yesterday if that is still ahead), or a date and time
 * `2026-12-05 14:05` (local) or any ISO timestamp.
 */
export type JumpTarget = { seq: number } | { time: number };

export function parseJumpTarget(text: string, now = Date.now()): JumpTarget | null {
  const value = text.trim();
  const number = /^#?(\d{1,15})$/.exec(value);
  if (number) return { seq: Number(number[1]) };
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value);
  if (clock) {
    const [hours, minutes, seconds = "0", millis = "0"] = clock.slice(1);
    if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return null;
    const day = new Date(now);
    day.setHours(Number(hours), Number(minutes), Number(seconds), Number(millis.padEnd(3, "0")));
    const time = day.getTime() > now ? day.getTime() - 86_400_000 : day.getTime();
    return { time };
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const time = Date.parse(value.replace(" ", "T"));
  return Number.isNaN(time) ? null : { time };
}

/** When the event happened by its own clock (the client's timestamp), else when the server received it. */
export function eventTime(event: { clientTs: number | null; receivedAt: number }): number {
  return event.clientTs ?? event.receivedAt;
}

/** The receive time differs enough from the event's own time to show both (a batch of history, a slow spool). */
export function receivedLater(event: { clientTs: number | null; receivedAt: number }): boolean {
  return event.clientTs !== null && Math.abs(event.receivedAt - event.clientTs) >= 1_000;
}
