import type { Role } from "@rozet/vocabulary";
import { createContext, createResource, Show, useContext, type ParentProps } from "solid-js";
import { canChangeSessions, canOperate, isAdmin, needsSignIn } from "../lib/access.ts";
import { SignInView } from "../components/SignInView.tsx";
import { useApi } from "./api.tsx";

interface AccessContextValue {
  /** The caller's role; null while unknown or not signed in. */
  role: () => Role | null;
  /** Name of the token in use (`local` without tokens). */
  name: () => string | null;
  canOperate: () => boolean;
  canChangeSessions: () => boolean;
  isAdmin: () => boolean;
  observeOnly: () => boolean;
  /** True when a token is in use and may be signed out of. */
  tokenRequired: () => boolean;
}

const AccessContext = createContext<AccessContextValue>();

/**
 * Asks the server who we are (`system.access`) before anything else: when a token is needed and the stored one is
 * missing or refused, the sign-in view replaces the app instead of a page full of errors. Signing in stores the
 * token and reloads, so the one API client is built with it.
 */
export function AccessProvider(props: ParentProps) {
  const api = useApi();
  const [info] = createResource(() => api.system.access.query());
  const value: AccessContextValue = {
    role: () => info()?.principal?.role ?? null,
    name: () => info()?.principal?.name ?? null,
    canOperate: () => {
      const current = info();
      return current ? canOperate(current) : false;
    },
    canChangeSessions: () => {
      const current = info();
      return current ? canChangeSessions(current) : false;
    },
    isAdmin: () => {
      const current = info();
      return current ? isAdmin(current) : false;
    },
    observeOnly: () => info()?.observeOnly ?? false,
    tokenRequired: () => info()?.tokenRequired ?? false,
  };
  return (
    <AccessContext.Provider value={value}>
      <Show when={info.state === "ready" || info.state === "errored"}>
        {/* When the server cannot be reached, the app shows that itself (banner, notices); sign-in is for refusals. */}
        <Show when={info.state === "ready" && needsSignIn(info())} fallback={props.children}>
          <SignInView />
        </Show>
      </Show>
    </AccessContext.Provider>
  );
}

export function useAccess(): AccessContextValue {
  const access = useContext(AccessContext);
  if (!access) throw new Error("useAccess() must be called inside <AccessProvider>");
  return access;
}
