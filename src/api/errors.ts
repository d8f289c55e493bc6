// Infisical error bodies → the typed errors of src/model/errors.ts, and `serverText`: the one path
// every piece of text a server chose takes before certctl shows it (error bodies, a pending
// request's message, a failed request's errorMessage). A misbehaving server or proxy could reflect
// our own request back at us, secrets included, or send terminal control sequences.
import { AuthError, CertctlError, RefusedError, UnavailableError } from "../model/errors.js";
import { formatDuration } from "../model/duration.js";
import { PRIVATE_KEY_PEM } from "../util/pem.js";
import { escapeControlsOneLine } from "../util/terminal.js";
import { isConnectPhaseCode } from "./retry.js";

const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** A JWS compact serialisation (Infisical's access tokens): header.payload.signature, base64url. */
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** Strips PEM private-key blocks, bearer tokens, JWTs and the given secret values from `text`. */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text.replace(PRIVATE_KEY_PEM, "[private key redacted]").replace(BEARER, "Bearer [redacted]").replace(JWT, "[token redacted]");
  for (const secret of secrets) {
    // Short values would blank out ordinary words; real tokens and secrets are long.
    if (secret && secret.length >= 6) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/**
 * Text a server chose, made safe to show: secrets redacted (bearer tokens, JWTs, private keys, the
 * run's own secrets) and control characters — ESC, CSI, OSC, C1 (U+009B), CR, newlines — shown as
 * visible escapes, so it can neither leak a secret nor drive the terminal. Every mode gets it:
 * the JSON documents carry the same redacted text (JSON's own escaping keeps them parseable).
 */
export function serverText(text: string, secrets: Iterable<string | undefined> = []): string {
  return escapeControlsOneLine(redact(text, secrets));
}

/** serverText for a value that may be absent or not a string (a field of a server's JSON). */
export function optionalServerText(value: unknown, secrets: Iterable<string | undefined> = []): string | null {
  return typeof value === "string" ? serverText(value, secrets) : null;
}

/** One 422 issue as Infisical (zod) reports it. */
interface Issue {
  message?: unknown;
  path?: unknown;
}

/** More issues than this are counted, not listed: a server chooses how many it sends. */
const MAX_ISSUES = 20;

/** "attributes.commonName: String must contain at most 100 character(s)", one line per issue. */
export function issueLines(issues: readonly unknown[]): string[] {
  const lines = issues.slice(0, MAX_ISSUES).map((raw) => {
    if (typeof raw === "string") return raw;
    const issue = (typeof raw === "object" && raw !== null ? raw : {}) as Issue;
    const message = typeof issue.message === "string" ? issue.message : shallowJson(raw);
    const path = Array.isArray(issue.path) ? issue.path.slice(0, MAX_ISSUES).map((part) => shallowJson(part)).join(".") : "";
    return path ? `${path}: ${message}` : message;
  });
  if (issues.length > MAX_ISSUES) lines.push(`(${issues.length - MAX_ISSUES} more issues)`);
  return lines;
}

/**
 * JSON of a value a server chose, at most `depth` levels deep: JSON.stringify recurses, and a
 * body nested 100,000 levels deep would overflow the stack (an internal error, exit 1).
 */
export function shallowJson(value: unknown, depth = 3): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return String(value);
  if (depth <= 0) return Array.isArray(value) ? "[…]" : "{…}";
  if (Array.isArray(value)) return `[${value.slice(0, MAX_ISSUES).map((item) => shallowJson(item, depth - 1)).join(",")}]`;
  const entries = Object.entries(value).slice(0, MAX_ISSUES).map(([key, item]) => `${JSON.stringify(key)}:${shallowJson(item, depth - 1)}`);
  return `{${entries.join(",")}}`;
}

export interface ErrorResponse {
  status: number;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  body: unknown;
  contentType: string | undefined;
}

export interface ErrorContext {
  host: string;
  /** "POST /v1/cert-manager/certificates" */
  operation: string;
  attempts: number;
  secrets: readonly (string | undefined)[];
  /** A next step for the unavailable case (e.g. why a 500 on the issue call was not retried). */
  hint?: string;
}

/** `error` and `message` of an Infisical error body, redacted; message lines for a 422 array. */
export function describeBody(
  response: ErrorResponse,
  secrets: readonly (string | undefined)[],
): { error: string | undefined; message: string | undefined; lines: string[] } {
  const body = response.body;
  if (typeof body !== "object" || body === null) return { error: undefined, message: undefined, lines: [] };
  const record = body as Record<string, unknown>;
  const error = typeof record.error === "string" ? serverText(record.error, secrets) : undefined;
  if (Array.isArray(record.message)) {
    return { error, message: undefined, lines: issueLines(record.message).map((line) => serverText(line, secrets)) };
  }
  const message = typeof record.message === "string" ? serverText(record.message, secrets) : undefined;
  return { error, message, lines: [] };
}

export function isTokenError(response: ErrorResponse): boolean {
  if (response.status === 401) return true;
  if (response.status !== 403) return false;
  const body = response.body as Record<string, unknown> | undefined;
  return typeof body === "object" && body !== null && body.error === "TokenError";
}

function attemptsText(attempts: number): string {
  return `after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
}

/** Maps a final non-2xx answer to its exit code (the README's "Exit codes" table). */
export function errorForResponse(response: ErrorResponse, ctx: ErrorContext): CertctlError {
  const { status } = response;
  const { error, message, lines } = describeBody(response, ctx.secrets);
  const notJson = response.body === undefined;
  const said = message ?? (lines.length > 0 ? "the request is invalid" : undefined);
  const serverText = said ?? (notJson ? `a ${bodyKind(response.contentType)} body, not an Infisical API answer` : `HTTP ${status}`);

  if (status === 401) {
    return new AuthError(`authentication failed at ${ctx.host} (HTTP 401): ${serverText}`, {
      hint: "Check the token, or the Universal Auth client id and secret.",
    });
  }
  if (status === 403) {
    if (error === "TokenError") {
      return new AuthError(`the access token was refused by ${ctx.host} (403 TokenError): ${serverText}`, {
        hint: "The token is expired or malformed: use a fresh token, or Universal Auth client credentials so certctl can log in again.",
      });
    }
    // Some builds refuse to renew CSR-issued certificates with a 403 ForbiddenError: a refusal of
    // the operation (exit 4, renew issues fresh), not a missing permission (PermissionDenied).
    if (error === "ForbiddenError" && message !== undefined && /not eligible for renewal/i.test(message)) {
      return new RefusedError(`${ctx.host} refused ${ctx.operation} (HTTP 403): ${message}`, { status, lines });
    }
    return new AuthError(
      `permission denied by ${ctx.host} for ${ctx.operation}: the machine identity lacks the permission for this action` +
        (said ? ` (${said})` : ""),
      { hint: "Give the identity a project role that allows this on certificates (the built-in 'member' role may not)." },
    );
  }
  if (status === 429 || status >= 500) {
    return new UnavailableError(
      `${ctx.host} answered HTTP ${status} to ${ctx.operation} ${attemptsText(ctx.attempts)}: ${serverText}`,
      { ...(lines.length > 0 ? { lines } : {}), ...(ctx.hint ? { hint: ctx.hint } : {}) },
    );
  }
  if (status >= 400) {
    const text = said ?? (notJson ? serverText : `HTTP ${status}${error ? ` ${error}` : ""}`);
    return new RefusedError(`${ctx.host} refused ${ctx.operation} (HTTP ${status}): ${text}`, { status, lines });
  }
  return new UnavailableError(`unexpected HTTP ${status} from ${ctx.host} to ${ctx.operation}`);
}

/** A transport failure after the last attempt (or one we must not retry). */
export function errorForNetwork(
  code: string,
  detail: string,
  ctx: ErrorContext & { timeoutMs: number; notRetried?: string },
): UnavailableError {
  const what =
    code === "TIMEOUT" || code.endsWith("_TIMEOUT")
      ? `no answer from ${ctx.host} within ${formatDuration(ctx.timeoutMs)} (${code})`
      : isTlsCode(code)
        ? `TLS verification of ${ctx.host} failed (${code}): ${detail}`
        : `${isConnectPhaseCode(code) ? "cannot reach" : "the connection broke with"} ${ctx.host} (${code}${detail && detail !== code ? `: ${detail}` : ""})`;
  const hint = isTlsCode(code)
    ? "For a self-hosted instance with its own CA, pass --cacert <file> (or set INFISICAL_CACERT)."
    : ctx.notRetried;
  return new UnavailableError(`${what} for ${ctx.operation} ${attemptsText(ctx.attempts)}`, hint ? { hint } : {});
}

function isTlsCode(code: string): boolean {
  return (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|HOSTNAME|ALTNAME/.test(code) &&
    code !== "UND_ERR_CONNECT_TIMEOUT"
  );
}

function bodyKind(contentType: string | undefined): string {
  // The content type is the server's text too.
  const type = contentType?.split(";")[0]?.trim();
  return type ? serverText(type) : "non-JSON";
}
