// How long a certificate has left, in words, the same in every command's output.

/** "29 days", "36 hours", "19 minutes": the largest unit of which there are at least two. */
export function humanDuration(seconds: number): string {
  const units: Array<[number, string]> = [[86_400, "day"], [3_600, "hour"], [60, "minute"], [1, "second"]];
  for (const [size, name] of units) {
    // "36 hours" reads better than "1 day"; switch unit once there are two of the larger one.
    if (seconds >= 2 * size || size === 1) {
      const count = Math.floor(seconds / size);
      return `${count} ${name}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

/** "29 days left", "19 minutes left", or "expired 2 hours ago". */
export function timeLeft(notAfter: string, now = Date.now()): string {
  const seconds = Math.floor((Date.parse(notAfter) - now) / 1000);
  return seconds > 0 ? `${humanDuration(seconds)} left` : `expired ${humanDuration(-seconds)} ago`;
}
