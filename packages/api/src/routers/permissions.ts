import { z } from "zod";
import { actorOf, controlProcedure, router } from "../trpc.ts";
import { deletedOutput } from "./common.contracts.ts";
import { sessionMustExist } from "./must-exist.ts";
import { addRuleInput, listPermissionsInput, permissionOutput, permissionRuleOutput, ruleIdInput, sessionRulesInput } from "./permissions.contracts.ts";

const tags = ["permissions"];

/** The permission inbox (all agents, all sessions) and per-session rules. Answers go through agent.respondPermission. */
export const permissionRouter = router({
  list: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/permissions", tags, summary: "Permission requests of every agent, newest first (status=pending: the inbox)" } })
    .input(listPermissionsInput)
    .output(z.array(permissionOutput))
    .query(async ({ ctx, input }) => {
    if (input.sessionId) await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.permissions.list(input);
  }),
  rules: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{sessionId}/rules", tags, summary: "A session's permission rules" } })
    .input(sessionRulesInput)
    .output(z.array(permissionRuleOutput))
    .query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.permissions.rules(input.sessionId);
  }),
  addRule: controlProcedure
    .meta({ role: "admin" })
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/rules", tags, summary: "Add a rule: allow, deny or ask by tool and path or command glob" } })
    .input(addRuleInput)
    .output(permissionRuleOutput)
    .mutation(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.permissions.addRule({ ...input, pattern: input.pattern ?? null, createdBy: actorOf(ctx.principal) });
  }),
  deleteRule: controlProcedure
    .meta({ role: "admin" })
    .meta({ openapi: { method: "DELETE", path: "/api/rules/{id}", tags, summary: "Delete a rule" } })
    .input(ruleIdInput)
    .output(deletedOutput)
    .mutation(({ ctx, input }) => ctx.room.permissions.deleteRule(input)),
});
