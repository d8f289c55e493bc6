// The fault battery as data: what the network, the server or the disk does wrong, and what
// `certctl issue` must do about it. Read by test/e2e/faults.test.ts (which runs each case
// through a fault proxy in front of a real dev server) and by scripts/gen-failure-table.js.
import type { Fault } from "../../helpers/counting-server.js";

export const CREATE = "POST /api/v1/cert-manager/certificates";
export const LOGIN = "POST /api/v1/auth/universal-auth/login";
export const POLL = "GET /api/v1/cert-manager/certificates/certificate-requests/*";

/** Answers the test derives from the real server's answer (it knows the other certificates). */
export type Rewrite =
  | "foreign-certificate"
  | "chain-without-intermediate"
  | "truncated-certificate"
  | "missing-certificate-id";

/** How the disk refuses the second, forced issue of a set that is already in place. */
export type DiskFault =
  /** A 256 KiB tmpfs filled to the last byte (skipped where mount is not allowed). */
  | "full-tmpfs"
  /** `ulimit -f 1`: every file over 512 bytes fails with EFBIG, whoever runs the test (root too). */
  | "file-size-limit"
  /** --key-file names a directory. */
  | "key-path-is-directory"
  /** --cert-file inside a path whose parent is a regular file (ENOTDIR; root cannot write there either). */
  | "parent-is-a-file";

export interface FaultCase {
  fault: string;
  /** What certctl does, for the failure table. */
  does: string;
  exit: number;
  /** How certctl authenticates: a token, or Universal Auth client credentials (logs in once). */
  auth: "token" | "client";
  globals?: string[];
  args?: string[];
  /** Dev-server profile slug; default "default" (issued at once). */
  profile?: string;
  inject?: Array<[route: string, faults: Array<Fault | { kind: "rewrite"; rewrite: Rewrite }>]>;
  disk?: DiskFault;
  /** Serve the proxy over HTTPS with a self-signed certificate; "cacert" also passes it with --cacert. */
  tls?: "untrusted" | "cacert";
  /** Requests that must reach the proxy, per route. */
  counts?: Record<string, number>;
  /** At least this many requests per route (polling, whose pace is the server's). */
  atLeast?: Record<string, number>;
  message?: RegExp;
  /** "verified": a complete set that openssl verifies; "none": nothing written; "old-intact": the earlier set, byte for byte. */
  files: "verified" | "none" | "old-intact";
  /** The run must take at least this long (a Retry-After that was honoured). */
  minMs?: number;
}

const hang: Fault = { kind: "hang" };
const answer = (status: number, body: unknown, headers?: Record<string, string>): Fault => ({
  kind: "answer", status, body, ...(headers ? { headers } : {}),
});
const apiError = (status: number, error: string, message: unknown) => answer(status, { reqId: "req-fault", statusCode: status, error, message });

export const FAULT_CASES: FaultCase[] = [
  {
    fault: "503, then success", does: "retries with backoff; writes the set", exit: 0, auth: "token",
    inject: [[CREATE, [apiError(503, "ServiceUnavailable", "maintenance")]]], counts: { [CREATE]: 2 }, files: "verified",
  },
  {
    fault: "429 with Retry-After: 1", does: "waits as asked, then retries; writes the set", exit: 0, auth: "token",
    inject: [[CREATE, [answer(429, { statusCode: 429, error: "TooManyRequests", message: "Rate limit exceeded" }, { "retry-after": "1" })]]],
    counts: { [CREATE]: 2 }, files: "verified", minMs: 1000,
  },
  {
    fault: "429 \"Please try again in 1 seconds\" (no header)", does: "reads the wait from Infisical's text; writes the set", exit: 0, auth: "client",
    inject: [[LOGIN, [apiError(429, "TooManyRequests", "Rate limit exceeded. Please try again in 1 seconds")]]],
    counts: { [LOGIN]: 2, [CREATE]: 1 }, files: "verified", minMs: 1000,
  },
  {
    fault: "429 on every try", does: "gives up after --retries, naming host, status and attempts", exit: 6, auth: "token",
    globals: ["--retries", "2"], inject: [[CREATE, [0, 1, 2].map(() => answer(429, { message: "slow down" }, { "retry-after": "0" }))]],
    counts: { [CREATE]: 3 }, message: /127\.0\.0\.1:\d+ answered HTTP 429 to POST \/v1\/cert-manager\/certificates after 3 attempts/, files: "none",
  },
  {
    fault: "429 asking to wait 10 minutes", does: "gives up at once instead of sleeping; says the server asked for 600s", exit: 6, auth: "token",
    inject: [[CREATE, [answer(429, { statusCode: 429, message: "Rate limit exceeded" }, { "retry-after": "600" })]]], counts: { [CREATE]: 1 },
    message: /HTTP 429[\s\S]*asked to wait 600s/, files: "none",
  },
  {
    fault: "503 and a reset while polling a pending request", does: "retries the idempotent status reads; writes the set when issued", exit: 0, auth: "token",
    profile: "external", inject: [[POLL, [apiError(503, "ServiceUnavailable", "maintenance"), { kind: "reset" }]]],
    counts: { [CREATE]: 1 }, atLeast: { [POLL]: 3 }, files: "verified",
  },
  {
    fault: "the server never answers the login", does: "times out each try (--timeout 2s), retries the idempotent login, then stops", exit: 6, auth: "client",
    // 2s, not 1s: on a loaded CI machine a 1s connect deadline to loopback can pass before the
    // event loop gets to the connection, which is retried differently (connect phase).
    globals: ["--timeout", "2s", "--retries", "1"], inject: [[LOGIN, [hang, hang]]], counts: { [LOGIN]: 2, [CREATE]: 0 },
    message: /no answer from 127\.0\.0\.1:\d+ within 2s .*after 2 attempts/, files: "none", minMs: 4000,
  },
  {
    fault: "the server never answers the issue call", does: "times out once; does not resend a request that may have issued", exit: 6, auth: "token",
    globals: ["--timeout", "2s", "--retries", "3"], inject: [[CREATE, [hang]]], counts: { [CREATE]: 1 },
    message: /no answer from 127\.0\.0\.1:\d+ within 2s.*after 1 attempt[\s\S]*Not retried/, files: "none",
  },
  {
    fault: "connection reset mid-body on the issue call", does: "stops after one request (it may have issued); nothing written", exit: 6, auth: "token",
    inject: [[CREATE, [{ kind: "reset-mid-body" }]]], counts: { [CREATE]: 1 },
    message: /connection broke with 127\.0\.0\.1:\d+[\s\S]*Not retried/, files: "none",
  },
  {
    fault: "connection reset before the login answer", does: "retries the login; writes the set", exit: 0, auth: "client",
    inject: [[LOGIN, [{ kind: "reset" }]]], counts: { [LOGIN]: 2, [CREATE]: 1 }, files: "verified",
  },
  {
    fault: "a proxy's HTML page (200) instead of JSON", does: "refuses the unreadable answer; nothing written", exit: 6, auth: "token",
    inject: [[CREATE, [{ kind: "html", status: 200 }]]], counts: { [CREATE]: 1 }, message: /text\/html|not JSON|HTML/i, files: "none",
  },
  {
    fault: "a proxy's HTML page (502) on the issue call", does: "does not retry a gateway error on the issue call", exit: 6, auth: "token",
    inject: [[CREATE, [{ kind: "html", status: 502 }]]], counts: { [CREATE]: 1 }, message: /HTTP 502[\s\S]*Not retried/, files: "none",
  },
  {
    fault: "500 on the issue call", does: "exactly one issue request (it may have issued); says to check before rerunning", exit: 6, auth: "token",
    inject: [[CREATE, [apiError(500, "InternalServerError", "Something went wrong")]]], counts: { [CREATE]: 1 },
    message: /answered HTTP 500 to POST \/v1\/cert-manager\/certificates after 1 attempt[\s\S]*Not retried/, files: "none",
  },
  {
    fault: "403 TokenError (expired token), with client credentials", does: "logs in again once and repeats; writes the set", exit: 0, auth: "client",
    inject: [[CREATE, [apiError(403, "TokenError", "Your token has expired. Please re-authenticate.")]]],
    counts: { [LOGIN]: 2, [CREATE]: 2 }, files: "verified",
  },
  {
    fault: "403 TokenError (expired token), token only", does: "stops: no way to log in again", exit: 3, auth: "token",
    inject: [[CREATE, [apiError(403, "TokenError", "Your token has expired. Please re-authenticate.")]]],
    counts: { [CREATE]: 1 }, message: /access token was refused .*403 TokenError/, files: "none",
  },
  {
    fault: "422 with a list of issues", does: "one line per issue with its field path", exit: 4, auth: "token",
    inject: [[CREATE, [apiError(422, "UnprocessableContent", [
      { code: "too_big", path: ["attributes", "commonName"], message: "String must contain at most 64 character(s)" },
      { code: "invalid_string", path: ["attributes", "altNames", 0, "value"], message: "Invalid" },
    ])]]],
    counts: { [CREATE]: 1 }, message: /attributes\.commonName: String must contain at most 64 character\(s\)\n\s+attributes\.altNames\.0\.value: Invalid/, files: "none",
  },
  {
    fault: "a certificate for another key", does: "refuses the set; nothing written", exit: 4, auth: "token",
    inject: [[CREATE, [{ kind: "rewrite", rewrite: "foreign-certificate" }]]], message: /does not carry our public key/, files: "none",
  },
  {
    fault: "a chain that does not link (intermediate missing)", does: "refuses the set; nothing written", exit: 4, auth: "token",
    inject: [[CREATE, [{ kind: "rewrite", rewrite: "chain-without-intermediate" }]]], message: /chain does not link/, files: "none",
  },
  {
    fault: "a truncated certificate PEM", does: "refuses the set; nothing written", exit: 4, auth: "token",
    inject: [[CREATE, [{ kind: "rewrite", rewrite: "truncated-certificate" }]]], message: /invalid or truncated PEM/, files: "none",
  },
  {
    fault: "an answer without certificateId", does: "names the missing field; nothing written", exit: 6, auth: "token",
    inject: [[CREATE, [{ kind: "rewrite", rewrite: "missing-certificate-id" }]]], message: /certificateId/, files: "none",
  },
  {
    fault: "an HTTPS server whose certificate is not trusted", does: "refuses the connection (TLS verification stays on), no retry; hints --cacert", exit: 6, auth: "token",
    tls: "untrusted", counts: { [CREATE]: 0 }, message: /TLS verification of 127\.0\.0\.1:\d+ failed[\s\S]*--cacert/, files: "none",
  },
  {
    fault: "a self-hosted instance's own CA, given with --cacert", does: "trusts it in addition to the built-in roots; writes the set", exit: 0, auth: "client",
    tls: "cacert", counts: { [LOGIN]: 1, [CREATE]: 1 }, files: "verified",
  },
  {
    fault: "a full disk (tmpfs) during the write", does: "stops; the old set stays live and intact", exit: 7, auth: "token",
    disk: "full-tmpfs", message: /no space left on the device/, files: "old-intact",
  },
  {
    fault: "a file size limit (EFBIG) during the write", does: "stops; the old set stays live and intact", exit: 7, auth: "token",
    disk: "file-size-limit", message: /cannot write .*cert\.pem: file too large/, files: "old-intact",
  },
  {
    fault: "the key path is a directory", does: "refuses before any request; old files intact", exit: 7, auth: "token",
    disk: "key-path-is-directory", counts: { [CREATE]: 0 }, message: /keydir is a directory/, files: "old-intact",
  },
  {
    fault: "an output path under a regular file", does: "refuses before any request; old files intact", exit: 7, auth: "token",
    disk: "parent-is-a-file", counts: { [CREATE]: 0 }, message: /is not a directory/, files: "old-intact",
  },
];
