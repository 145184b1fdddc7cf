import { createAgent, getAgent, interruptAgent, listAgentCommands, listAgents, respondToPermission, resumeAgent, sendAgentCommand, setAgentBudget, setAgentMode, stopAgent } from "@rozet/orchestrator";
import { z } from "zod";
import { actorOf, controlProcedure, router } from "../trpc.ts";
import { agentMustBeInSession, agentMustExist, sessionMustExist } from "./must-exist.ts";
import {
  agentBudgetInput,
  agentCommandInput,
  agentCommandsInput,
  agentControlInput,
  agentIdInput,
  agentModeInput,
  agentOutput,
  commandOutput,
  createAgentInput,
  listAgentsInput,
  respondPermissionInput,
  respondPermissionOutput,
} from "./agents.contracts.ts";

const tags = ["agents"];

export const agentRouter = router({
  create: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/agents", tags, summary: "Start an agent in a session" } })
    .input(createAgentInput)
    .output(agentOutput)
    .mutation(({ ctx, input }) => createAgent(ctx.room, input)),
  list: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{sessionId}/agents", tags, summary: "A session's agents" } })
    .input(listAgentsInput)
    .output(z.array(agentOutput))
    .query(async ({ ctx, input }) => {
      await sessionMustExist(ctx.room, input.sessionId);
      return listAgents(ctx.room, input);
    }),
  get: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/agents/{id}", tags, summary: "One agent" } })
    .input(agentIdInput)
    .output(agentOutput)
    .query(({ ctx, input }) => getAgent(ctx.room, input)),
  /** A prompt (or shell command line); queued behind the running turn. Returns the accepted command. */
  command: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/agents/{agentId}/commands", tags, summary: "Send a prompt (or shell command line); answered once accepted" } })
    .input(agentCommandInput)
    .output(commandOutput)
    .mutation(async ({ ctx, input }) => {
      await agentMustBeInSession(ctx.room, input.agentId, input.sessionId);
      return sendAgentCommand(ctx.room, { ...input, issuedBy: actorOf(ctx.principal) });
    }),
  /** Command history, newest first. */
  commands: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/agents/{agentId}/commands", tags, summary: "An agent's commands, newest first" } })
    .input(agentCommandsInput)
    .output(z.array(commandOutput))
    .query(async ({ ctx, input }) => {
      await agentMustExist(ctx.room, input.agentId);
      return listAgentCommands(ctx.room, input);
    }),
  interrupt: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/agents/{agentId}/interrupt", tags, summary: "Interrupt the running turn" } })
    .input(agentControlInput)
    .output(commandOutput)
    .mutation(async ({ ctx, input }) => {
      await agentMustBeInSession(ctx.room, input.agentId, input.sessionId);
      return interruptAgent(ctx.room, { ...input, issuedBy: actorOf(ctx.principal) });
    }),
  stop: controlProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/sessions/{sessionId}/agents/{agentId}", tags, summary: "Stop an agent (its history stays)" } })
    .input(agentControlInput)
    .output(commandOutput)
    .mutation(async ({ ctx, input }) => {
      await agentMustBeInSession(ctx.room, input.agentId, input.sessionId);
      return stopAgent(ctx.room, { ...input, issuedBy: actorOf(ctx.principal) });
    }),
  resume: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/agents/{id}/resume", tags, summary: "Resume a stopped, failed or lost agent" } })
    .input(agentIdInput)
    .output(agentOutput)
    .mutation(({ ctx, input }) => resumeAgent(ctx.room, { agentId: input.id })),
  /** Permission mode of a Claude/ACP agent: default (ask), acceptEdits, plan. */
  setMode: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/agents/{agentId}/mode", tags, summary: "Set the permission mode (default, acceptEdits, plan)" } })
    .input(agentModeInput)
    .output(commandOutput)
    .mutation(({ ctx, input }) => setAgentMode(ctx.room, { ...input, issuedBy: actorOf(ctx.principal) })),
  setBudget: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/agents/{agentId}/budget", tags, summary: "Set or remove (null) the USD and token limits" } })
    .input(agentBudgetInput)
    .output(agentOutput)
    .mutation(({ ctx, input }) => setAgentBudget(ctx.room, input)),
  respondPermission: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/permissions/{requestId}/answer", tags: ["permissions"], summary: "Answer a permission request (allow, deny, allow with edits, allow for the session)" } })
    .input(respondPermissionInput)
    .output(respondPermissionOutput)
    .mutation(({ ctx, input }) => respondToPermission(ctx.room, { ...input, issuedBy: actorOf(ctx.principal) })),
});
