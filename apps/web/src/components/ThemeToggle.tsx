import { THEME_LABELS, cycleTheme, nextTheme, themeChoice } from "../lib/theme.ts";

/** Cycles system → light → dark (shortcut: t). "system" follows `prefers-color-scheme` (CSS does that). */
export function ThemeToggle() {
  return (
    <button
      type="button"
      class="button ghost theme-toggle"
      onClick={cycleTheme}
      aria-label={`Theme: ${THEME_LABELS[themeChoice()]}`}
      title={`Theme: ${THEME_LABELS[themeChoice()]} (click for ${THEME_LABELS[nextTheme()]}; shortcut t)`}
    >
      <span aria-hidden="true">{themeChoice() === "dark" ? "☾" : themeChoice() === "light" ? "☀" : "◐"}</span>
      <span class="hide-narrow">Theme: {THEME_LABELS[themeChoice()]}</span>
    </button>
  );
}
