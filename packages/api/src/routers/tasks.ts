import { cancelTask, createTask, getTask, listTasks } from "@rozet/orchestrator";
import { operatorProcedure, router } from "../trpc.ts";
import { cancelTaskInput, createTaskInput, listTasksInput, taskIdInput } from "./tasks.contracts.ts";

export const taskRouter = router({
  create: operatorProcedure.input(createTaskInput).mutation(({ ctx, input }) => createTask(ctx.room, input)),
  list: operatorProcedure.input(listTasksInput).query(({ ctx, input }) => listTasks(ctx.room, input)),
  get: operatorProcedure.input(taskIdInput).query(({ ctx, input }) => getTask(ctx.room, input)),
  cancel: operatorProcedure.input(cancelTaskInput).mutation(({ ctx, input }) => cancelTask(ctx.room, input)),
});
