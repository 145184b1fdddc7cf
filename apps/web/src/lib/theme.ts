import { createRoot, createSignal } from "solid-js";

export type ThemeChoice = "system" | "light" | "dark";
const KEY = "rozet.theme";
export const THEME_ORDER: ThemeChoice[] = ["system", "light", "dark"];
export const THEME_LABELS: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

function readChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === "light" || saved === "dark" ? saved : "system";
  } catch {
    return "system";
  }
}

/** The theme choice, app-wide (the toggle and the `t` shortcut share it). "system" follows prefers-color-scheme. */
// eslint-disable-next-line solid/reactivity -- the rule does not see through createRoot; this is one app-wide signal
const [choice, setChoice] = createRoot(() => createSignal<ThemeChoice>(typeof localStorage === "undefined" ? "system" : readChoice()));
export const themeChoice = choice;

export function applyTheme(next: ThemeChoice): void {
  setChoice(next);
  const root = document.documentElement;
  if (next === "system") delete root.dataset.theme;
  else root.dataset.theme = next;
  try {
    if (next === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function nextTheme(): ThemeChoice {
  return THEME_ORDER[(THEME_ORDER.indexOf(choice()) + 1) % THEME_ORDER.length]!;
}

export function cycleTheme(): void {
  applyTheme(nextTheme());
}
