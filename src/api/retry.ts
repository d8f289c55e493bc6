// When to try a request again, and how long to wait first. Pure functions: the transport
// (client.ts) classifies each failed attempt and asks `decideRetry` what to do.
//
// Which failures are retried, and why
// ───────────────────────────────────
// | failure                                          | idempotent call (GET, login) | non-idempotent (issue, renew, revoke, cancel) |
// |--------------------------------------------------|------------------------------|-----------------------------------------------|
// | connect error: ECONNREFUSED, ENOTFOUND,          | retry                        | retry — no byte of the request left us        |
// |   EAI_AGAIN, ENETUNREACH, EHOSTUNREACH,          |                              |                                               |
// |   connect timeout                                |                              |                                               |
// | 429 rate limited                                 | retry (Retry-After / text)   | retry — the limiter answers before the route  |
// | 503 service unavailable                          | retry                        | retry — the server declined to handle it      |
// | 502 bad gateway, 504 gateway timeout             | retry                        | NO — a gateway may already have forwarded the |
// |                                                  |                              |   body and the backend may have issued        |
// | 500 internal error                               | no                           | NO — the server may have failed after issuing |
// | reset / socket closed / headers or body timeout  | retry                        | NO — the body was sent; it may have issued    |
// |   / overall per-attempt timeout                  |                              |                                               |
// | other 4xx, 2xx with a body we cannot read        | no                           | no                                            |
//
// A blind retry of the issue call after it may have been processed can issue a second
// certificate; an operator can see and revoke one extra certificate, but nobody notices
// two. So the non-idempotent column only retries failures that prove nothing was processed.

export type Failure =
  | { kind: "status"; status: number; retryAfterMs?: number }
  | { kind: "network"; code: string; connectPhase: boolean };

export interface RetryPolicy {
  /** Total attempts allowed: `--retries` + 1. */
  maxAttempts: number;
  /** Base of the exponential backoff (full jitter); about 500 ms in production. */
  baseMs: number;
  /** Upper bound of one backoff step. */
  capMs: number;
  /** Longest server-requested wait (Retry-After) we accept; longer means give up now. */
  maxRetryAfterMs: number;
  random: () => number;
}

export const DEFAULT_RETRY_BASE_MS = 500;
export const DEFAULT_RETRY_CAP_MS = 30_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;

/** Statuses worth another try at all. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
/** Of those, the ones that prove the request was not processed. */
const UNPROCESSED_STATUSES = new Set([429, 503]);

/** Node/undici error codes raised before a connection existed, so before any byte was sent. */
const CONNECT_PHASE_CODES = new Set([
  "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Network errors that are worth another try (a TLS verification failure is not). */
const RETRYABLE_NETWORK_CODES = new Set([
  ...CONNECT_PHASE_CODES,
  "ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT", "UND_ERR_CLOSED", "TIMEOUT",
]);

export function isConnectPhaseCode(code: string): boolean {
  return CONNECT_PHASE_CODES.has(code);
}

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * What to do after failed attempt number `attempt` (1-based). `remainingMs` is the time left
 * before an overall deadline, if there is one: we never sleep past it.
 */
export function decideRetry(
  failure: Failure,
  attempt: number,
  idempotent: boolean,
  policy: RetryPolicy,
  remainingMs = Number.POSITIVE_INFINITY,
): RetryDecision {
  const what = failure.kind === "status" ? `HTTP ${failure.status}` : failure.code;
  if (failure.kind === "status") {
    if (!RETRYABLE_STATUSES.has(failure.status)) return { retry: false, reason: `${what} is not retryable` };
    if (!idempotent && !UNPROCESSED_STATUSES.has(failure.status)) {
      return { retry: false, reason: `${what} may come after the request was processed; not retried` };
    }
  } else {
    if (!RETRYABLE_NETWORK_CODES.has(failure.code)) return { retry: false, reason: `${what} is not retryable` };
    if (!idempotent && !failure.connectPhase) {
      return { retry: false, reason: `${what} after the request was sent; not retried` };
    }
  }
  if (attempt >= policy.maxAttempts) return { retry: false, reason: `${what}; no attempts left` };

  let delayMs = backoffDelay(attempt, policy);
  if (failure.kind === "status" && failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > policy.maxRetryAfterMs) {
      return { retry: false, reason: `${what}; the server asked to wait ${Math.ceil(failure.retryAfterMs / 1000)}s, too long` };
    }
    delayMs = failure.retryAfterMs;
  }
  if (delayMs >= remainingMs) return { retry: false, reason: `${what}; waiting ${delayMs} ms would pass the deadline` };
  return { retry: true, delayMs, reason: what };
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt-1))). */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "baseMs" | "capMs" | "random">): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/** `Retry-After: <seconds>` or `Retry-After: <HTTP date>`, in milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Infisical's 429 says "Rate limit exceeded. Please try again in N seconds". */
export function parseTryAgainText(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const match = /try again in (\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b/i.exec(message);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? "s").toLowerCase();
  if (unit.startsWith("ms") || unit.startsWith("milli")) return Math.ceil(amount);
  if (unit.startsWith("m")) return Math.ceil(amount * 60_000);
  return Math.ceil(amount * 1000);
}

/**
 * One pause shared by every lane of a run. A 429 is the server saying "this client (IP) is
 * over its limit", not "this request": when one lane hears it, every lane waits until the
 * server's Retry-After before sending again, instead of each lane finding out by a 429 of its
 * own (which, with 8 lanes, is 8 refused requests per window instead of about one).
 */
export interface RatePause {
  /** Ms since epoch before which nothing is sent; 0 when not paused. */
  readonly until: number;
  /** Pause every lane until `until` (a later pause wins; an earlier one never shortens it). */
  pauseUntil(until: number): void;
  /** Resolves once the pause is over; rejects with the signal's reason when it fires. */
  wait(signal?: AbortSignal, now?: () => number): Promise<void>;
}

export function createRatePause(sleepFor: (ms: number, signal?: AbortSignal) => Promise<void>): RatePause {
  let until = 0;
  return {
    get until() {
      return until;
    },
    pauseUntil(next) {
      until = Math.max(until, next);
    },
    async wait(signal, now = Date.now) {
      // A loop: another lane may extend the pause while this one sleeps.
      for (let left = until - now(); left > 0; left = until - now()) await sleepFor(left, signal);
    },
  };
}
