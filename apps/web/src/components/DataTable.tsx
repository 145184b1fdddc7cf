import { For, Show, type JSX } from "solid-js";

export interface DataColumn {
  label: string;
  /** Right-aligned figures. */
  numeric?: boolean;
  /** Named for screen readers only (e.g. an actions column). */
  hidden?: boolean;
}

/** A horizontally scrollable table with one header row; the rows are the caller's. */
export function DataTable(props: { class?: string; caption?: string; columns: readonly DataColumn[]; children: JSX.Element }) {
  return (
    <div class="table-wrap">
      <table class={props.class ? `table ${props.class}` : "table"}>
        <Show when={props.caption}>
          <caption class="visually-hidden">{props.caption}</caption>
        </Show>
        <thead>
          <tr>
            <For each={props.columns}>
              {(column) => (
                <th scope="col" class={column.numeric ? "num" : undefined}>
                  {column.hidden ? <span class="visually-hidden">{column.label}</span> : column.label}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
