/**
 * The change a file tool would make, computed in the browser from the tool's input: a permission request for
 * Write/Edit shows its diff before the operator allows it. The browser cannot read the file, so an Edit is
 * shown as the replaced text only (line numbers relative to it) and a Write as new content.
 */
import { readPayload } from "@rozet/vocabulary";
import { FILE_HEADERS_ONLY, createTwoFilesPatch } from "diff";

export interface ProposedChange {
  path: string;
  kind: "create" | "edit";
  /** Unified diff with `---`/`+++` headers, or null when the input was too large to diff (see `note`). */
  patch: string | null;
  added: number;
  removed: number;
  note: string | null;
}

/** Larger inputs are not diffed in the browser (the server uses the same 256 KiB guard for file.changed). */
export const MAX_DIFF_INPUT_CHARS = 256 * 1024;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function pathOf(input: Record<string, unknown>): string | undefined {
  return str(input.file_path) ?? str(input.notebook_path) ?? str(input.path) ?? str(input.filePath);
}

const withNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);

function lineCount(text: string): number {
  if (text === "") return 0;
  let count = 1;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  return text.endsWith("\n") ? count - 1 : count;
}

function change(path: string, kind: ProposedChange["kind"], before: string, after: string, note: string | null): ProposedChange {
  const added = lineCount(after);
  const removed = lineCount(before);
  if (before.length + after.length > MAX_DIFF_INPUT_CHARS) {
    return { path, kind, patch: null, added, removed, note: `too large to diff here (${before.length + after.length} characters)` };
  }
  const patch = createTwoFilesPatch(kind === "create" ? "/dev/null" : path, path, withNewline(before), withNewline(after), undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
  let plus = 0;
  let minus = 0;
  for (const line of patch.split("\n").slice(2)) {
    if (line.startsWith("+")) plus++;
    else if (line.startsWith("-")) minus++;
  }
  return { path, kind, patch, added: plus, removed: minus, note };
}

/**
 * The changes a tool call would make, from its input; null when the tool does not edit files (or the input
 * does not look like a file edit). Knows Claude's Write, Edit, MultiEdit and NotebookEdit, and the ACP-style
 * `{ path, oldText, newText }`.
 */
export function proposedChanges(toolName: string | null | undefined, input: unknown): ProposedChange[] | null {
  if (!input || typeof input !== "object" || Array.isArray(input)) return null;
  const args = input as Record<string, unknown>;
  const path = pathOf(args);
  if (!path) return null;
  const tool = (toolName ?? "").toLowerCase();

  if (tool === "multiedit" && Array.isArray(args.edits)) {
    const edits = args.edits.filter((e): e is Record<string, unknown> => !!e && typeof e === "object");
    return edits.map((edit, i) =>
      change(path, "edit", str(edit.old_string) ?? "", str(edit.new_string) ?? "", `edit ${i + 1} of ${edits.length}: the replaced text only${edit.replace_all ? ", every occurrence" : ""}`),
    );
  }
  const oldText = str(args.old_string) ?? str(args.oldText) ?? str(args.old_str);
  const newText = str(args.new_string) ?? str(args.newText) ?? str(args.new_str);
  if (newText !== undefined && (oldText !== undefined || args.oldText === null)) {
    if (oldText === undefined || oldText === "") return [change(path, "create", "", newText, null)];
    return [change(path, "edit", oldText, newText, `the replaced text only${args.replace_all ? ", every occurrence" : ""}; line numbers are relative to it`)];
  }
  const content = str(args.content) ?? str(args.new_source) ?? (tool === "write" ? str(args.text) : undefined);
  if (content !== undefined) {
    const note = tool === "notebookedit" ? "the new cell source" : "the whole new content (if the file exists it is replaced)";
    return [change(path, "create", "", content, note)];
  }
  return null;
}

/**
 * The diff carried by a `file.changed` payload (`patch`), or why there is none (`reason`), read through the event
 * catalogue. A stored payload of another shape (an older row, a hook's FileChanged) gives a note naming what
 * does not match instead of a diff.
 */
export function payloadPatch(payload: unknown): { patch: string | null; reason: string | null; added: number | null; removed: number | null } {
  const read = readPayload("file.changed", payload);
  if (!read.ok) return { patch: null, reason: `the stored payload is not a file.changed payload (${read.error})`, added: null, removed: null };
  const { patch, reason, summarized, added, removed } = read.payload;
  return { patch: patch ?? null, reason: reason ?? (summarized ? "summarized" : null), added: added ?? null, removed: removed ?? null };
}

/**
 * A patch as diff2html should read it: a creation (`--- /dev/null`) or deletion (`+++ /dev/null`) without git
 * headers is shown as a rename from/to /dev/null, so such sections get `diff --git` and `new/deleted file mode`.
 */
export function displayPatch(patch: string): string {
  const lines = patch.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    const previous = out.at(-1) ?? "";
    const hasGitHeader = previous.startsWith("new file mode") || previous.startsWith("deleted file mode") || previous.startsWith("index ") || previous.startsWith("diff --git");
    if (line.startsWith("--- ") && next?.startsWith("+++ ") && !hasGitHeader) {
      const oldName = line.slice(4).split("\t")[0]!;
      const newName = next.slice(4).split("\t")[0]!;
      if (oldName === "/dev/null" && newName !== "/dev/null") {
        out.push(`diff --git a/${newName} b/${newName}`, "new file mode 100644", line, `+++ b/${newName}`);
        i++;
        continue;
      }
      if (newName === "/dev/null" && oldName !== "/dev/null") {
        out.push(`diff --git a/${oldName} b/${oldName}`, "deleted file mode 100644", `--- a/${oldName}`, next);
        i++;
        continue;
      }
    }
    out.push(line);
  }
  return out.join("\n");
}
