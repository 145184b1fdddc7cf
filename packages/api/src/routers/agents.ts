import { createAgent, getAgent, listAgents } from "@rozet/orchestrator";
import { operatorProcedure, router } from "../trpc.ts";
import { agentIdInput, createAgentInput, listAgentsInput } from "./agents.contracts.ts";

export const agentRouter = router({
  create: operatorProcedure.input(createAgentInput).mutation(({ ctx, input }) => createAgent(ctx.room, input)),
  list: operatorProcedure.input(listAgentsInput).query(({ ctx, input }) => listAgents(ctx.room, input)),
  get: operatorProcedure.input(agentIdInput).query(({ ctx, input }) => getAgent(ctx.room, input)),
});
