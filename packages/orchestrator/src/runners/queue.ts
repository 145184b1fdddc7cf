import type { DeliveredJob, JobAnswer, RunnerJob } from "./protocol.ts";

/** A runner process as the store knows it. */
export interface RunnerRecord {
  id: string;
  name: string;
  label: string;
  maxAgents: number;
}

/** An agent whose runner stopped renewing its lease: it is lost. */
export interface ExpiredLease {
  agentId: string;
  runnerId: string;
  runnerName: string;
  /** The runner's last heartbeat. */
  lastSeenAt: Date;
}

/**
 * The durable side of runner dispatch: the job queue and the leases, in the shared database (Postgres: pg-boss
 * and two tables). The server implements it; the hub only uses it, so its rules are tested against the real one.
 */
export interface RunnerQueue {
  registerRunner(runner: RunnerRecord, leaseMs: number): Promise<void>;
  findRunner(runnerId: string): Promise<RunnerRecord | null>;
  /** Renews the runner and every lease it holds; returns the agents it still holds leases for, or null if it is unknown. */
  heartbeat(runnerId: string, leaseMs: number): Promise<string[] | null>;
  /** Sends a job; `retry` lets a job whose runner died before acknowledging it go to another runner. */
  send(queue: string, job: RunnerJob, options: { retry: boolean }): Promise<string>;
  fetch(queue: string, max: number): Promise<DeliveredJob[]>;
  /** Completes the job (fails it when the outcome is not ok) and keeps the answer with it. */
  answer(queue: string, jobId: string, answer: JobAnswer): Promise<void>;
  /** The answer kept with a job, if it was answered. */
  answerOf(queue: string, jobId: string): Promise<JobAnswer | null>;
  grantLease(agentId: string, runnerId: string, leaseMs: number): Promise<void>;
  releaseLease(agentId: string): Promise<void>;
  /** The runner holding the agent's lease, if any. */
  leaseHolder(agentId: string): Promise<string | null>;
  /**
   * Removes leases (and runners) whose time ran out, once: of several servers sweeping at once, each expired lease
   * goes to exactly one of them.
   */
  takeExpired(): Promise<ExpiredLease[]>;
  close(): Promise<void>;
}
