// Durations from the command line ("30s", "10m", "2w", "90 days") and the ttl form the
// server accepts. Parsing uses `ms`, the same package Infisical parses ttl with.
import ms from "ms";
import { invalidFlag } from "./errors.js";

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
  const millis = parseDuration(flag, value);
  if (millis % DAY === 0) return `${millis / DAY}d`;
  if (millis % HOUR === 0) return `${millis / HOUR}h`;
  throw invalidFlag(flag, value, "the server accepts whole hours or days, e.g. 12h, 30d, 2w");
}

export function formatDuration(millis: number): string {
  const abs = Math.abs(millis);
  if (abs >= DAY) return `${Math.floor(abs / DAY)}d`;
  if (abs >= HOUR) return `${Math.floor(abs / HOUR)}h`;
  if (abs >= 60_000) return `${Math.floor(abs / 60_000)}m`;
  return `${Math.floor(abs / 1000)}s`;
}
