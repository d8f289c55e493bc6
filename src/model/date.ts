// The one date format of human output (ui and the agent's log messages): "2026-12-30 05:47:24 UTC" — UTC (a cron log and a
// certificate are read on machines in different zones), no milliseconds, no "T". JSON output keeps
// ISO 8601 as it is.

/** An ISO 8601 string or a Date as "2026-12-30 05:47:24 UTC"; text that is not a date is returned as it is. */
export function humanDate(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
