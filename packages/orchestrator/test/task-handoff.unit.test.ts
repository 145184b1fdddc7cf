import { describe, expect, it } from "vitest";
import { composeHandoff, HANDOFF_LIMITS, type UpstreamWork } from "../src/runtime/task-handoff.ts";

/** An upstream task whose files have diffs of the given sizes; records which diffs were read. */
function upstream(title: string, sizes: Record<string, number>, extra: Partial<UpstreamWork> = {}) {
  const read: string[] = [];
  const work: UpstreamWork = {
    taskId: `id-${title}`,
    title,
    status: "completed",
    summary: `${title} is done`,
    branch: `rozet/${title}`,
    commit: "0123456789abcdef0123",
    files: Object.keys(sizes).map((path) => ({ path, status: "M" })),
    filesNote: null,
    readDiff: async (file) => {
      read.push(file);
      return `diff --git a/${file} b/${file}\n${"+".repeat(sizes[file]!)}`.slice(0, sizes[file]);
    },
    artifacts: [],
    ...extra,
  };
  return { work, read };
}

describe("composeHandoff (the size guard)", () => {
  it("hands over summary, file list and whole diffs while they fit", async () => {
    const { work } = upstream("small", { "a.ts": 200, "b.ts": 300 });
    const { text, record } = await composeHandoff([{ ...work, artifacts: [{ name: "report", path: "out/report.md", size: 12, mimeType: "text/markdown" }] }]);
    expect(text).toContain('## From "small" (task id-small, completed; branch rozet/small, commit 0123456789ab)');
    expect(text).toContain("Its final summary:\nsmall is done");
    expect(text).toContain("- a.ts (modified)\n- b.ts (modified)");
    expect(text).toContain("diff --git a/b.ts b/b.ts");
    expect(text).toContain("- report: out/report.md (12 bytes, text/markdown)");
    expect(text).not.toContain("size guard");
    expect(record).toMatchObject({ truncated: false, dependencies: [{ diffBytes: 500, shownBytes: 500, truncated: false, files: [{ diffBytes: 200, shownBytes: 200 }, { diffBytes: 300, shownBytes: 300 }] }] });
  });

  it("cuts at 20 KB per dependency and 60 KB in all, says so in the text and the record, and reads no diff past the limit", async () => {
    const big = upstream("big", { "one.ts": 15_000, "two.ts": 15_000, "three.ts": 15_000 });
    const others = [1, 2, 3].map((n) => upstream(`other${n}`, { [`o${n}.ts`]: 19_000 }));
    const { text, record } = await composeHandoff([big.work, ...others.map((o) => o.work)]);
    const [first, ...rest] = record.dependencies;
    // 15,000 whole, then two.ts cut to the 5,000 left of this dependency's 20,000; three.ts not even read.
    expect(first!.files.map((f) => [f.path, f.diffBytes, f.shownBytes])).toEqual([
      ["one.ts", 15_000, 15_000],
      ["two.ts", 15_000, 5_000],
      ["three.ts", null, 0],
    ]);
    expect(big.read).toEqual(["one.ts", "two.ts"]);
    expect(text).toContain("[diff of two.ts cut at 4.9 KB of 14.6 KB: the handoff size guard]");
    expect(text).toContain("[diffs left out by the handoff size guard (19.5 KB per dependency, 58.6 KB in all): three.ts; read them with git]");
    // 60,000 in all: 20,000 + 19,000 + 19,000 leave 2,000 for the last one.
    expect(rest.map((d) => d.shownBytes)).toEqual([19_000, 19_000, 2_000]);
    expect(record.dependencies.reduce((sum, d) => sum + d.shownBytes, 0)).toBe(HANDOFF_LIMITS.totalBytes);
    expect(record.truncated).toBe(true);
    expect(rest.map((d) => d.truncated)).toEqual([false, false, true]);
  });

  it("clips a long summary and says why a dependency lists no files", async () => {
    const { work } = upstream("chatty", {}, { summary: "x".repeat(10_000), filesNote: "it did not run in a worktree of its own" });
    const { text, record } = await composeHandoff([work]);
    expect(text).toContain("[summary cut at 3.9 KB of 9.8 KB]");
    expect(text).toContain("Files it changed: not known (it did not run in a worktree of its own).");
    expect(record.dependencies[0]).toMatchObject({ summaryBytes: 10_000, summaryTruncated: true, truncated: true, filesNote: "it did not run in a worktree of its own" });
  });
});
