import { A } from "@solidjs/router";
import { For, Show, createContext, createSignal, onCleanup, useContext, type ParentProps } from "solid-js";

export interface Toast {
  id: number;
  title: string;
  body?: string | undefined;
  href?: string | undefined;
  tone: "info" | "error" | "ok";
}

interface Toasts {
  push(toast: Omit<Toast, "id">, timeoutMs?: number): number;
  dismiss(id: number): void;
}

const ToastContext = createContext<Toasts>();
const MAX_TOASTS = 4;

/** Short messages in a corner: command failures, notifications while the browser's are off. Announced politely. */
export function ToastProvider(props: ParentProps) {
  const [toasts, setToasts] = createSignal<Toast[]>([]);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let next = 1;
  const dismiss = (id: number) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  };
  const push: Toasts["push"] = (toast, timeoutMs = toast.tone === "error" ? 12_000 : 6_000) => {
    const id = next++;
    setToasts((list) => [...list, { ...toast, id }].slice(-MAX_TOASTS));
    timers.set(id, setTimeout(() => dismiss(id), timeoutMs));
    return id;
  };
  onCleanup(() => timers.forEach((t) => clearTimeout(t)));
  return (
    <ToastContext.Provider value={{ push, dismiss }}>
      {props.children}
      <div class="toasts" role="status" aria-live="polite" aria-label="Notifications">
        <For each={toasts()}>
          {(toast) => (
            <div class="toast" data-tone={toast.tone}>
              <div class="toast-text">
                <strong>{toast.title}</strong>
                <Show when={toast.body}>
                  <span class="small">{toast.body}</span>
                </Show>
                <Show when={toast.href}>
                  {(href) => (
                    <A href={href()} class="small" onClick={() => dismiss(toast.id)}>
                      Open
                    </A>
                  )}
                </Show>
              </div>
              <button type="button" class="button ghost small" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
                ✕
              </button>
            </div>
          )}
        </For>
      </div>
    </ToastContext.Provider>
  );
}

export function useToasts(): Toasts {
  const toasts = useContext(ToastContext);
  if (!toasts) throw new Error("useToasts() must be called inside <ToastProvider>");
  return toasts;
}
