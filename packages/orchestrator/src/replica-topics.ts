import type { ReplicaSignals } from "@rozet/db";
import type { ControlMessage } from "./control-message.ts";
import type { JobOutcome } from "./runners/protocol.ts";

/**
 * What replicas of one control room tell each other (Postgres; with SQLite there is one process and nobody to tell).
 * Messages say that something changed in the database; the receiver reads the rest from there.
 */
export type ReplicaTopics = {
  /** A lifecycle update for the control feeds of the other replicas. */
  control: ControlMessage;
  /** A permission request was answered here; the replica whose agent waits for it hands the stored answer over. */
  "permission.answered": { id: string };
  /** A session's permission rules changed: drop them from the cache. */
  "permission.rules": { sessionId: string };
  /** A call for an agent that runs on replica `to` is in the call box (AgentCallBox): take it. */
  "agent.call": { id: string; to: string };
  /** Replica `to`'s call was answered: read the answer. */
  "agent.call.answered": { id: string; to: string };
  /** Tasks of this session wait for an agent the sender does not run: schedule them here (no answer, no re-send). */
  "tasks.schedule": { sessionId: string };
  /** A runner answered a job here that another replica sent (and waits for). */
  "runner.answered": { jobId: string; queue: string; runnerId: string; outcome: JobOutcome };
  /** A runner's lease expired, swept here; the replica driving the agent loses it. */
  "runner.lost": { agentId: string; reason: string };
};

export type Replicas = ReplicaSignals<ReplicaTopics>;
