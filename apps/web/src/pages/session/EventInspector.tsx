import { A, createAsync, useLocation, useNavigate, useParams } from "@solidjs/router";
import { ErrorBoundary, Show, Suspense, createMemo, createSignal, onCleanup } from "solid-js";
import type { FullEvent } from "../../api/types.ts";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { formatBytes, formatCost, formatDateTime } from "../../lib/format.ts";
import { getEvent } from "./session.data.ts";

/** Payloads run to megabytes (Stop events carry transcripts); render this much until asked for the rest. */
const PREVIEW_CHARS = 100_000;

/** The side panel for `/sessions/:id/events/:seq`: every indexed field and the full payload (`event.get`). */
export function EventInspector() {
  const params = useParams();
  const location = useLocation();
  const seq = () => Number(params.seq);
  const navigate = useNavigate();
  const closeHref = () => `/sessions/${encodeURIComponent(params.id ?? "")}${location.search}`;
  // Escape closes the panel (unless focus is in a form field, where Escape belongs to the field).
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    if ((e.target as HTMLElement | null)?.closest("input, select, textarea")) return;
    navigate(closeHref());
  };
  window.addEventListener("keydown", onKey);
  onCleanup(() => window.removeEventListener("keydown", onKey));
  return (
    <aside class="inspector" aria-labelledby="inspector-title">
      <div class="inspector-head">
        <h2 id="inspector-title" class="section-title">
          Event #{params.seq}
        </h2>
        <A href={closeHref()} class="button small ghost" aria-label="Close the inspector">
          Close ✕
        </A>
      </div>
      <Show when={Number.isSafeInteger(seq()) && seq() >= 0} fallback={<p class="notice error">“{params.seq}” is not an event number.</p>}>
        <ErrorBoundary fallback={(error, reset) => <ErrorNotice error={error} retry={reset} title="Could not load the event" />}>
          <Suspense fallback={<p class="muted pad">Loading event…</p>}>
            <EventDetails seq={seq()} sessionId={params.id ?? ""} />
          </Suspense>
        </ErrorBoundary>
      </Show>
    </aside>
  );
}

function EventDetails(props: { seq: number; sessionId: string }) {
  const event = createAsync(() => getEvent(props.seq));
  return <Show when={event()}>{(e) => <EventBody event={e()} sessionId={props.sessionId} />}</Show>;
}

function EventBody(props: { event: FullEvent; sessionId: string }) {
  const [showAll, setShowAll] = createSignal(false);
  const json = createMemo(() => JSON.stringify(props.event.payload, null, 2) ?? "null");
  const shown = () => (showAll() || json().length <= PREVIEW_CHARS ? json() : `${json().slice(0, PREVIEW_CHARS)}\n…`);
  const rows = (): [string, string | number | null][] => {
    const e = props.event;
    return [
      ["Type", e.type],
      ["Hook event", e.hookEventType],
      ["Agent", e.agentId],
      ["Tool", e.toolName],
      ["File", e.filePath],
      ["Status", e.status],
      ["Summary", e.summary],
      ["Received", formatDateTime(e.receivedAt)],
      ["Client time", e.clientTs === null ? null : formatDateTime(e.clientTs)],
      ["Cost", e.costUsd === null ? null : formatCost(e.costUsd)],
      ["Tokens in / out", e.inputTokens === null && e.outputTokens === null ? null : `${e.inputTokens ?? 0} / ${e.outputTokens ?? 0}`],
      ["Task", e.taskId],
      ["Command", e.commandId],
      ["Source", `${e.source} (schema v${e.schemaVersion})`],
      ["Event id", e.eventId],
      ["Payload size", formatBytes(e.payloadSize)],
    ];
  };
  return (
    <div class="inspector-body">
      <Show when={props.event.sessionId !== props.sessionId}>
        <p class="notice">This event belongs to another session ({props.event.sessionId}).</p>
      </Show>
      <dl class="fields">
        {rows()
          .filter(([, value]) => value !== null && value !== "")
          .map(([label, value]) => (
            <>
              <dt>{label}</dt>
              <dd>{String(value)}</dd>
            </>
          ))}
      </dl>
      <div class="payload-head">
        <h3 class="section-title small">Payload</h3>
        <button type="button" class="button small ghost" onClick={() => void navigator.clipboard?.writeText(json())}>
          Copy JSON
        </button>
      </div>
      <pre class="payload" tabindex="0" aria-label="Event payload as JSON">
        {shown()}
      </pre>
      <Show when={!showAll() && json().length > PREVIEW_CHARS}>
        <button type="button" class="button small" onClick={() => setShowAll(true)}>
          Show the whole payload ({formatBytes(json().length)})
        </button>
      </Show>
    </div>
  );
}
