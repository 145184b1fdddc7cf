/**
 * Keyboard shortcuts: single keys ("?", "/") and two-key sequences ("g p"). Pure matching here; the provider
 * listens on the window and keeps the registry. Keys typed into a form field never trigger a shortcut.
 */
export interface ShortcutDef {
  /** Space-separated key sequence, e.g. "g s", "?", "Escape". */
  keys: string;
  description: string;
  group: string;
}

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** The key as a shortcut sees it (" " is "Space"), or null when a modifier (Ctrl, ⌘, Alt) is down: those belong to the browser. */
export function keyName(event: KeyLike): string | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  return event.key === " " ? "Space" : event.key;
}

export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== "object" || !("tagName" in target)) return false;
  const element = target as { tagName: string; isContentEditable?: boolean; type?: string };
  const tag = element.tagName.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable) return true;
  if (tag !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes((element.type ?? "text").toLowerCase());
}

export type MatchResult<S extends ShortcutDef> = { kind: "run"; shortcut: S } | { kind: "prefix"; pending: string[] } | { kind: "none" };

/** Given the keys pressed so far in a sequence and the new key: run a shortcut, wait for more, or nothing. */
export function matchShortcut<S extends ShortcutDef>(pending: readonly string[], key: string, shortcuts: readonly S[]): MatchResult<S> {
  const attempt = (sequence: string[]): MatchResult<S> | null => {
    const typed = sequence.join(" ");
    const exact = shortcuts.find((s) => s.keys === typed);
    if (exact) return { kind: "run", shortcut: exact };
    if (shortcuts.some((s) => s.keys.startsWith(`${typed} `))) return { kind: "prefix", pending: sequence };
    return null;
  };
  // Continue the pending sequence; if that leads nowhere, the key may start a new one on its own.
  return (pending.length > 0 ? attempt([...pending, key]) : null) ?? attempt([key]) ?? { kind: "none" };
}

/** "g p" → ["g", "p"] for rendering as <kbd> elements. */
export function keysOf(shortcut: Pick<ShortcutDef, "keys">): string[] {
  return shortcut.keys.split(" ");
}
