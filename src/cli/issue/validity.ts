// --ttl, --not-before and --not-after → the validity the server accepts. The hints only suggest
// values that are accepted: a ttl is whole hours or days, at most the server's 100 years.
import { parseDuration } from "../../model/duration.js";
import { MAX_LIFETIME_MS } from "../../core/attributes/attributes.js";
import { invalidValue } from "../shared/wording.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TTL_EXAMPLES = "such as 12h, 30d, 2w, 1y or '90 days'";

/** The ttl as the server accepts it: `<int>d` or `<int>h` (other forms get a 500 from a real server). */
export function parseTtl(value: string, flag = "--ttl"): string {
  const text = value.trim();
  if (/^P/i.test(text)) {
    throw invalidValue(flag, value, `ISO 8601 durations are not read; expected a lifetime in whole hours or days ${TTL_EXAMPLES}`);
  }
  let millis: number;
  try {
    millis = parseDuration(flag, value);
  } catch {
    throw invalidValue(flag, value, `expected a positive duration in whole hours or days ${TTL_EXAMPLES}`);
  }
  checkLifetime(flag, value, millis);
  if (millis % DAY === 0) return `${millis / DAY}d`;
  if (millis % HOUR === 0) return `${millis / HOUR}h`;
  throw invalidValue(flag, value, `the server accepts whole hours or days ${TTL_EXAMPLES}`);
}

/** The server refuses a lifetime over 100 years; refuse it before sending. */
export function checkLifetime(flag: string, value: string, millis: number): void {
  if (millis > MAX_LIFETIME_MS) {
    throw invalidValue(flag, value, `a certificate may live at most 100 years (${MAX_LIFETIME_MS / DAY}d); the server refuses more`);
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time; a date alone means midnight UTC. Returned as a full ISO string. */
export function parseIsoDate(flag: string, value: string): string {
  const text = value.trim();
  const date = ISO_DATE.test(text) ? new Date(/T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !sameCalendarDay(text, date)) {
    throw invalidValue(flag, value, "expected an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z");
  }
  return date.toISOString();
}

/** `2026-02-30` parses as March 2nd in JS; refuse it instead of guessing. */
function sameCalendarDay(text: string, date: Date): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return true;
  return date.toISOString().slice(0, 10) === text;
}
