import { useAction, useSubmission } from "@solidjs/router";
import { For, Show } from "solid-js";
import type { Task } from "../../api/types.ts";
import { errorMessage } from "../../lib/errors.ts";
import { useAccess } from "../../providers/access.tsx";
import { useToasts } from "../../providers/toasts.tsx";
import { resolveTaskConflict } from "./session.data.ts";

type Conflict = NonNullable<Task["mergeConflict"]>;

/** What stopped the merge: the dependency, where (to fix by hand), the files and their conflict-marked regions. */
export function MergeConflictDetails(props: { conflict: Omit<Conflict, "resolution"> }) {
  return (
    <div class="merge-conflict">
      <p class="small">
        Merging <strong>“{props.conflict.dependencyTitle}”</strong> (<code>{props.conflict.commit.slice(0, 12)}</code>
        {props.conflict.branch ? <>, <code>{props.conflict.branch}</code></> : null}) stopped
        {props.conflict.files.length > 0 ? ` with conflicts in ${props.conflict.files.length} ${props.conflict.files.length === 1 ? "file" : "files"}` : ""}.
      </p>
      <p class="small">
        Worktree: <code class="merge-path">{props.conflict.path}</code>
      </p>
      <Show when={props.conflict.reason}>{(reason) => <pre class="payload small">{reason()}</pre>}</Show>
      <For each={props.conflict.hunks}>
        {(hunk) => (
          <details class="merge-hunk">
            <summary>
              <code>{hunk.path}</code>
              {hunk.truncated ? <span class="muted"> (clipped)</span> : null}
            </summary>
            <pre class="payload small" tabindex="0" aria-label={`Conflict in ${hunk.path}`}>
              {hunk.text}
            </pre>
          </details>
        )}
      </For>
      <Show when={props.conflict.merged.length > 0}>
        <p class="small muted">Merged before it: {props.conflict.merged.map((m) => `“${m.title}”`).join(", ")}</p>
      </Show>
    </div>
  );
}

/** On a task card stopped on a merge conflict: the conflict and the three answers the operator can give. */
export function MergeConflictPanel(props: { task: Task; sessionId: string; conflict: Conflict }) {
  const access = useAccess();
  const resolve = useAction(resolveTaskConflict);
  const submission = useSubmission(resolveTaskConflict, ([input]) => input.taskId === props.task.id);
  const toasts = useToasts();
  const answer = (resolution: "resolved" | "agent" | "cancel") => {
    const title = `Could not answer the conflict of “${props.task.title}”`;
    resolve({ sessionId: props.sessionId, taskId: props.task.id, resolution }).catch((err: unknown) => toasts.push({ tone: "error", title, body: errorMessage(err) }));
  };
  return (
    <section class="merge-conflict-panel" aria-label={`Merge conflict of ${props.task.title}`}>
      <MergeConflictDetails conflict={props.conflict} />
      <Show when={props.conflict.resolution === "agent"}>
        <p class="small muted">Handed to its agent: the next turn resolves it first.</p>
      </Show>
      <Show when={access.canOperate() && props.task.status === "blocked" && !props.conflict.resolution}>
        <p class="small muted">Fix the files in the worktree and <code>git add</code> them, then mark it resolved — or hand it to the agent.</p>
        <div class="task-actions">
          <button type="button" class="button small primary" disabled={submission.pending} onClick={() => answer("resolved")}>
            Mark resolved and start
          </button>
          <button type="button" class="button small" disabled={submission.pending} onClick={() => answer("agent")}>
            Hand to the agent
          </button>
          <button type="button" class="button small danger" disabled={submission.pending} onClick={() => answer("cancel")}>
            Abort merge and cancel
          </button>
        </div>
      </Show>
    </section>
  );
}
