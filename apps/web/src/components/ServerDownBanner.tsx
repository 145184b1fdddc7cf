import { Show } from "solid-js";
import { useConnection } from "../providers/connection.tsx";

/** Shown once the server has been unreachable for a moment (see SERVER_DOWN_GRACE_MS); the page's controls are disabled meanwhile. */
export function ServerDownBanner() {
  const connection = useConnection();
  return (
    <Show when={connection.serverDown()}>
      <div class="server-down" role="alert">
        <strong>The server is unreachable.</strong> Controls are disabled until it is back; reconnecting…
        <Show when={connection.lastError()}>{(error) => <span class="muted small"> ({error()})</span>}</Show>
      </div>
    </Show>
  );
}
