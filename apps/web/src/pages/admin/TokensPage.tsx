import { createAsync, useAction, useSubmission } from "@solidjs/router";
import { ROLES, type Role } from "@rozet/vocabulary";
import { ErrorBoundary, For, Show, Suspense, createSignal } from "solid-js";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { errorMessage } from "../../lib/errors.ts";
import { formatDateTime } from "../../lib/format.ts";
import { createToken, getTokens, revokeToken } from "./admin.data.ts";
import { DataTable } from "../../components/DataTable.tsx";

/** `/tokens` (admins): named tokens with their roles; create one (its secret shown once) or revoke one. */
const TOKEN_COLUMNS = [{ label: "Name" }, { label: "Role" }, { label: "Created" }, { label: "Status" }, { label: "Actions", hidden: true }];

export function TokensPage() {
  return (
    <div class="page admin-page">
      <div class="page-head">
        <h1>Tokens</h1>
      </div>
      <CreateTokenForm />
      <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Tokens" />}>
        <Suspense fallback={<p class="muted">Loading tokens…</p>}>
          <TokenTable />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}

function CreateTokenForm() {
  const [name, setName] = createSignal("");
  const [role, setRole] = createSignal<Role>("viewer");
  const create = useAction(createToken);
  const submission = useSubmission(createToken);
  const [copied, setCopied] = createSignal(false);
  return (
    <section class="card" aria-labelledby="create-token-title">
      <h2 id="create-token-title" class="card-title">
        New token
      </h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setCopied(false);
          create({ name: name().trim(), role: role() })
            .then(() => setName(""))
            .catch(() => undefined); // shown below from the submission
        }}
      >
        <label for="token-name">Name</label>
        <input id="token-name" required maxlength="64" autocomplete="off" placeholder="e.g. ci-dashboard" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="token-role">Role</label>
        <select id="token-role" value={role()} onChange={(e) => setRole(ROLES.find((r) => r === e.currentTarget.value) ?? "viewer")}>
          <For each={ROLES}>{(r) => <option value={r}>{r}</option>}</For>
        </select>
        <button type="submit" class="button primary" disabled={submission.pending}>
          {submission.pending ? "Creating…" : "Create token"}
        </button>
      </form>
      <Show when={submission.error as unknown}>
        <p class="field-error" role="alert">
          {errorMessage(submission.error)}
        </p>
      </Show>
      <Show when={submission.result}>
        {(created) => (
          <div class="notice token-secret" role="status">
            <p>
              Secret of <strong>{created().token.name}</strong> ({created().token.role}). Copy it now: it is not shown again.
            </p>
            <code class="secret" data-testid="token-secret">
              {created().secret}
            </code>{" "}
            <button
              type="button"
              class="button small"
              onClick={() => {
                navigator.clipboard.writeText(created().secret).then(() => setCopied(true), () => setCopied(false));
              }}
            >
              {copied() ? "Copied" : "Copy"}
            </button>
            <button type="button" class="button small ghost" onClick={() => submission.clear?.()}>
              Done
            </button>
          </div>
        )}
      </Show>
    </section>
  );
}

function TokenTable() {
  const tokens = createAsync(() => getTokens());
  const revoke = useAction(revokeToken);
  const [failure, setFailure] = createSignal<string | null>(null);
  return (
    <Show when={tokens()}>
      {(list) => (
        <section aria-labelledby="token-list-title">
          <h2 id="token-list-title" class="visually-hidden">
            Every token
          </h2>
          <Show when={failure()}>
            <p class="field-error" role="alert">
              {failure()}
            </p>
          </Show>
          <Show when={list().length > 0} fallback={<p class="muted">No named tokens yet.</p>}>
            <DataTable columns={TOKEN_COLUMNS}>
                <For each={list()}>
                  {(token) => (
                    <tr data-token={token.name}>
                      <td>{token.name}</td>
                      <td>{token.role}</td>
                      <td>{formatDateTime(token.createdAt)}</td>
                      <td>{token.revokedAt ? `revoked ${formatDateTime(token.revokedAt)}` : "active"}</td>
                      <td class="actions">
                        <Show when={!token.revokedAt}>
                          <button
                            type="button"
                            class="button small danger"
                            onClick={() => {
                              setFailure(null);
                              revoke(token.id).catch((err: unknown) => setFailure(`Could not revoke ${token.name}: ${errorMessage(err)}`));
                            }}
                          >
                            Revoke<span class="visually-hidden"> {token.name}</span>
                          </button>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
            </DataTable>
          </Show>
        </section>
      )}
    </Show>
  );
}
