// What each exit code means, in the words of the command-line contract. One table for the root
// help's summary line and the man page's EXIT STATUS section.
export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [string, string, string]> = [
  ["0", "ok", "success: issued, renewed, or nothing was due"],
  ["1", "bug", "unexpected internal error (a bug in certctl)"],
  ["2", "usage", "usage or invalid input, found before any request was sent"],
  ["3", "auth", "authentication or permission failure (401, 403, login refused)"],
  ["4", "CA refused", "the CA refused: 400, 404, 422, or the request ended failed or rejected"],
  ["5", "still pending", "still pending when waiting stopped; certctl status <id> resumes"],
  ["6", "unavailable", "server or network unavailable after retries"],
  ["7", "file error", "local file error: cannot read an input or write an output; existing files are left as they were"],
  ["8", "hook failed", "renewed and written, but the deploy hook failed"],
  ["9", "needs attention", "check only: a certificate needs attention (due, expired, revoked, pending or broken)"],
  ["130/143", "interrupted", "interrupted (SIGINT / SIGTERM)"],
];

/** "0 ok, 2 usage, …" for the root help. */
export function exitCodeSummary(): string {
  return EXIT_CODE_MEANINGS.filter(([code]) => code !== "1" && code !== "130/143").map(([code, short]) => `${code} ${short}`).join(", ");
}
