import { createRoot, createSignal, type Accessor } from "solid-js";

/** A media query as a signal (app-wide, created once per query). */
const cache = new Map<string, Accessor<boolean>>();
export function mediaQuery(query: string): Accessor<boolean> {
  let signal = cache.get(query);
  if (!signal) {
    signal = createRoot(() => {
      const list = typeof window !== "undefined" ? window.matchMedia?.(query) : undefined;
      const [matches, setMatches] = createSignal(list?.matches ?? false);
      list?.addEventListener("change", (e) => setMatches(e.matches));
      return matches;
    });
    cache.set(query, signal);
  }
  return signal;
}

export const isNarrow = () => mediaQuery("(max-width: 700px)")();
