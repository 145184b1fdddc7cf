import { useConnection } from "../providers/connection.tsx";

const labels = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" } as const;

export function ConnectionBadge() {
  const connection = useConnection();
  return (
    <span
      class="connection"
      data-status={connection.status()}
      role="status"
      title={connection.lastError() ?? "Live updates over WebSocket"}
    >
      <span class="dot" aria-hidden="true" />
      {labels[connection.status()]}
    </span>
  );
}
