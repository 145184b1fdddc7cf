import { exportHref, type ExportFilter } from "../../lib/export-links.ts";
import { storedToken } from "../../providers/api.tsx";

/** Downloads of the session: events as NDJSON or JSON with the timeline's current filters, or everything as zip. */
export function ExportMenu(props: { sessionId: string; filter: ExportFilter }) {
  const filtered = () => !!(props.filter.agentId || props.filter.taskId || props.filter.types?.length || props.filter.text);
  const href = (format: "ndjson" | "json" | "zip", filter: ExportFilter = props.filter) => exportHref(props.sessionId, format, filter, storedToken());
  return (
    <div class="export-menu" role="group" aria-label="Export">
      <span class="muted small">Export{filtered() ? " (filtered)" : ""}:</span>
      <a class="button small" href={href("ndjson")} download="" data-export="ndjson">
        NDJSON
      </a>
      <a class="button small" href={href("json")} download="" data-export="json">
        JSON
      </a>
      <a class="button small" href={href("zip", {})} download="" data-export="zip" title="Events, agents, tasks, commands, permissions and per-agent logs">
        ZIP
      </a>
    </div>
  );
}
