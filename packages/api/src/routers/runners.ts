import { DEFAULT_RUNNER_LABEL, type RunnerHub } from "@rozet/orchestrator";
import { DomainError } from "@rozet/vocabulary";
import { z } from "zod";
import { procedure, router } from "../trpc.ts";
import {
  registeredRunnerOutput,
  registerRunnerInput,
  runnerAckInput,
  runnerHeartbeatInput,
  runnerHeartbeatOutput,
  runnerPollInput,
  runnerPollOutput,
  runnerReportInput,
} from "./runners.contracts.ts";

const NO_RUNNERS = "this control room takes no runners: runners need the Postgres store (start the server with ROZET_DATABASE_URL=postgres://…)";

/** Remote runners need the job queue, which lives in Postgres. Without it, no runner id names anything. */
function hubOf(room: { runners: RunnerHub | null }, runnerId?: string): RunnerHub {
  if (room.runners) return room.runners;
  if (runnerId !== undefined) throw new DomainError("NOT_FOUND", `runner ${runnerId} not found: ${NO_RUNNERS}`, { what: "runner", id: runnerId });
  throw new DomainError("ILLEGAL_STATE", NO_RUNNERS);
}

/**
 * What `rozet runner` calls (operator token): it registers, long-polls its jobs, answers them, reports permission
 * asks and exits, and renews its leases. Only `register` is audited: the rest is steady machine traffic.
 */
export const runnerRouter = router({
  register: procedure
    .input(registerRunnerInput)
    .output(registeredRunnerOutput)
    .mutation(({ ctx, input }) => hubOf(ctx.room).register({ name: input.name, label: input.label ?? DEFAULT_RUNNER_LABEL, maxAgents: input.maxAgents })),
  heartbeat: procedure
    .meta({ audit: false })
    .input(runnerHeartbeatInput)
    .output(runnerHeartbeatOutput)
    .mutation(({ ctx, input }) => hubOf(ctx.room, input.runnerId).heartbeat(input.runnerId, input.running)),
  poll: procedure
    .meta({ audit: false })
    .input(runnerPollInput)
    .output(runnerPollOutput)
    .mutation(async ({ ctx, input, signal }) => ({ jobs: await hubOf(ctx.room, input.runnerId).poll(input.runnerId, { capacity: input.capacity, waitMs: input.waitMs, signal }) })),
  ack: procedure
    .meta({ audit: false })
    .input(runnerAckInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await hubOf(ctx.room, input.runnerId).ack(input.runnerId, input);
      return { ok: true as const };
    }),
  report: procedure
    .meta({ audit: false })
    .input(runnerReportInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await hubOf(ctx.room, input.runnerId).report(input.runnerId, input.report);
      return { ok: true as const };
    }),
});
