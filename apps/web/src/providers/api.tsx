import { createRozetClient, type RozetClient } from "@rozet/api/client";
import { createContext, onCleanup, untrack, useContext, type ParentProps } from "solid-js";
import type { Api } from "../api/types.ts";

const TOKEN_KEY = "rozet.token";

const ApiContext = createContext<Api>();

/**
 * The client the router's `query`/`action` functions use. They are module-level (their cache is global) and run
 * outside any component, so they cannot read context; ApiProvider binds its client here for them.
 */
let bound: Api | null = null;

/** The operator token, needed only when the server is not on loopback (ROZET_TOKEN); kept in localStorage. */
export function storedToken(): string | undefined {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string): void {
  if (token.trim()) localStorage.setItem(TOKEN_KEY, token.trim());
  else localStorage.removeItem(TOKEN_KEY);
}

/** One API client for the whole app: HTTP (batched) for queries and mutations, one WebSocket for subscriptions. */
export function ApiProvider(props: ParentProps<{ client?: RozetClient }>) {
  // Created once for the app's lifetime: a `client` prop is read once, not tracked.
  const client = untrack(() => props.client) ?? createRozetClient({ url: window.location.origin, token: storedToken() });
  bound = client.api;
  onCleanup(() => {
    if (bound === client.api) bound = null;
    void client.close();
  });
  return <ApiContext.Provider value={client.api}>{props.children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi() must be called inside <ApiProvider>");
  return api;
}

/** For router data functions (`*.data.ts`): the client of the mounted ApiProvider. */
export function dataApi(): Api {
  if (!bound) throw new Error("router data functions need <ApiProvider> mounted around <Router>");
  return bound;
}
