// Per-certificate backoff: a certificate that failed is left alone for 1 minute, then 2, 4, …
// capped at the check interval, so one broken entry neither stops the agent nor hammers the
// server every minute for days. A success forgets the failures.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const BACKOFF_BASE_MS = 60_000;

export interface Backoff {
  /** Record a failure at `now`; returns how long the certificate is left alone. */
  failed(key: string, now: number): number;
  succeeded(key: string): void;
  /** Keys still waiting at `now`. */
  waiting(now: number): Set<string>;
  /** The earliest time a waiting key may be tried again; undefined when none waits. */
  nextRetryAt(now: number): number | undefined;
  /** Forget keys no longer in the file (a reload may drop entries). */
  retain(keys: ReadonlySet<string>): void;
  /**
   * End every wait now (a reload: the operator changed something, so try again at once). The
   * failure counts stay: a certificate that fails again waits longer than it did.
   */
  retryNow(now: number): void;
  readonly size: number;
}

export function createBackoff(policy: BackoffPolicy): Backoff {
  const entries = new Map<string, { failures: number; until: number }>();
  return {
    failed(key, now) {
      const failures = (entries.get(key)?.failures ?? 0) + 1;
      const delay = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
      entries.set(key, { failures, until: now + delay });
      return delay;
    },
    succeeded(key) {
      entries.delete(key);
    },
    waiting(now) {
      return new Set([...entries].filter(([, e]) => e.until > now).map(([key]) => key));
    },
    nextRetryAt(now) {
      let next: number | undefined;
      for (const e of entries.values()) if (e.until > now && (next === undefined || e.until < next)) next = e.until;
      return next;
    },
    retain(keys) {
      for (const key of entries.keys()) if (!keys.has(key)) entries.delete(key);
    },
    retryNow(now) {
      for (const entry of entries.values()) entry.until = Math.min(entry.until, now);
    },
    get size() {
      return entries.size;
    },
  };
}
