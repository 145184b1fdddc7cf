export { createControlRoom, type ControlRoom, type ControlRoomOptions } from "./control-room.ts";
export { ControlFeed, type ControlFeedEntry } from "./control-feed.ts";
export * from "./sessions.ts";
export * from "./agents.ts";
export * from "./tasks.ts";
export { recordEvent } from "./timeline.ts";
export { resolveWorkspace, ensureWorkspace } from "./workspaces.ts";
export { normalizeHookEvent, hookEventTypes, describeToolInput, clip } from "./normalize/hook-events.ts";
export type { SessionDto, AgentDto, TaskDto } from "./dto.ts";
