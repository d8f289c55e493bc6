// How long a certificate has left, in words, the same in every command's output.
import { formatDuration } from "../model/duration.js";

/** "29 days", "36 hours", "19 minutes" (see formatDuration's "words" style). */
export function humanDuration(seconds: number): string {
  return formatDuration(seconds * 1000, "words");
}

/** "29 days left", "19 minutes left", or "expired 2 hours ago". */
export function timeLeft(notAfter: string, now = Date.now()): string {
  const seconds = Math.floor((Date.parse(notAfter) - now) / 1000);
  return seconds > 0 ? `${humanDuration(seconds)} left` : `expired ${humanDuration(-seconds)} ago`;
}
