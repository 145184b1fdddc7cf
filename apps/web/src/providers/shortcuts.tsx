import { useNavigate } from "@solidjs/router";
import { For, createContext, createMemo, createSignal, onCleanup, onMount, useContext, type Accessor, type ParentProps } from "solid-js";
import { Dialog } from "../components/Dialog.tsx";
import { isTypingTarget, keyName, keysOf, matchShortcut, type ShortcutDef } from "../lib/shortcuts.ts";
import { cycleTheme } from "../lib/theme.ts";

export interface Shortcut extends ShortcutDef {
  run(event: KeyboardEvent): void;
  /** Only offered while this is true. */
  when?: () => boolean;
}

interface Shortcuts {
  register(list: readonly Shortcut[]): () => void;
  all: Accessor<readonly Shortcut[]>;
  openHelp(): void;
}

const ShortcutsContext = createContext<Shortcuts>();
const SEQUENCE_TIMEOUT_MS = 1_200;

/** Keys handled by components themselves, listed in the help for completeness. */
const LOCAL_KEYS: ShortcutDef[] = [
  { keys: "j", description: "Next event (timeline focused; also ↓)", group: "Timeline" },
  { keys: "k", description: "Previous event (timeline focused; also ↑)", group: "Timeline" },
  { keys: "Home", description: "First / End: newest event (timeline focused)", group: "Timeline" },
  { keys: "Escape", description: "Close the inspector or a dialog", group: "General" },
];

/**
 * Keyboard shortcuts: a registry that pages add to while mounted, one window listener, and the `?` help.
 * Keys typed into form fields and keys with Ctrl/⌘/Alt are left alone.
 */
export function ShortcutsProvider(props: ParentProps) {
  const navigate = useNavigate();
  const [registered, setRegistered] = createSignal<readonly (readonly Shortcut[])[]>([]);
  const [helpOpen, setHelpOpen] = createSignal(false);
  let pending: string[] = [];
  let pendingTimer: ReturnType<typeof setTimeout> | undefined;

  const global: Shortcut[] = [
    { keys: "?", description: "Show these shortcuts", group: "General", run: () => setHelpOpen(true) },
    { keys: "t", description: "Switch theme (system, light, dark)", group: "General", run: cycleTheme },
    { keys: "g s", description: "Go to sessions", group: "Go to", run: () => navigate("/") },
    { keys: "g p", description: "Go to the permission inbox", group: "Go to", run: () => navigate("/permissions") },
  ];
  const all = createMemo(() => [...global, ...registered().flat()]);

  function onKeyDown(event: KeyboardEvent) {
    if (event.defaultPrevented || event.repeat || isTypingTarget(event.target)) return;
    // Inside an open dialog only its own keys count (Escape closes it natively).
    if ((event.target as Element | null)?.closest?.("dialog[open]")) return;
    const key = keyName(event);
    if (key === null || key === "Shift") return;
    const active = all().filter((s) => !s.when || s.when());
    const result = matchShortcut(pending, key, active);
    clearTimeout(pendingTimer);
    if (result.kind === "prefix") {
      pending = result.pending;
      pendingTimer = setTimeout(() => (pending = []), SEQUENCE_TIMEOUT_MS);
      event.preventDefault();
      return;
    }
    pending = [];
    if (result.kind === "run") {
      event.preventDefault();
      result.shortcut.run(event);
    }
  }

  onMount(() => window.addEventListener("keydown", onKeyDown));
  onCleanup(() => {
    window.removeEventListener("keydown", onKeyDown);
    clearTimeout(pendingTimer);
  });

  const value: Shortcuts = {
    register(list) {
      setRegistered((groups) => [...groups, list]);
      return () => setRegistered((groups) => groups.filter((g) => g !== list));
    },
    all,
    openHelp: () => setHelpOpen(true),
  };

  const groups = createMemo(() => {
    const byGroup = new Map<string, ShortcutDef[]>();
    const seen = new Set<string>();
    for (const s of [...all(), ...LOCAL_KEYS]) {
      if (seen.has(s.keys + s.group)) continue;
      seen.add(s.keys + s.group);
      byGroup.set(s.group, [...(byGroup.get(s.group) ?? []), s]);
    }
    return [...byGroup.entries()];
  });

  return (
    <ShortcutsContext.Provider value={value}>
      {props.children}
      <Dialog open={helpOpen()} onClose={() => setHelpOpen(false)} title="Keyboard shortcuts" class="help-dialog">
        <div class="shortcut-groups">
          <For each={groups()}>
            {([group, list]) => (
              <section>
                <h3 class="section-title">{group}</h3>
                <dl class="shortcut-list">
                  <For each={list}>
                    {(s) => (
                      <div>
                        <dt>
                          <For each={keysOf(s)}>{(k) => <kbd>{k}</kbd>}</For>
                        </dt>
                        <dd>{s.description}</dd>
                      </div>
                    )}
                  </For>
                </dl>
              </section>
            )}
          </For>
        </div>
      </Dialog>
    </ShortcutsContext.Provider>
  );
}

export function useShortcutRegistry(): Shortcuts {
  const value = useContext(ShortcutsContext);
  if (!value) throw new Error("useShortcuts() must be called inside <ShortcutsProvider>");
  return value;
}

/** Registers shortcuts for as long as the calling component is mounted. */
export function useShortcuts(list: readonly Shortcut[]): void {
  const registry = useShortcutRegistry();
  onCleanup(registry.register(list));
}
