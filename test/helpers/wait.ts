// Waiting on state, never on the clock: poll a condition (a file, a line on stderr, a server's
// counters) until it holds. The deadline only turns a hang into a readable failure; it is far
// above any healthy wait so a loaded machine is slow, not red (the test's own timeout still rules).
export const WAIT_DEADLINE_MS = 120_000;
const POLL_MS = 20;

/** Resolves once `check()` is true (or returns a value other than undefined/false). */
export async function until<T>(what: string, check: () => T | false | undefined | Promise<T | false | undefined>, deadlineMs = WAIT_DEADLINE_MS): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
