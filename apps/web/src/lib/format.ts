const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat();

export function formatCount(value: number): string {
  return value < 10_000 ? integer.format(value) : compact.format(value);
}

export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  if (usd === 0) return "$0";
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatTokens(input: number | null | undefined, output: number | null | undefined): string {
  if ((input ?? 0) === 0 && (output ?? 0) === 0) return "—";
  return `${formatCount(input ?? 0)} in · ${formatCount(output ?? 0)} out`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** HH:MM:SS.mmm in local time: rows in a busy timeline are often milliseconds apart. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDateTime(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** "tool.started, tool.finished" → ["tool.started", "tool.finished"]; blank → undefined. */
export function parseTypeList(value: string | undefined | null): string[] | undefined {
  const types = (value ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return types.length > 0 ? [...new Set(types)].slice(0, 50) : undefined;
}
