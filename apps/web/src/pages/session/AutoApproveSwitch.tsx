import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { Show, createUniqueId } from "solid-js";
import { errorMessage } from "../../lib/errors.ts";
import { useToasts } from "../../providers/toasts.tsx";
import { getSession, updateSession } from "./session.data.ts";

/**
 * The session's `autoApprovePlans` as a switch (session.update). It is read at each valid proposal, so it changes
 * what is proposed from now on; drafts already waiting stay drafts. The session is live (its control update
 * re-reads it), so a change made elsewhere shows here too.
 */
export function AutoApproveSwitch(props: { sessionId: string }) {
  const session = createAsync(() => getSession(props.sessionId));
  const update = useAction(updateSession);
  const submission = useSubmission(updateSession);
  const toasts = useToasts();
  const hintId = createUniqueId();
  // While the change is on its way the switch shows where it goes, not where it was.
  const checked = () => (submission.pending && submission.input ? submission.input[0].autoApprovePlans : (session()?.autoApprovePlans ?? false));
  return (
    <Show when={session()}>
      <label class="plan-auto-approve">
        <input
          type="checkbox"
          role="switch"
          checked={checked()}
          disabled={submission.pending}
          aria-describedby={hintId}
          onChange={(e) => {
            const box = e.currentTarget;
            const next = box.checked;
            update({ id: props.sessionId, autoApprovePlans: next }).catch((err: unknown) => {
              box.checked = !next;
              toasts.push({ tone: "error", title: "Could not change plan approval", body: errorMessage(err) });
            });
          }}
        />
        <span>Approve plans by themselves</span>
        <span id={hintId} class="small muted">
          {checked() ? "On: plans proposed from now on run without approval." : "Off: each proposed plan waits for your approval."}
        </span>
      </label>
    </Show>
  );
}
