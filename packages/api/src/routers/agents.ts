import { createAgent, getAgent, interruptAgent, listAgentCommands, listAgents, respondToPermission, resumeAgent, sendAgentCommand, setAgentBudget, setAgentMode, stopAgent } from "@rozet/orchestrator";
import { operatorProcedure, router } from "../trpc.ts";
import { agentMustExist, sessionMustExist } from "./must-exist.ts";
import { agentBudgetInput, agentCommandInput, agentCommandsInput, agentControlInput, agentIdInput, agentModeInput, createAgentInput, listAgentsInput, respondPermissionInput } from "./agents.contracts.ts";

export const agentRouter = router({
  create: operatorProcedure.input(createAgentInput).mutation(({ ctx, input }) => createAgent(ctx.room, input)),
  list: operatorProcedure.input(listAgentsInput).query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return listAgents(ctx.room, input);
  }),
  get: operatorProcedure.input(agentIdInput).query(({ ctx, input }) => getAgent(ctx.room, input)),
  /** A prompt (or shell command line); queued behind the running turn. Returns the accepted command. */
  command: operatorProcedure.input(agentCommandInput).mutation(({ ctx, input }) => sendAgentCommand(ctx.room, input)),
  /** Command history, newest first. */
  commands: operatorProcedure.input(agentCommandsInput).query(async ({ ctx, input }) => {
    await agentMustExist(ctx.room, input.agentId);
    return listAgentCommands(ctx.room, input);
  }),
  interrupt: operatorProcedure.input(agentControlInput).mutation(({ ctx, input }) => interruptAgent(ctx.room, input)),
  stop: operatorProcedure.input(agentControlInput).mutation(({ ctx, input }) => stopAgent(ctx.room, input)),
  resume: operatorProcedure.input(agentIdInput).mutation(({ ctx, input }) => resumeAgent(ctx.room, { agentId: input.id })),
  /** Permission mode of a Claude/ACP agent: default (ask), acceptEdits, plan. */
  setMode: operatorProcedure.input(agentModeInput).mutation(({ ctx, input }) => setAgentMode(ctx.room, input)),
  setBudget: operatorProcedure.input(agentBudgetInput).mutation(({ ctx, input }) => setAgentBudget(ctx.room, input)),
  respondPermission: operatorProcedure.input(respondPermissionInput).mutation(({ ctx, input }) => respondToPermission(ctx.room, input)),
});
