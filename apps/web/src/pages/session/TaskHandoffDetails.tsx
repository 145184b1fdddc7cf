import { readPayload } from "@rozet/vocabulary";
import { For, Match, Show, Switch } from "solid-js";
import type { FullEvent } from "../../api/types.ts";
import { formatBytes } from "../../lib/format.ts";
import { MergeConflictDetails } from "./MergeConflictPanel.tsx";
import "./tasks.css";

const okPayload = <T,>(read: { ok: true; payload: T } | { ok: false; error: string }): T | null => (read.ok ? read.payload : null);

/**
 * The inspector's readable view of what a task was handed (`task.handoff`: per dependency its summary, files with
 * diff sizes and what the size guard cut, artifacts; the merges) and of a stopped merge (`task.merge_conflict`).
 * Other events show nothing here.
 */
export function TaskHandoffDetails(props: { event: FullEvent }) {
  // A payload that does not read as its type (an old row) shows only in the generic payload view below.
  const handoff = () => (props.event.type === "task.handoff" ? okPayload(readPayload("task.handoff", props.event.payload)) : null);
  const conflict = () => (props.event.type === "task.merge_conflict" ? okPayload(readPayload("task.merge_conflict", props.event.payload)) : null);
  return (
    <Switch>
      <Match when={handoff()}>
        {(payload) => {
          return (
            <section class="handoff" aria-label="What the task was handed">
              <h3 class="section-title small">Handed over</h3>
              <p class="small">
                {formatBytes(payload().textBytes)} of context {payload().delivered ? "put before the task's prompt" : "recorded only (a shell agent's prompt is a command line)"}
                {payload().truncated ? " · cut by the size guard" : ""} · limits {formatBytes(payload().limits.perDependencyBytes)} per dependency,{" "}
                {formatBytes(payload().limits.totalBytes)} in all
              </p>
              <Show when={payload().merged.length > 0}>
                <p class="small">
                  Merged into its worktree:{" "}
                  {payload()
                    .merged.map((m) => `“${m.title}” ${m.commit.slice(0, 12)}${m.outcome === "up-to-date" ? " (already there)" : ""}`)
                    .join(", ")}
                </p>
              </Show>
              <For each={payload().dependencies}>
                {(dep) => (
                  <div class="handoff-dependency">
                    <p class="small">
                      <strong>“{dep.title}”</strong> ({dep.status}
                      {dep.branch ? <>, <code>{dep.branch}</code></> : null}
                      {dep.commit ? <> at <code>{dep.commit.slice(0, 12)}</code></> : null}) · summary {formatBytes(dep.summaryBytes)}
                      {dep.summaryTruncated ? " (cut)" : ""} · diffs {formatBytes(dep.shownBytes)} of {formatBytes(dep.diffBytes)} shown
                      {dep.truncated ? <span class="pill" data-status="blocked">cut</span> : null}
                    </p>
                    <Show when={dep.filesNote}>{(note) => <p class="small muted">No file list: {note()}</p>}</Show>
                    <Show when={dep.files.length > 0}>
                      <table class="handoff-files small">
                        <thead>
                          <tr>
                            <th scope="col">File</th>
                            <th scope="col">Change</th>
                            <th scope="col">Diff shown</th>
                          </tr>
                        </thead>
                        <tbody>
                          <For each={dep.files}>
                            {(file) => (
                              <tr>
                                <td>
                                  <code>{file.path}</code>
                                </td>
                                <td>{file.status}</td>
                                <td>
                                  {file.diffBytes === null
                                    ? "left out (size guard)"
                                    : file.shownBytes < file.diffBytes
                                      ? `${formatBytes(file.shownBytes)} of ${formatBytes(file.diffBytes)} (cut)`
                                      : formatBytes(file.diffBytes)}
                                </td>
                              </tr>
                            )}
                          </For>
                        </tbody>
                      </table>
                    </Show>
                    <Show when={dep.artifacts.length > 0}>
                      <p class="small">Artifacts: {dep.artifacts.map((a) => `${a.name} (${a.path})`).join(", ")}</p>
                    </Show>
                  </div>
                )}
              </For>
            </section>
          );
        }}
      </Match>
      <Match when={conflict()}>
        {(payload) => (
          <section class="handoff" aria-label="The merge that stopped">
            <h3 class="section-title small">Merge conflict</h3>
            <MergeConflictDetails conflict={payload()} />
          </section>
        )}
      </Match>
    </Switch>
  );
}
