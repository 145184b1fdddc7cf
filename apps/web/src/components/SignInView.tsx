import { createSignal, Show } from "solid-js";
import { saveToken, storedToken } from "../providers/api.tsx";

/** Shown instead of the app when the server needs a token and the stored one is missing or was refused. */
export function SignInView() {
  const [token, setToken] = createSignal("");
  const refused = storedToken() !== undefined;
  return (
    <main id="main" class="sign-in">
      <form
        class="sign-in-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (!token().trim()) return;
          saveToken(token());
          window.location.reload();
        }}
      >
        <h1>Rozet Control Room</h1>
        <p>This control room needs a token. Ask its admin for one (<code>rozet token create</code>) or use ROZET_TOKEN.</p>
        <Show when={refused}>
          <p class="notice error" role="alert">
            That token was refused: it is wrong or has been revoked.
          </p>
        </Show>
        <label for="sign-in-token">Token</label>
        <input id="sign-in-token" type="password" autocomplete="off" required value={token()} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit" class="button primary">
          Sign in
        </button>
      </form>
    </main>
  );
}

/** Forgets the stored token and starts over at the sessions list (the sign-in view appears when a token is needed). */
export function signOut(): void {
  saveToken("");
  window.location.assign("/");
}
