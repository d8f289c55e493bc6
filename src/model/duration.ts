// Durations: parsed from the command line ("30s", "10m", "2w", "90 days"), serialised as the ttl
// the server accepts, and formatted for people — one module, so "30s" reads the same in every
// message. Parsing uses `ms`, the same package Infisical parses ttl with.
import ms from "ms";
import { invalidFlag } from "./errors.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A positive duration in milliseconds; a bare number is refused because its unit is a guess. */
export function parseDuration(flag: string, value: string, opts: { allowZero?: boolean } = {}): number {
  const text = value.trim();
  // `ms` counts a year as 365.25 days; people asking for "1y" mean 365 days.
  const years = /^(\d+)\s*(y|yrs?|years?)$/i.exec(text);
  let parsed: number | undefined;
  if (years) parsed = Number(years[1]) * 365 * DAY;
  else if (text !== "" && !/^\d+(\.\d+)?$/.test(text)) parsed = ms(text as ms.StringValue);
  if (parsed === undefined || !Number.isFinite(parsed) || parsed < 0 || (parsed === 0 && !opts.allowZero)) {
    throw invalidFlag(flag, value, "expected a duration such as 30s, 10m, 12h, 30d, 2w or '90 days'");
  }
  return parsed;
}

/**
 * The ttl as the server accepts it: `<int>d` or `<int>h` only. A real server answers 500
 * to other forms and reads `m` as months in one place and minutes in another.
 */
export function toServerTtl(flag: string, value: string): string {
  const ttl = serverTtl(parseDuration(flag, value));
  if (ttl === undefined) throw invalidFlag(flag, value, "the server accepts whole hours or days, e.g. 12h, 30d, 2w");
  return ttl;
}

/** `30d` or `12h` for a whole number of days or hours; undefined for anything finer. */
export function serverTtl(millis: number): string | undefined {
  if (millis <= 0) return undefined;
  if (millis % DAY === 0) return `${millis / DAY}d`;
  if (millis % HOUR === 0) return `${millis / HOUR}h`;
  return undefined;
}

/**
 * The ttl that gives a new certificate the lifetime of an old one: rounded to whole hours (at
 * least one), since the server takes nothing finer.
 */
export function lifetimeTtl(lifetimeMs: number): string {
  const hours = Math.max(1, Math.round(lifetimeMs / HOUR));
  return serverTtl(hours * HOUR) as string;
}

/**
 * How a duration reads, in one of three styles:
 * - "short" (messages: "waited 30s", "less than 10d left"): the largest whole unit, "1.5s" below a
 *   minute when not whole, "250 ms" below a second;
 * - "words" (time left on a certificate): "29 days", "36 hours" — the largest unit of which there
 *   are at least two, since "36 hours" reads better than "1 day";
 * - "elapsed" (a spinner's clock): "7s", "1m 05s", "2h 03m".
 * Negative durations are formatted by their size; the caller says "ago".
 */
export function formatDuration(millis: number, style: "short" | "words" | "elapsed" = "short"): string {
  const abs = Math.abs(millis);
  switch (style) {
    case "short":
      if (abs >= DAY) return `${Math.floor(abs / DAY)}d`;
      if (abs >= HOUR) return `${Math.floor(abs / HOUR)}h`;
      if (abs >= MINUTE) return `${Math.floor(abs / MINUTE)}m`;
      if (abs >= 1000) return abs % 1000 === 0 || abs >= 10_000 ? `${Math.floor(abs / 1000)}s` : `${(abs / 1000).toFixed(1).replace(/\.0$/, "")}s`;
      return `${Math.floor(abs)} ms`;
    case "words": {
      const seconds = Math.floor(abs / 1000);
      for (const [size, name] of WORD_UNITS) {
        if (seconds >= 2 * size || size === 1) {
          const count = Math.floor(seconds / size);
          return `${count} ${name}${count === 1 ? "" : "s"}`;
        }
      }
      return `${seconds} seconds`;
    }
    case "elapsed": {
      const seconds = Math.floor(abs / 1000);
      if (seconds < 60) return `${seconds}s`;
      const minutes = Math.floor(seconds / 60);
      if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
      return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
    }
  }
}

const WORD_UNITS: Array<[number, string]> = [[86_400, "day"], [3_600, "hour"], [60, "minute"], [1, "second"]];
