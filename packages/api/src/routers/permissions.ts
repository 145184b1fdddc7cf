import { operatorProcedure, router } from "../trpc.ts";
import { sessionMustExist } from "./must-exist.ts";
import { addRuleInput, listPermissionsInput, ruleIdInput, sessionRulesInput } from "./permissions.contracts.ts";

/** The permission inbox (all agents, all sessions) and per-session rules. Answers go through agent.respondPermission. */
export const permissionRouter = router({
  list: operatorProcedure.input(listPermissionsInput).query(async ({ ctx, input }) => {
    if (input.sessionId) await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.permissions.list(input);
  }),
  rules: operatorProcedure.input(sessionRulesInput).query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.permissions.rules(input.sessionId);
  }),
  addRule: operatorProcedure.input(addRuleInput).mutation(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return ctx.room.permissions.addRule({ ...input, pattern: input.pattern ?? null });
  }),
  deleteRule: operatorProcedure.input(ruleIdInput).mutation(({ ctx, input }) => ctx.room.permissions.deleteRule(input)),
});
