import { describe, expect, it } from "vitest";
import { nothingWasDone, sendWithRetries } from "../src/runner/retry.ts";

/** How the typed client carries a 503 of the control room (`data.domainCode`), and a refusal. */
const unavailable = Object.assign(new Error("agent a1 runs on replica replica-a, which did not take the call within 5 s"), { data: { domainCode: "UNAVAILABLE" } });
const notFound = Object.assign(new Error("agent a1 is not running on runner r1"), { data: { domainCode: "NOT_FOUND" } });

describe("a runner's sends to the control room", () => {
  it("sends a report again after a 503 (nothing was done) until it is taken", async () => {
    let sends = 0;
    const answer = await sendWithRetries(
      () => {
        sends += 1;
        return sends < 3 ? Promise.reject(unavailable) : Promise.resolve("taken");
      },
      { attempts: 6, firstDelayMs: 1, retryable: nothingWasDone },
    );
    expect(answer).toBe("taken");
    expect(sends).toBe(3);
  });

  it("does not send again what may have been handled, and gives up after its attempts with the last failure", async () => {
    let sends = 0;
    const refuse = () => {
      sends += 1;
      return Promise.reject(notFound);
    };
    await expect(sendWithRetries(refuse, { attempts: 6, firstDelayMs: 1, retryable: nothingWasDone })).rejects.toBe(notFound);
    expect(sends).toBe(1);
    // A connection that dropped (no answer at all) may have carried the report: not sent again either.
    expect(nothingWasDone(new Error("fetch failed"))).toBe(false);

    sends = 0;
    const busy = () => {
      sends += 1;
      return Promise.reject(unavailable);
    };
    await expect(sendWithRetries(busy, { attempts: 4, firstDelayMs: 1, retryable: nothingWasDone })).rejects.toBe(unavailable);
    expect(sends).toBe(4);
  });
});
