import { createSignal } from "solid-js";

type ThemeChoice = "system" | "light" | "dark";
const KEY = "rozet.theme";
const order: ThemeChoice[] = ["system", "light", "dark"];
const labels: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

function readChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(KEY);
    return saved === "light" || saved === "dark" ? saved : "system";
  } catch {
    return "system";
  }
}

/** Cycles system → light → dark. "system" follows `prefers-color-scheme` (CSS does that; no listener needed). */
export function ThemeToggle() {
  const [choice, setChoice] = createSignal<ThemeChoice>(readChoice());
  const apply = (next: ThemeChoice) => {
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
  };
  const nextChoice = () => order[(order.indexOf(choice()) + 1) % order.length]!;
  return (
    <button
      type="button"
      class="button ghost theme-toggle"
      onClick={() => apply(nextChoice())}
      title={`Theme: ${labels[choice()]} (click for ${labels[nextChoice()]})`}
    >
      <span aria-hidden="true">{choice() === "dark" ? "☾" : choice() === "light" ? "☀" : "◐"}</span> Theme: {labels[choice()]}
    </button>
  );
}
