import { agentRouter } from "./routers/agents.ts";
import { auditRouter } from "./routers/audit.ts";
import { controlRouter } from "./routers/control.ts";
import { eventRouter } from "./routers/events.ts";
import { permissionRouter } from "./routers/permissions.ts";
import { planRouter } from "./routers/plans.ts";
import { sessionRouter } from "./routers/sessions.ts";
import { systemRouter } from "./routers/system.ts";
import { taskRouter } from "./routers/tasks.ts";
import { tokenRouter } from "./routers/tokens.ts";
import { runnerRouter } from "./routers/runners.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  system: systemRouter,
  session: sessionRouter,
  agent: agentRouter,
  task: taskRouter,
  plan: planRouter,
  event: eventRouter,
  control: controlRouter,
  permission: permissionRouter,
  token: tokenRouter,
  audit: auditRouter,
  runner: runnerRouter,
});

export type AppRouter = typeof appRouter;
