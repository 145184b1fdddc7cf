import { createAsync, useSearchParams } from "@solidjs/router";
import { ErrorBoundary, For, Show, Suspense } from "solid-js";
import { ErrorNotice } from "../../components/ErrorNotice.tsx";
import { formatDateTime } from "../../lib/format.ts";
import { getAudit } from "./admin.data.ts";
import { DataTable } from "../../components/DataTable.tsx";

type AuditSearch = { token?: string; procedure?: string; result?: string };

/** `/audit` (admins): every state-changing call, newest first; filters live in the URL so a view can be shared. */
export function AuditPage() {
  const [search, setSearch] = useSearchParams<AuditSearch>();
  const filter = () => ({ token: search.token || undefined, procedure: search.procedure || undefined, result: search.result || undefined });
  const field = (key: keyof AuditSearch, label: string, placeholder: string) => (
    <>
      <label for={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        autocomplete="off"
        placeholder={placeholder}
        value={search[key] ?? ""}
        onChange={(e) => setSearch({ [key]: e.currentTarget.value.trim() || undefined }, { replace: true })}
      />
    </>
  );
  return (
    <div class="page admin-page">
      <div class="page-head">
        <h1>Audit log</h1>
      </div>
      <form class="inline-form" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        {field("token", "Token", "name")}
        {field("procedure", "Procedure", "e.g. agent. or token.create")}
        {field("result", "Result", "ok, error or a code")}
      </form>
      <ErrorBoundary fallback={(error: unknown, reset) => <ErrorNotice error={error} retry={reset} title="Audit log" />}>
        <Suspense fallback={<p class="muted">Loading the audit log…</p>}>
          <AuditTable filter={filter()} />
        </Suspense>
      </ErrorBoundary>
    </div>
  );
}

const AUDIT_COLUMNS = ["When", "Token", "Procedure", "Target", "Result", "Client"].map((label) => ({ label }));

function AuditTable(props: { filter: Parameters<typeof getAudit>[0] }) {
  const entries = createAsync(() => getAudit(props.filter));
  return (
    <Show when={entries()}>
      {(list) => (
        <Show when={list().length > 0} fallback={<p class="muted">Nothing recorded matches.</p>}>
          <DataTable class="audit-table" columns={AUDIT_COLUMNS}>
              <For each={list()}>
                {(entry) => (
                  <tr>
                    <td>
                      <time datetime={entry.at}>{formatDateTime(entry.at)}</time>
                    </td>
                    <td>{entry.token ?? "—"}{entry.role ? <span class="muted small"> ({entry.role})</span> : null}</td>
                    <td>
                      <code>{entry.procedure}</code>
                    </td>
                    <td>{entry.target ?? ""}</td>
                    <td>{entry.result}</td>
                    <td class="muted small">{entry.client}</td>
                  </tr>
                )}
              </For>
          </DataTable>
        </Show>
      )}
    </Show>
  );
}
