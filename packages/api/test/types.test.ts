import { describe, expectTypeOf, it } from "vitest";
import type { RozetClient } from "../src/client.ts";
import type { RouterInputs, RouterOutputs } from "../src/index.ts";

// Scripts rely on these shapes; a change in the router that breaks them fails here first.
describe("end-to-end types", () => {
  it("timeline pages carry summaries with a numeric seq cursor and no payload", () => {
    type Page = RouterOutputs["event"]["timeline"];
    expectTypeOf<Page["lastSeq"]>().toEqualTypeOf<number>();
    expectTypeOf<Page["events"][number]["seq"]>().toEqualTypeOf<number>();
    expectTypeOf<Page["events"][number]>().not.toHaveProperty("payload");
    expectTypeOf<RouterOutputs["event"]["get"]>().toHaveProperty("payload");
  });

  it("commands report their lifecycle status", () => {
    expectTypeOf<RouterOutputs["agent"]["command"]["status"]>().toEqualTypeOf<"queued" | "accepted" | "running" | "completed" | "failed" | "cancelled">();
    expectTypeOf<RouterInputs["agent"]["respondPermission"]["answer"]["behavior"]>().toEqualTypeOf<"allow" | "deny">();
  });

  it("the client exposes every router key", () => {
    type Api = RozetClient["api"];
    expectTypeOf<Api>().toHaveProperty("session");
    expectTypeOf<Api>().toHaveProperty("agent");
    expectTypeOf<Api>().toHaveProperty("task");
    expectTypeOf<Api>().toHaveProperty("event");
    expectTypeOf<Api>().toHaveProperty("control");
    expectTypeOf<Api>().toHaveProperty("permission");
  });
});
