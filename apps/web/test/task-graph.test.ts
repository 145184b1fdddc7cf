import { describe, expect, it } from "vitest";
import { layoutTaskGraph, waitingOn, type GraphTask } from "../src/state/task-graph.ts";

let clock = 0;
function task(id: string, dependsOn: string[] = [], status: GraphTask["status"] = "waiting"): GraphTask {
  clock += 1;
  return { id, title: `task ${id}`, status, dependsOn, createdAt: new Date(Date.UTC(2026, 11, 6, 0, 0, clock)).toISOString() };
}

const place = (layout: ReturnType<typeof layoutTaskGraph>) => Object.fromEntries(layout.nodes.map((n) => [n.id, [n.layer, n.row]]));

describe("layoutTaskGraph", () => {
  it("puts each task one column right of its furthest dependency, so every edge points right", () => {
    const tasks = [task("a", [], "completed"), task("b", ["a"]), task("c", ["a", "b"]), task("d"), task("e", ["d"])];
    const layout = layoutTaskGraph(tasks);
    expect(layout.layers).toBe(3);
    const layers = Object.fromEntries(layout.nodes.map((n) => [n.id, n.layer]));
    expect(layers).toEqual({ a: 0, d: 0, b: 1, e: 1, c: 2 });
    for (const edge of layout.edges) expect(layers[edge.to]!).toBeGreaterThan(layers[edge.from]!);
    expect(layout.edges).toEqual([
      { from: "a", to: "b" },
      { from: "a", to: "c" },
      { from: "b", to: "c" },
      { from: "d", to: "e" },
    ]);
    expect(layout.rows).toBe(2);
  });

  it("orders a column by the rows of what its tasks wait on (fewer crossings), then by age", () => {
    // x and y are roots (x first); q (older) waits on y, p waits on x: p goes above q.
    const tasks = [task("x"), task("y"), task("q", ["y"]), task("p", ["x"])];
    expect(place(layoutTaskGraph(tasks))).toEqual({ x: [0, 0], y: [0, 1], p: [1, 0], q: [1, 1] });
  });

  it("survives unknown dependencies, self-references and cycles", () => {
    const layout = layoutTaskGraph([task("a", ["gone", "a"]), task("b", ["c"]), task("c", ["b"])]);
    expect(layout.nodes).toHaveLength(3);
    expect(layout.edges).toEqual([
      { from: "c", to: "b" },
      { from: "b", to: "c" },
    ]);
    expect(layoutTaskGraph([])).toEqual({ nodes: [], edges: [], layers: 0, rows: 0 });
  });
});

describe("waitingOn", () => {
  it("lists the dependencies of a waiting or blocked task that have not completed", () => {
    const a = task("a", [], "completed");
    const b = task("b", [], "running");
    const f = task("f", [], "failed");
    const byId = new Map([a, b, f].map((t) => [t.id, t]));
    expect(waitingOn(task("w", ["a", "b"]), byId).map((t) => t.id)).toEqual(["b"]);
    expect(waitingOn(task("x", ["f", "missing"], "blocked"), byId)).toEqual([f, { id: "missing", title: null, status: null }]);
    expect(waitingOn(task("r", ["b"], "running"), byId)).toEqual([]);
  });
});
