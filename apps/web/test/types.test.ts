import { describe, expectTypeOf, it } from "vitest";
import type { RouterInputs, RouterOutputs } from "@rozet/api";
import type { Command, CommandStatus, Permission, PermissionAnswer, Task, TelemetryInput, TimelineEvent, TimelinePage } from "../src/api/types.ts";

// The web app's API types are the router's: these pin the parts the UI relies on.
describe("API types come from the router", () => {
  it("pins what the UI reads", () => {
    expectTypeOf<Permission>().toEqualTypeOf<RouterOutputs["permission"]["list"][number]>();
    expectTypeOf<Permission["status"]>().toEqualTypeOf<"pending" | "allowed" | "denied" | "timed_out" | "cancelled">();
    expectTypeOf<PermissionAnswer>().toEqualTypeOf<RouterInputs["agent"]["respondPermission"]["answer"]>();
    expectTypeOf<CommandStatus>().toEqualTypeOf<"queued" | "accepted" | "running" | "completed" | "failed" | "cancelled">();
    expectTypeOf<Command["idempotencyKey"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Task["dependsOn"]>().toEqualTypeOf<string[]>();
    expectTypeOf<TimelinePage["lastSeq"]>().toEqualTypeOf<number>();
    expectTypeOf<TimelineEvent["seq"]>().toEqualTypeOf<number>();
    expectTypeOf<TelemetryInput>().toEqualTypeOf<RouterInputs["system"]["telemetry"]>();
  });
});
