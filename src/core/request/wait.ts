// Poll a certificate request until it reaches a final status, the wait budget runs out, or
// the user interrupts. Backoff starts at 2 s and grows ×1.5 to a minute: approvals take
// minutes to hours, and a fleet polling every 2 s would trip Infisical's rate limits.
import { isPendingStatus, type CertificateRequestStatus } from "../../model/types.js";
import { sleep as utilSleep } from "../../util/sleep.js";

export const POLL_INITIAL_MS = 2_000;
/**
 * The first pause, as a setting: tests that run certctl in-process shorten it (test/helpers/
 * setup.ts) so a request pending for 0.3 s is not waited on for 2 s. Nothing in a shipped
 * command changes it: no flag, no environment variable.
 */
export const pollTiming = { initialMs: POLL_INITIAL_MS };
export const POLL_MAX_MS = 60_000;
export const POLL_FACTOR = 1.5;

export interface RequestPoller {
  getCertificateRequest(id: string): Promise<CertificateRequestStatus>;
}

export interface WaitOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Called with every answer, so the UI can show status and pendingMessage. */
  onStatus?: (status: CertificateRequestStatus) => void;
  /** Seams for tests. */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  initialDelayMs?: number;
}

export type WaitOutcome =
  | { kind: "final"; request: CertificateRequestStatus }
  | { kind: "timeout"; request: CertificateRequestStatus | undefined }
  | { kind: "interrupted"; request: CertificateRequestStatus | undefined };

/** util/sleep's timer, but an interruption just ends the pause: the wait loop reports it itself. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return utilSleep(ms, signal).catch(() => undefined);
}

/**
 * Never throws for timing reasons: the caller turns timeout and interruption into the right
 * error with the resume command. API errors (auth, refused, unavailable) propagate as they are.
 */
export async function waitForRequest(api: RequestPoller, requestId: string, opts: WaitOptions): Promise<WaitOutcome> {
  const now = opts.now ?? Date.now;
  const pause = opts.sleep ?? sleep;
  const deadline = now() + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? pollTiming.initialMs;
  let last: CertificateRequestStatus | undefined;
  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0) return { kind: "timeout", request: last };
    await pause(Math.min(delay, remaining), opts.signal);
    if (opts.signal.aborted) return { kind: "interrupted", request: last };
    last = await api.getCertificateRequest(requestId);
    opts.onStatus?.(last);
    if (!isPendingStatus(last.status)) return { kind: "final", request: last };
    delay = Math.min(delay * POLL_FACTOR, POLL_MAX_MS);
  }
}
