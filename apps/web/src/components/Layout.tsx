import { A, type RouteSectionProps } from "@solidjs/router";
import { Show, onMount } from "solid-js";
import { pageLoadDuration, sendTelemetry } from "../lib/telemetry.ts";
import { useAccess } from "../providers/access.tsx";
import { useApi } from "../providers/api.tsx";
import { NotificationsProvider, useNotifications } from "../providers/notifications.tsx";
import { usePermissions } from "../providers/permissions.tsx";
import { ShortcutsProvider, useShortcutRegistry } from "../providers/shortcuts.tsx";
import { ToastProvider } from "../providers/toasts.tsx";
import { useConnection } from "../providers/connection.tsx";
import { ConnectionBadge } from "./ConnectionBadge.tsx";
import { signOut } from "./SignInView.tsx";
import { ServerDownBanner } from "./ServerDownBanner.tsx";
import { ThemeToggle } from "./ThemeToggle.tsx";

export function Layout(props: RouteSectionProps) {
  const api = useApi();
  const connection = useConnection();
  onMount(() => {
    // Page load timing, once the load event has run (its end time is known only after it).
    const report = () => setTimeout(() => {
      const duration = pageLoadDuration();
      if (duration !== null) sendTelemetry(api, { kind: "page_load", durationMs: duration });
    }, 0);
    if (document.readyState === "complete") report();
    else window.addEventListener("load", report, { once: true });
  });
  return (
    <ToastProvider>
      <NotificationsProvider>
        <ShortcutsProvider>
          <div class="app">
            <a class="skip-link" href="#main">
              Skip to content
            </a>
            <header class="app-header">
              <A href="/" class="brand" end>
                <span class="brand-mark" aria-hidden="true" />
                <span class="brand-name">Rozet Control Room</span>
              </A>
              <nav aria-label="Main" class="main-nav">
                <A href="/" end>
                  Sessions
                </A>
                <PermissionsLink />
                <AdminLinks />
              </nav>
              <div class="header-end">
                <ConnectionBadge />
                <NotificationToggle />
                <HelpButton />
                <ThemeToggle />
                <AccessBadge />
              </div>
            </header>
            <ServerDownBanner />
            <ObserveOnlyBanner />
            <main id="main" class="app-main" tabindex="-1">
              {/* While the server is unreachable every control on the page is disabled at once (a disabled fieldset). */}
              <fieldset class="controls-gate" disabled={connection.serverDown()}>
                {props.children}
              </fieldset>
            </main>
          </div>
        </ShortcutsProvider>
      </NotificationsProvider>
    </ToastProvider>
  );
}

/** The inbox link with the number of pending requests: visible from every page. */
function PermissionsLink() {
  const inbox = usePermissions();
  const count = () => inbox.pending().length;
  return (
    <A href="/permissions" class="inbox-link" classList={{ waiting: count() > 0 }}>
      <span class="hide-narrow">Permissions</span>
      <span class="show-narrow">Inbox</span>
      <span class="badge" data-count={count()}>
        {count()}
      </span>
      <span class="visually-hidden"> pending</span>
    </A>
  );
}

/** Tokens and Audit: admins only. */
function AdminLinks() {
  const access = useAccess();
  return (
    <Show when={access.isAdmin() && access.tokenRequired()}>
      <A href="/tokens">Tokens</A>
      <A href="/audit">Audit</A>
    </Show>
  );
}

/** Whose token this is: a "read-only (viewer)" badge for viewers, and the way to sign out. */
function AccessBadge() {
  const access = useAccess();
  return (
    <>
      <Show when={access.role() === "viewer"}>
        <span class="pill access-badge" title={`Signed in as ${access.name() ?? "?"}: you can look, not change`}>
          read-only (viewer)
        </span>
      </Show>
      <Show when={access.tokenRequired()}>
        <button type="button" class="button ghost small" onClick={signOut} title={`Signed in as ${access.name() ?? "?"}`}>
          Sign out
        </button>
      </Show>
    </>
  );
}

function ObserveOnlyBanner() {
  const access = useAccess();
  return (
    <Show when={access.observeOnly()}>
      <p class="banner observe-only" role="status">
        Observe-only: ROZET_CONTROL_ROOM_ENABLED=false — ingest, timeline, replay and export work; agent, task and permission actions are off
      </p>
    </Show>
  );
}

function NotificationToggle() {
  const notifications = useNotifications();
  return (
    <Show when={notifications.permission() === "default"}>
      <button type="button" class="button ghost small" aria-label="Notify me" onClick={() => void notifications.enable()} title="Browser notifications for permission requests, failed agents and finished tasks">
        <svg aria-hidden="true" width="14" height="14" viewBox="0 0 16 16" fill="currentColor"><path d="M8 16a2 2 0 0 0 2-2H6a2 2 0 0 0 2 2Zm5-5V7a5 5 0 0 0-4-4.9V1a1 1 0 1 0-2 0v1.1A5 5 0 0 0 3 7v4l-1.5 1.5V13h13v-.5L13 11Z" /></svg>
        <span class="hide-narrow">Notify me</span>
      </button>
    </Show>
  );
}

function HelpButton() {
  const shortcuts = useShortcutRegistry();
  return (
    <button type="button" class="button ghost small hide-narrow" onClick={() => shortcuts.openHelp()} aria-label="Keyboard shortcuts (?)" title="Keyboard shortcuts (?)">
      <kbd>?</kbd>
    </button>
  );
}
