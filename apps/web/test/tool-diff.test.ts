import { describe, expect, it } from "vitest";
import { MAX_DIFF_INPUT_CHARS, payloadPatch, proposedChanges } from "../src/lib/tool-diff.ts";

describe("proposedChanges", () => {
  it("diffs a Write against nothing", () => {
    const [change] = proposedChanges("Write", { file_path: "/w/a.txt", content: "hello\nworld\n" })!;
    expect(change).toMatchObject({ path: "/w/a.txt", kind: "create", added: 2, removed: 0 });
    expect(change!.patch).toContain("--- /dev/null\n+++ /w/a.txt\n@@ -0,0 +1,2 @@\n+hello\n+world");
  });

  it("diffs an Edit's old_string against its new_string, without no-newline noise", () => {
    const [change] = proposedChanges("Edit", { file_path: "/w/a.txt", old_string: "hello world", new_string: "hello rozet" })!;
    expect(change).toMatchObject({ kind: "edit", added: 1, removed: 1 });
    expect(change!.patch).toContain("-hello world\n+hello rozet");
    expect(change!.patch).not.toContain("No newline");
    expect(change!.note).toContain("replaced text only");
  });

  it("diffs each edit of a MultiEdit and ACP-style oldText/newText", () => {
    const multi = proposedChanges("MultiEdit", { file_path: "/w/a.ts", edits: [{ old_string: "a", new_string: "b" }, { old_string: "c", new_string: "d", replace_all: true }] })!;
    expect(multi).toHaveLength(2);
    expect(multi[1]!.note).toContain("every occurrence");
    const acp = proposedChanges("edit", { path: "/w/new.ts", oldText: null, newText: "x\n" })!;
    expect(acp[0]).toMatchObject({ kind: "create", added: 1 });
  });

  it("returns null for tools that do not edit files", () => {
    expect(proposedChanges("Bash", { command: "ls" })).toBeNull();
    expect(proposedChanges("Write", null)).toBeNull();
    expect(proposedChanges("Read", { file_path: "/w/a.txt" })).toBeNull();
  });

  it("does not diff huge inputs in the browser", () => {
    const [change] = proposedChanges("Write", { file_path: "/w/big.txt", content: "x\n".repeat(MAX_DIFF_INPUT_CHARS) })!;
    expect(change!.patch).toBeNull();
    expect(change!.note).toContain("too large");
  });
});

describe("payloadPatch", () => {
  it("reads a file.changed payload's patch or its reason through the catalogue", () => {
    const patch = "--- /w/a\n+++ /w/a\n@@ -1 +1 @@\n-a\n+b\n";
    expect(payloadPatch({ path: "/w/a", kind: "update", summarized: false, patch, added: 1, removed: 1 })).toEqual({ patch, reason: null, added: 1, removed: 1 });
    expect(payloadPatch({ path: "/w/b", kind: "create", summarized: true, reason: "binary content", added: 3, removed: 0 })).toEqual({
      patch: null,
      reason: "binary content",
      added: 3,
      removed: 0,
    });
  });

  it("a stored payload of another shape reads as a clear note, never a crash", () => {
    // What the ACP driver stored before the catalogue: the note names what does not match.
    const old = payloadPatch({ path: "/w/a", change: "modified", diff: "@@", additions: 1, deletions: 0 });
    expect(old.patch).toBeNull();
    expect(old.reason).toMatch(/^the stored payload is not a file\.changed payload/);
    expect(old.reason).toContain("kind");
    // A Claude Code FileChanged hook: no diff by design.
    expect(payloadPatch({ file_path: "/w/a", event: "change" }).reason).toMatch(/not a file\.changed payload/);
    expect(payloadPatch(null)).toMatchObject({ patch: null, added: null, removed: null });
    expect(payloadPatch("text")).toMatchObject({ patch: null });
  });
});

describe("displayPatch", () => {
  it("marks creations and deletions so they are not shown as renames", async () => {
    const { displayPatch } = await import("../src/lib/tool-diff.ts");
    expect(displayPatch("--- /dev/null\n+++ /w/a.txt\n@@ -0,0 +1 @@\n+x\n")).toBe("diff --git a//w/a.txt b//w/a.txt\nnew file mode 100644\n--- /dev/null\n+++ b//w/a.txt\n@@ -0,0 +1 @@\n+x\n");
    expect(displayPatch("--- /w/a.txt\n+++ /dev/null\n")).toContain("deleted file mode");
    const edit = "--- /w/a.txt\n+++ /w/a.txt\n@@ -1 +1 @@\n-a\n+b\n";
    expect(displayPatch(edit)).toBe(edit);
  });
});
