import { createRozetClient } from "@rozet/api/client";
import { createSignal, Show } from "solid-js";
import { needsSignIn } from "../lib/access.ts";
import { saveToken, storedToken } from "../providers/api.tsx";

/** Asks the server whether it knows `token` (`system.access` with it), before anything is stored. */
async function tokenAccepted(token: string): Promise<boolean> {
  const client = createRozetClient({ url: window.location.origin, token });
  try {
    return !needsSignIn(await client.api.system.access.query());
  } finally {
    await client.close();
  }
}

/** Shown instead of the app when the server needs a token and the stored one is missing or was refused. */
export function SignInView() {
  const [token, setToken] = createSignal("");
  const [refused, setRefused] = createSignal(storedToken() !== undefined);
  const [checking, setChecking] = createSignal(false);
  const [failure, setFailure] = createSignal<string | null>(null);
  // A wrong token is said to be wrong here and now: it is checked before it is stored and the page reloads.
  const signIn = async (candidate: string) => {
    setChecking(true);
    setFailure(null);
    try {
      if (await tokenAccepted(candidate)) {
        saveToken(candidate);
        window.location.reload();
        return;
      }
      setRefused(true);
    } catch (error) {
      setFailure(`The server could not check the token: ${(error as Error).message}`);
    } finally {
      setChecking(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <form
        class="sign-in-card"
        onSubmit={(e) => {
          e.preventDefault();
          const candidate = token().trim();
          if (!candidate || checking()) return;
          void signIn(candidate);
        }}
      >
        <h1>Rozet Control Room</h1>
        <p>This control room needs a token. Ask its admin for one (<code>rozet token create</code>) or use ROZET_TOKEN.</p>
        <Show when={refused() && !checking()}>
          <p class="notice error" role="alert">
            That token was refused: it is wrong or has been revoked.
          </p>
        </Show>
        <Show when={failure()}>
          {(message) => (
            <p class="notice error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <label for="sign-in-token">Token</label>
        <input id="sign-in-token" type="password" autocomplete="off" required value={token()} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit" class="button primary" disabled={checking()}>
          {checking() ? "Checking…" : "Sign in"}
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
