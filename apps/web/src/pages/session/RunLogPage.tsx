import { A, createAsync, useParams } from "@solidjs/router";
import { Show, untrack } from "solid-js";
import { AnsiInline } from "../../components/AnsiText.tsx";
import { LogView } from "../../components/LogView.tsx";
import { formatDateTime } from "../../lib/format.ts";
import { agentHref, commandStatusLabel, actorText, commandTitle, taskHref } from "../../lib/names.ts";
import { createRunLog } from "../../state/run-log-store.ts";
import { getSession, getTask } from "./session.data.ts";

/** `/sessions/:id/commands/:commandId`: one command's run log on its own page (a link to share). */
export function RunLogPage() {
  const params = useParams();
  return (
    <div class="page run-log-page">
      <Show when={params.commandId} keyed>
        {(commandId) => <RunLog sessionId={params.id ?? ""} commandId={commandId} />}
      </Show>
    </div>
  );
}

function RunLog(props: { sessionId: string; commandId: string }) {
  // Keyed by the route (see RunLogPage): another command id mounts a new log.
  const log = createRunLog(untrack(() => props.commandId));
  const session = createAsync(() => getSession(props.sessionId).catch(() => null));
  const task = createAsync(() => {
    const taskId = log.command()?.taskId;
    return taskId ? getTask(taskId).catch(() => null) : Promise.resolve(null);
  });
  const sessionHref = () => `/sessions/${encodeURIComponent(props.sessionId)}`;
  return (
    <>
      <div class="page-head">
        <p class="crumbs">
          <A href="/">Sessions</A> <span aria-hidden="true">/</span> <A href={sessionHref()}>{session()?.name ?? "Session"}</A> <span aria-hidden="true">/</span>
        </p>
        <h1>Run log</h1>
      </div>
      <Show when={log.command()}>
        {(command) => (
          <header class="run-log-head">
            <p class="run-log-command">
              <span class="pill" data-status={commandStatusLabel(command())}>
                {commandStatusLabel(command())}
              </span>{" "}
              <code>{commandTitle(command())}</code>
            </p>
            <dl class="fields">
              <dt>Agent</dt>
              <dd>
                <A href={agentHref(command().sessionId, command().agentId)}>{command().agentName}</A>
              </dd>
              <Show when={command().taskId}>
                {(taskId) => (
                  <>
                    <dt>Task</dt>
                    <dd>
                      <A href={taskHref(command().sessionId, taskId())}>{task()?.title ?? "task"}</A>
                    </dd>
                  </>
                )}
              </Show>
              <Show when={command().issuedBy}>
                {(by) => (
                  <>
                    <dt>Issued by</dt>
                    <dd>{actorText(by())}</dd>
                  </>
                )}
              </Show>
              <dt>Sent</dt>
              <dd>{formatDateTime(command().createdAt)}</dd>
              <Show when={command().finishedAt}>
                <dt>Finished</dt>
                <dd>{formatDateTime(command().finishedAt)}</dd>
              </Show>
              <Show when={command().error}>
                {(error) => (
                  <>
                    <dt>Reason</dt>
                    <dd>
                      <AnsiInline text={error()} />
                    </dd>
                  </>
                )}
              </Show>
            </dl>
          </header>
        )}
      </Show>
      <LogView log={log} />
    </>
  );
}
