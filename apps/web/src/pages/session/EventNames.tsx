import { A, createAsync } from "@solidjs/router";
import { Show, type JSX } from "solid-js";
import type { FullEvent } from "../../api/types.ts";
import { agentHref, commandHref, commandStatusLabel, commandTitle, actorText, nameOr, permissionAnswerText, planHref, ruleHref, taskHref } from "../../lib/names.ts";
import { getRules } from "../permissions/permissions.data.ts";
import { getPlan } from "./plans.data.ts";
import { getAgents, getCommand, getTask } from "./session.data.ts";

/** Reads a name without letting a failed lookup take the inspector down: the id (shortened) stands in. */
function safely<T>(read: Promise<T>): Promise<T | null> {
  return read.catch(() => null);
}

function Row(props: { label: string; children: JSX.Element }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </>
  );
}

/**
 * The inspector's Agent, Task, Command and "Answered" rows: names instead of ids (agent name, task title, command
 * text, rule description), each a link to where it lives. Rendered inside the Details list (`<dl>`).
 */
export function EventNameRows(props: { event: FullEvent }) {
  const sessionId = () => props.event.sessionId;
  const agents = createAsync(() => (props.event.agentId ? safely(getAgents(sessionId())) : Promise.resolve(null)));
  const task = createAsync(() => (props.event.taskId ? safely(getTask(props.event.taskId)) : Promise.resolve(null)));
  const command = createAsync(() => (props.event.commandId ? safely(getCommand(props.event.commandId)) : Promise.resolve(null)));
  const answeredBy = () => {
    const payload = props.event.payload as Record<string, unknown> | null;
    return props.event.type === "permission.answered" && typeof payload?.answeredBy === "string" ? payload.answeredBy : null;
  };
  // plan.* events name their plan in the payload.
  const planId = () => {
    const payload = props.event.payload as Record<string, unknown> | null;
    return props.event.type.startsWith("plan.") && typeof payload?.planId === "string" ? payload.planId : null;
  };
  const plan = createAsync(() => {
    const id = planId();
    return id ? safely(getPlan(id)) : Promise.resolve(null);
  });
  const rules = createAsync(() => (answeredBy()?.startsWith("rule:") ? safely(getRules(sessionId())) : Promise.resolve(null)));
  const answer = () => {
    const by = answeredBy();
    return by ? permissionAnswerText(props.event.status ?? "answered", by, rules() ?? []) : null;
  };
  return (
    <>
      <Show when={props.event.agentId}>
        {(agentId) => (
          <Row label="Agent">
            <A href={agentHref(sessionId(), agentId())} title="Show this agent's events" data-ref="agent">
              {nameOr(agents()?.find((a) => a.id === agentId())?.name, agentId())}
            </A>
          </Row>
        )}
      </Show>
      <Show when={props.event.taskId}>
        {(taskId) => (
          <Row label="Task">
            <A href={taskHref(sessionId(), taskId())} title="Show the task on the tasks board" data-ref="task">
              {nameOr(task()?.title, taskId())}
            </A>
          </Row>
        )}
      </Show>
      <Show when={planId()}>
        {(id) => (
          <Row label="Plan">
            <A href={planHref(sessionId(), id())} title="Open the plan" data-ref="plan">
              {nameOr(plan()?.goal.slice(0, 160), id())}
            </A>
          </Row>
        )}
      </Show>
      <Show when={props.event.commandId}>
        {(commandId) => (
          <Row label="Command">
            <A href={commandHref(sessionId(), commandId())} title="Open the command's run log" data-ref="command">
              {command() ? commandTitle(command()!) : nameOr(null, commandId())}
            </A>
            <Show when={command()}>{(c) => <span class="muted small"> · {commandStatusLabel(c())}</span>}</Show>
          </Row>
        )}
      </Show>
      <Show when={command()?.issuedBy}>{(by) => <Row label="Issued by">{actorText(by())}</Row>}</Show>
      <Show when={answer()}>
        {(a) => (
          <Row label="Answered">
            <Show when={a().ruleId} fallback={a().text}>
              {(ruleId) => (
                <A href={ruleHref(sessionId(), ruleId())} title="Show the rule on the permissions page" data-ref="rule">
                  {a().text}
                </A>
              )}
            </Show>
          </Row>
        )}
      </Show>
    </>
  );
}
