import type { SessionEventStats } from "@rozet/db";
import type { AgentDto, CommandDto, PermissionDto, SessionDto, TaskDto } from "./dto.ts";
import type { PlanDto } from "./plans/plan-dto.ts";

interface ControlBase {
  id: string;
  sessionId: string | null;
  action: "created" | "updated" | "deleted";
  status?: string | undefined;
}

/** What `control.onUpdate` carries: one entity's lifecycle change, with the row after it when there is one. */
export type ControlMessage =
  | (ControlBase & { entity: "session"; data?: SessionDto })
  | (ControlBase & { entity: "agent"; data?: AgentDto })
  | (ControlBase & { entity: "command"; data?: CommandDto })
  | (ControlBase & { entity: "task"; data?: TaskDto })
  | (ControlBase & { entity: "permission"; data?: PermissionDto })
  | (ControlBase & { entity: "plan"; data?: PlanDto })
  /** Running totals of a session, at most once a second while its events flow. */
  | (ControlBase & { entity: "stats"; data: SessionEventStats });
