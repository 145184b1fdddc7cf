import { cancelTask, createTask, getTask, listTasks } from "@rozet/orchestrator";
import { operatorProcedure, router } from "../trpc.ts";
import { sessionMustExist } from "./must-exist.ts";
import { cancelTaskInput, createTaskInput, listTasksInput, taskIdInput } from "./tasks.contracts.ts";

export const taskRouter = router({
  create: operatorProcedure.input(createTaskInput).mutation(({ ctx, input }) => createTask(ctx.room, input)),
  list: operatorProcedure.input(listTasksInput).query(async ({ ctx, input }) => {
    await sessionMustExist(ctx.room, input.sessionId);
    return listTasks(ctx.room, input);
  }),
  get: operatorProcedure.input(taskIdInput).query(({ ctx, input }) => getTask(ctx.room, input)),
  cancel: operatorProcedure.input(cancelTaskInput).mutation(({ ctx, input }) => cancelTask(ctx.room, input)),
});
