/**
 * ANSI-coloured terminal output (shell.output, tool output) as styled segments, via anser. Basic colours map to
 * theme variables (`--ansi-red` …, chosen per theme for contrast); 256-colour and true-colour codes to rgb().
 * Segments are rendered as text nodes, never as HTML.
 */
import Anser from "anser";

export interface AnsiSegment {
  text: string;
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const BASIC = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

/** The xterm 256-colour palette entry `n` (16–255) as rgb(); 0–15 as the theme's basic colours. */
export function paletteColour(n: number): string {
  if (n < 8) return `var(--ansi-${BASIC[n]})`;
  if (n < 16) return `var(--ansi-bright-${BASIC[n - 8]})`;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
  }
  const grey = 8 + (n - 232) * 10;
  return `rgb(${grey}, ${grey}, ${grey})`;
}

function colour(name: string | null, truecolor: string | null): string | null {
  if (!name) return null;
  if (name === "ansi-truecolor") return truecolor ? `rgb(${truecolor})` : null;
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) return paletteColour(Number(palette[1]));
  const basic = /^ansi-(bright-)?([a-z]+)$/.exec(name);
  return basic ? `var(--ansi-${basic[1] ?? ""}${basic[2]})` : null;
}

export function ansiSegments(text: string): AnsiSegment[] {
  // Carriage-return progress bars: keep only what was last drawn on each line.
  const cleaned = text.includes("\r") ? text.split("\n").map((line) => line.split("\r").filter((part) => part !== "").at(-1) ?? "").join("\n") : text;
  return Anser.ansiToJson(cleaned, { use_classes: true, remove_empty: true }).map((part) => ({
    text: part.content,
    fg: colour(part.fg, part.fg_truecolor),
    bg: colour(part.bg, part.bg_truecolor),
    bold: part.decorations.includes("bold"),
    dim: part.decorations.includes("dim"),
    italic: part.decorations.includes("italic"),
    underline: part.decorations.includes("underline"),
  }));
}

/** Text without escape codes (for copying). */
export function stripAnsi(text: string): string {
  return ansiSegments(text)
    .map((s) => s.text)
    .join("");
}
