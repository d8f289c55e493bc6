// --rate-limit: Infisical Cloud's per-IP limits as a client meets them. Reads (GET) and writes
// (everything else) are counted separately, each in a fixed window per client IP (the real
// server's @fastify/rate-limit keeps a counter per key that resets when its window ends), and
// an request over the limit answers 429 RateLimitExceeded with Retry-After and the real message.
import { HttpError } from "./http.js";

export interface RateLimit {
  /** Requests of one kind (reads or writes) allowed per window and client IP. */
  limit: number;
  windowMs: number;
}

const UNITS: Record<string, number> = { s: 1000, sec: 1000, min: 60_000, m: 60_000, h: 3_600_000 };

/** `60/min`, `5/s`, `20/2s`: undefined when the text is not one of those shapes. */
export function parseRateLimit(text: string): RateLimit | undefined {
  const match = /^(\d+)\/(\d*)(s|sec|min|m|h)$/.exec(text.trim());
  if (!match) return undefined;
  const limit = Number(match[1]);
  const windowMs = (match[2] ? Number(match[2]) : 1) * (UNITS[match[3] ?? ""] ?? 0);
  return limit >= 1 && windowMs >= 1 ? { limit, windowMs } : undefined;
}

export interface Limiter {
  /** Counts one request; throws the 429 a real server answers when it is over the limit. */
  take(ip: string, method: string): void;
  /** Off lets a test set up a fleet without waiting on the limit (POST /api/v1/dev/rate-limit). */
  enabled: boolean;
}

export function createLimiter(rate: RateLimit, now: () => number = Date.now): Limiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    enabled: true,
    take(ip, method) {
      if (!this.enabled) return;
      const key = `${method === "GET" ? "read" : "write"} ${ip}`;
      const t = now();
      let window = windows.get(key);
      if (!window || t - window.start >= rate.windowMs) {
        window = { start: t, count: 0 };
        windows.set(key, window);
      }
      window.count++;
      if (window.count <= rate.limit) return;
      const seconds = Math.max(1, Math.ceil((window.start + rate.windowMs - t) / 1000));
      throw rateLimited(seconds);
    },
  };
}

export function rateLimited(seconds: number): HttpError {
  return new HttpError(429, `Rate limit exceeded. Please try again in ${seconds} seconds`, "RateLimitExceeded", {
    "retry-after": String(seconds),
  });
}
