import { Show, createEffect, createSignal, on } from "solid-js";
import { errorMessage, isUnauthorized } from "../lib/errors.ts";
import { saveToken, storedToken } from "../providers/api.tsx";
import { useConnection } from "../providers/connection.tsx";

/**
 * An error in a region of the page, with a retry; asks for a token when that is what is missing.
 * When the connection to the server comes back, the region retries by itself (its error may only have been that).
 */
export function ErrorNotice(props: { error: unknown; retry?: () => void; title?: string }) {
  const [token, setToken] = createSignal(storedToken() ?? "");
  const connection = useConnection();
  createEffect(on(connection.reconnects, () => props.retry?.(), { defer: true }));
  return (
    <div class="notice error" role="alert">
      <p>
        <strong>{props.title ?? "Could not load this"}:</strong> {errorMessage(props.error)}
      </p>
      <Show
        when={isUnauthorized(props.error)}
        fallback={
          <Show when={props.retry}>
            {(retry) => (
              <button type="button" class="button" onClick={() => retry()()}>
                Try again
              </button>
            )}
          </Show>
        }
      >
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            saveToken(token());
            window.location.reload();
          }}
        >
          <label for="operator-token">Token (ROZET_TOKEN or a named token)</label>
          <input id="operator-token" type="password" autocomplete="off" value={token()} onInput={(e) => setToken(e.currentTarget.value)} />
          <button type="submit" class="button primary">
            Save and reload
          </button>
        </form>
      </Show>
    </div>
  );
}
