import { describe, expect, it } from "vitest";
import { dependencyVerdict } from "../src/runtime/task-dependencies.ts";

const dep = (title: string, status: string, error: string | null = null) => ({ title, status, error });

describe("dependencyVerdict", () => {
  it("is ready with no dependencies or only completed ones", () => {
    expect(dependencyVerdict([])).toEqual({ kind: "ready" });
    expect(dependencyVerdict([dep("a", "completed"), dep("b", "completed")])).toEqual({ kind: "ready" });
  });

  it("waits while dependencies are open, naming them", () => {
    expect(dependencyVerdict([dep("a", "completed"), dep("b", "running"), dep("c", "waiting")])).toEqual({ kind: "waiting", reason: 'waiting for "b", "c"' });
  });

  it("blocks on a failed, cancelled, deleted or blocked dependency, carrying its reason", () => {
    expect(dependencyVerdict([dep("b", "running"), dep("a", "failed")])).toEqual({ kind: "blocked", reason: 'dependency "a" failed' });
    expect(dependencyVerdict([dep("a", "cancelled")])).toEqual({ kind: "blocked", reason: 'dependency "a" cancelled' });
    expect(dependencyVerdict([dep("a", "completed"), undefined])).toEqual({ kind: "blocked", reason: "a dependency was deleted" });
    expect(dependencyVerdict([dep("b", "blocked", 'dependency "a" failed')])).toEqual({ kind: "blocked", reason: 'dependency "b" blocked: dependency "a" failed' });
  });
});
