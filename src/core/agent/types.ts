// The agent's vocabulary: what one cycle reports, and the events the loop emits for the log.

/**
 * What happened to one certificate in a cycle. `unchanged` ones are not logged. `pending`: a
 * request waits for approval (or an external CA) past the wait: retried like a failure, but no
 * failure hook runs for it. `skipped`: still waiting after a failure. `interrupted`: not started,
 * or stopped between steps, because the agent is stopping.
 */
export type CertificateEvent = "issued" | "renewed" | "reinstalled" | "unchanged" | "pending" | "failed" | "skipped" | "interrupted";

export interface CertificateOutcome {
  /** The entry's name (or the directory's base name). */
  certificate: string;
  dir: string;
  event: CertificateEvent;
  exitCode: number;
  message?: string;
}

export interface CycleResult {
  certificates: CertificateOutcome[];
}

/** Why a cycle runs now. */
export type CycleReason = "start" | "interval" | "reload" | "retry";

export interface CycleInfo {
  reason: CycleReason;
  /** Directories still backing off after a failure: the cycle leaves them alone. */
  backingOff: ReadonlySet<string>;
}

/** One cycle: make the directories match the file (apply), or renew what is due. Never throws for one certificate. */
export type RunCycle = (signal: AbortSignal, info: CycleInfo) => Promise<CycleResult>;

export type LogLevel = "info" | "warn" | "error";

export interface AgentEvent {
  level: LogLevel;
  /** start, cycle, issued, renewed, failed, backoff, reload, token, stop, … */
  event: string;
  certificate?: string;
  message: string;
}

/** Time, injected: the loop never reads the wall clock or sets a timer itself. */
export interface AgentClock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}
