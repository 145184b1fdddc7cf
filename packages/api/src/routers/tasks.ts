import { cancelTask, createTask, getTask, listTasks, recordTaskArtifact, resolveTaskConflict } from "@rozet/orchestrator";
import { z } from "zod";
import { controlProcedure, router } from "../trpc.ts";
import { sessionMustExist, taskMustBeInSession } from "./must-exist.ts";
import { addArtifactInput, artifactOutput, cancelTaskInput, createTaskInput, listTasksInput, resolveConflictInput, taskIdInput, taskOutput } from "./tasks.contracts.ts";

const tags = ["tasks"];

export const taskRouter = router({
  create: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/tasks", tags, summary: "Create a task (assigned, or waiting for its dependencies)" } })
    .input(createTaskInput)
    .output(taskOutput)
    .mutation(({ ctx, input }) => createTask(ctx.room, input)),
  list: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/sessions/{sessionId}/tasks", tags, summary: "A session's tasks, oldest first" } })
    .input(listTasksInput)
    .output(z.array(taskOutput))
    .query(async ({ ctx, input }) => {
      await sessionMustExist(ctx.room, input.sessionId);
      return listTasks(ctx.room, input);
    }),
  get: controlProcedure
    .meta({ openapi: { method: "GET", path: "/api/tasks/{id}", tags, summary: "One task" } })
    .input(taskIdInput)
    .output(taskOutput)
    .query(({ ctx, input }) => getTask(ctx.room, input)),
  cancel: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/tasks/{id}/cancel", tags, summary: "Cancel a task (interrupts its work)" } })
    .input(cancelTaskInput)
    .output(taskOutput)
    .mutation(async ({ ctx, input }) => {
      await taskMustBeInSession(ctx.room, input.id, input.sessionId);
      return cancelTask(ctx.room, input);
    }),
  resolveConflict: controlProcedure
    .meta({
      openapi: { method: "POST", path: "/api/sessions/{sessionId}/tasks/{id}/resolve-conflict", tags, summary: "Answer a task stopped on a merge conflict: resolved by hand, hand it to the agent, or cancel" },
    })
    .input(resolveConflictInput)
    .output(taskOutput)
    .mutation(async ({ ctx, input }) => {
      await taskMustBeInSession(ctx.room, input.id, input.sessionId);
      return resolveTaskConflict(ctx.room, input);
    }),
  addArtifact: controlProcedure
    .meta({ openapi: { method: "POST", path: "/api/sessions/{sessionId}/tasks/{id}/artifacts", tags, summary: "Record a named artifact of a task (handed to the tasks that depend on it)" } })
    .input(addArtifactInput)
    .output(artifactOutput)
    .mutation(async ({ ctx, input }) => {
      await taskMustBeInSession(ctx.room, input.id, input.sessionId);
      return recordTaskArtifact(ctx.room, input);
    }),
});
