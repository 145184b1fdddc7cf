import { A, createAsync, useLocation, useNavigate, useParams } from "@solidjs/router";
import { ErrorBoundary, For, Match, Show, Suspense, Switch, createEffect, createMemo, createSignal, on, onCleanup } from "solid-js";
import type { FullEvent } from "../../api/types.ts";
import { AnsiInline, AnsiText } from "../../components/AnsiText.tsx";
import { DiffView } from "../../components/DiffView.tsx";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { LogView } from "../../components/LogView.tsx";
import { Tabs } from "../../components/Tabs.tsx";
import { formatBytes, formatCost, formatDateTime } from "../../lib/format.ts";
import { eventLogs } from "../../lib/event-logs.ts";
import { commandHref } from "../../lib/names.ts";
import { payloadPatch, proposedChanges } from "../../lib/tool-diff.ts";
import { createRunLog } from "../../state/run-log-store.ts";
import { EventNameRows } from "./EventNames.tsx";
import { getEvent } from "./session.data.ts";
import { TaskHandoffDetails } from "./TaskHandoffDetails.tsx";

/** Payloads run to megabytes (Stop events carry transcripts); render this much until asked for the rest. */
const PREVIEW_CHARS = 100_000;

type InspectorTab = "details" | "files" | "logs" | "run";
/** The tab the operator last chose; kept while they move from event to event when the next one has it too. */
const [preferredTab, setPreferredTab] = createSignal<InspectorTab | null>(null);

/** The side panel for `/sessions/:id/events/:seq`. */
export function EventInspector() {
  const params = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const closeHref = () => `/sessions/${encodeURIComponent(params.id ?? "")}${location.search}`;
  // Escape closes the panel (unless focus is in a form field, where Escape belongs to the field).
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    if ((e.target as HTMLElement | null)?.closest("input, select, textarea, dialog")) return;
    navigate(closeHref());
  };
  window.addEventListener("keydown", onKey);
  onCleanup(() => window.removeEventListener("keydown", onKey));
  return <InspectorPanel seq={Number(params.seq)} rawSeq={params.seq ?? ""} sessionId={params.id ?? ""} closeHref={closeHref()} />;
}

/** The inspector itself: Details, Files and Logs of one event (`event.get`). The replay uses it too. */
export function InspectorPanel(props: { seq: number; rawSeq?: string; sessionId: string; closeHref?: string; title?: string }) {
  return (
    <aside class="inspector" aria-labelledby="inspector-title">
      <div class="inspector-head">
        <h2 id="inspector-title" class="section-title" tabindex="-1">
          {props.title ?? `Event #${props.rawSeq ?? props.seq}`}
        </h2>
        <Show when={props.closeHref}>
          {(href) => (
            <A href={href()} class="button small ghost" aria-label="Close the inspector">
              Close ✕
            </A>
          )}
        </Show>
      </div>
      <Show when={Number.isSafeInteger(props.seq) && props.seq >= 0} fallback={<p class="notice error">“{props.rawSeq}” is not an event number.</p>}>
        <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Could not load the event" />}>
          <Suspense fallback={<p class="muted pad">Loading event…</p>}>
            <EventDetails seq={props.seq} sessionId={props.sessionId} />
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

const str = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/** The diffs an event shows in Files: a recorded change (`file.changed`) or one a tool call proposes. */
function fileChangesOf(event: FullEvent) {
  const payload = (event.payload ?? {}) as Record<string, unknown>;
  if (event.type === "file.changed") {
    const { patch, reason, added, removed } = payloadPatch(payload);
    return [{ path: str(payload.path) ?? event.filePath ?? "file", patch, note: patch ? null : `No diff recorded${reason ? `: ${reason}` : ""}${added !== null ? ` (+${added} −${removed ?? 0})` : ""}` }];
  }
  if (event.type === "tool.started" || event.type === "permission.requested") {
    const changes = proposedChanges(event.toolName ?? str(payload.toolName), payload.input ?? payload.tool_input);
    return changes?.map((c) => ({ path: c.path, patch: c.patch, note: `Proposed by the tool call${c.note ? ` · ${c.note}` : ""}` })) ?? [];
  }
  return [];
}

function EventBody(props: { event: FullEvent; sessionId: string }) {
  const files = createMemo(() => fileChangesOf(props.event));
  const logs = createMemo(() => eventLogs(props.event.type, props.event.payload));
  const available = createMemo<InspectorTab[]>(() => [
    "details",
    ...(files().length ? (["files"] as const) : []),
    ...(logs().length ? (["logs"] as const) : []),
    ...(props.event.commandId ? (["run"] as const) : []),
  ]);
  const [tab, setTab] = createSignal<InspectorTab>("details");
  // A new event opens on the tab the operator last chose if it has one, else on its most telling tab.
  createEffect(
    on(
      () => props.event.seq,
      () => {
        const preferred = preferredTab();
        const has = available();
        setTab(preferred && has.includes(preferred) ? preferred : has.includes("files") ? "files" : has.includes("logs") ? "logs" : "details");
      },
    ),
  );
  const tabs = () => [
    { id: "details" as const, label: "Details" },
    { id: "files" as const, label: "Files", badge: files().length ? String(files().length) : undefined },
    { id: "logs" as const, label: "Logs", badge: logs().length ? String(logs().length) : undefined },
    ...(props.event.commandId ? [{ id: "run" as const, label: "Run log" }] : []),
  ];
  return (
    <div class="inspector-body">
      <Show when={props.event.sessionId !== props.sessionId}>
        <p class="notice">This event belongs to another session ({props.event.sessionId}).</p>
      </Show>
      <Tabs
        tabs={tabs()}
        selected={tab()}
        label="Event details"
        onSelect={(id) => {
          setTab(id);
          setPreferredTab(id);
        }}
      >
        <Switch>
          <Match when={tab() === "details"}>
            <TaskHandoffDetails event={props.event} />
            <DetailsTab event={props.event} />
          </Match>
          <Match when={tab() === "files"}>
            <Show when={files().length > 0} fallback={<p class="muted">This event changed no files.</p>}>
              <For each={files()}>
                {(file) => (
                  <div class="file-change">
                    <p class="small">
                      <code>{file.path}</code>
                      <Show when={file.note}>
                        <span class="muted"> · {file.note}</span>
                      </Show>
                    </p>
                    <Show when={file.patch}>{(patch) => <DiffView patch={patch()} label={`Diff of ${file.path}`} />}</Show>
                  </div>
                )}
              </For>
            </Show>
          </Match>
          <Match when={tab() === "run" && props.event.commandId}>
            {(commandId) => <InspectorRunLog commandId={commandId()} sessionId={props.event.sessionId} seq={props.event.seq} />}
          </Match>
          <Match when={tab() === "logs"}>
            <Show when={logs().length > 0} fallback={<p class="muted">This event carries no output.</p>}>
              <For each={logs()}>
                {(log) => (
                  <div class="log-block">
                    <div class="payload-head">
                      <h3 class="section-title small">{log.label}</h3>
                      <button type="button" class="button small ghost" onClick={() => void navigator.clipboard?.writeText(log.text)}>
                        Copy
                      </button>
                    </div>
                    <AnsiText text={log.text} label={`${log.label} of event ${props.event.seq}`} />
                  </div>
                )}
              </For>
            </Show>
          </Match>
        </Switch>
      </Tabs>
    </div>
  );
}

/** The whole run log of the event's command, opened at this event, with a link to it as a page of its own. */
function InspectorRunLog(props: { commandId: string; sessionId: string; seq: number }) {
  return (
    <Show when={props.commandId} keyed>
      {(commandId) => {
        const log = createRunLog(commandId);
        return (
          <>
            <p class="small">
              <A href={commandHref(props.sessionId, commandId)}>Open the run log as a page ↗</A>
            </p>
            <LogView log={log} focusSeq={props.seq} />
          </>
        );
      }}
    </Show>
  );
}

function DetailsTab(props: { event: FullEvent }) {
  const [showAll, setShowAll] = createSignal(false);
  const [raw, setRaw] = createSignal(false);
  const json = createMemo(() => JSON.stringify(props.event.payload, null, 2) ?? "null");
  const shown = () => (showAll() || json().length <= PREVIEW_CHARS ? json() : `${json().slice(0, PREVIEW_CHARS)}\n…`);
  const rows = (): [string, string | number | null][] => {
    const e = props.event;
    return [
      ["Type", e.type],
      ["Hook event", e.hookEventType],
      ["Tool", e.toolName],
      ["File", e.filePath],
      ["Status", e.status],
      ["Summary", e.summary],
      ["Received", formatDateTime(e.receivedAt)],
      ["Client time", e.clientTs === null ? null : formatDateTime(e.clientTs)],
      ["Cost", e.costUsd === null ? null : formatCost(e.costUsd)],
      ["Tokens in / out", e.inputTokens === null && e.outputTokens === null ? null : `${e.inputTokens ?? 0} / ${e.outputTokens ?? 0}`],
      ["Source", `${e.source} (schema v${e.schemaVersion})`],
      ["Event id", e.eventId],
      ["Seq", e.seq],
      ["Payload size", formatBytes(e.payloadSize)],
    ];
  };
  /** Top-level payload fields, each shown whole (strings as text, the rest as JSON), except `raw`. */
  const structured = createMemo(() => {
    const payload = props.event.payload;
    if (!payload || typeof payload !== "object" || Array.isArray(payload) || json().length > PREVIEW_CHARS) return null;
    return Object.entries(payload as Record<string, unknown>).filter(([key]) => key !== "raw");
  });
  const copy = (text: string) => void navigator.clipboard?.writeText(text);
  return (
    <>
      <dl class="fields">
        <For each={rows().filter(([, value]) => value !== null && value !== "")}>
          {([label, value]) => (
            <>
              <dt>{label}</dt>
              <dd>{typeof value === "string" ? <AnsiInline text={value} /> : String(value)}</dd>
            </>
          )}
        </For>
        <EventNameRows event={props.event} />
      </dl>
      <div class="payload-head">
        <h3 class="section-title small">Payload</h3>
        <span class="spacer" />
        <Show when={structured()}>
          <button type="button" class="button small ghost" aria-pressed={raw()} onClick={() => setRaw(!raw())}>
            Raw JSON
          </button>
        </Show>
        <button type="button" class="button small ghost" onClick={() => copy(json())}>
          Copy payload
        </button>
        <button type="button" class="button small ghost" onClick={() => copy(JSON.stringify(props.event, null, 2))}>
          Copy event
        </button>
      </div>
      <Show
        when={!raw() && structured()}
        fallback={
          <>
            <pre class="payload" tabindex="0" aria-label="Event payload as JSON">
              {shown()}
            </pre>
            <Show when={!showAll() && json().length > PREVIEW_CHARS}>
              <button type="button" class="button small" onClick={() => setShowAll(true)}>
                Show the whole payload ({formatBytes(json().length)})
              </button>
            </Show>
          </>
        }
      >
        {(entries) => (
          <dl class="fields payload-fields">
            <For each={entries()}>
              {([key, value]) => (
                <>
                  <dt>{key}</dt>
                  <dd>
                    <Show
                      when={value === null || typeof value !== "object" ? !(typeof value === "string" && value.includes("\n")) : false}
                      fallback={typeof value === "string" ? <AnsiText text={value} label={key} /> : <pre class="payload small">{JSON.stringify(value, null, 2)}</pre>}
                    >
                      {value === null ? <span class="muted">null</span> : typeof value === "string" ? <AnsiInline text={value} /> : JSON.stringify(value)}
                    </Show>
                  </dd>
                </>
              )}
            </For>
            <Show when={(props.event.payload as Record<string, unknown>).raw !== undefined}>
              <dt>raw</dt>
              <dd>
                <details>
                  <summary>The agent's own message</summary>
                  <pre class="payload small">{JSON.stringify((props.event.payload as Record<string, unknown>).raw, null, 2)}</pre>
                </details>
              </dd>
            </Show>
          </dl>
        )}
      </Show>
    </>
  );
}
