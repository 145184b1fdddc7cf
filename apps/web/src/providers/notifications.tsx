import { useNavigate } from "@solidjs/router";
import { createContext, createSignal, useContext, type Accessor, type ParentProps } from "solid-js";
import { noticeFor, type Notice } from "../lib/notify.ts";
import { useControlUpdates } from "./connection.tsx";
import { useToasts } from "./toasts.tsx";

export type NotificationPermissionState = NotificationPermission | "unsupported";

interface Notifications {
  permission: Accessor<NotificationPermissionState>;
  /** Asks the browser (must run from a click). */
  enable(): Promise<void>;
}

const NotificationsContext = createContext<Notifications>();

function browserPermission(): NotificationPermissionState {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/**
 * Tells the operator about what needs them: a new permission request, an agent that failed, a task that
 * finished. Always as a toast on the page; also as a browser notification once they allowed those.
 * Lives inside the router (clicking a notification navigates).
 */
export function NotificationsProvider(props: ParentProps) {
  const navigate = useNavigate();
  const toasts = useToasts();
  const [permission, setPermission] = createSignal<NotificationPermissionState>(browserPermission());
  const seen = new Map<string, string>();

  function show(notice: Notice) {
    toasts.push({ title: notice.title, body: notice.body, href: notice.href, tone: notice.kind === "agent-failed" ? "error" : notice.kind === "task-finished" ? "ok" : "info" });
    if (browserPermission() !== "granted") return;
    try {
      const notification = new Notification(notice.title, { body: notice.body, tag: notice.tag });
      notification.onclick = () => {
        window.focus();
        navigate(notice.href);
        notification.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker; the toast is enough there.
    }
  }

  useControlUpdates((update) => {
    const notice = noticeFor(update, seen);
    if (notice) show(notice);
  });

  const value: Notifications = {
    permission,
    async enable() {
      if (typeof Notification === "undefined") return;
      setPermission(await Notification.requestPermission());
    },
  };
  return <NotificationsContext.Provider value={value}>{props.children}</NotificationsContext.Provider>;
}

export function useNotifications(): Notifications {
  const value = useContext(NotificationsContext);
  if (!value) throw new Error("useNotifications() must be called inside <NotificationsProvider>");
  return value;
}
