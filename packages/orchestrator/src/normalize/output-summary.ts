import { stripVTControlCharacters } from "node:util";
import { clip } from "./hook-events.ts";

/** Output looked at for the summary: a flood's first lines tell the timeline enough. */
const SCAN_CHARS = 64 * 1024;

/**
 * The timeline line for a chunk of command output (`shell.output`): the stream, its first non-blank line as the
 * terminal shows it (escape codes removed, a carriage-return progress bar reduced to what was drawn last) and
 * how many more lines the chunk holds — e.g. `stdout: ok (+2 lines)`. Computed once, when the event is stored.
 */
export function outputSummary(stream: string, text: string): string {
  const scanned = text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text;
  const lines = scanned.split("\n").map((line) => stripVTControlCharacters(line.split("\r").filter((part) => part !== "").at(-1) ?? "").trim());
  if (lines.at(-1) === "") lines.pop(); // the newline that ends the chunk starts no line
  const first = lines.findIndex((line) => line !== "");
  if (first < 0) return `${stream}: (blank)`;
  const more = lines.length - first - 1;
  const suffix = more > 0 ? ` (+${more}${scanned === text ? "" : "+"} line${more === 1 ? "" : "s"})` : "";
  return clip(`${stream}: ${clip(lines[first]!, 280 - suffix.length)}${suffix}`);
}
