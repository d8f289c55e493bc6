// HTTP plumbing shared by the routes: the real server's error body, JSON in and out.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Issue } from "./validate.js";
import { isUuid as isUuidText } from "../model/uuid.js";

/** An answer other than 2xx, with the body shape of a real Infisical server. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Issue[],
    readonly error: string,
    /** Extra response headers (Retry-After on a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === "string" ? body : "validation failed");
  }
}

export const badRequest = (message: string) => new HttpError(400, message, "BadRequest");
export const unauthorized = (message: string) => new HttpError(401, message, "UnauthorizedError");
export const tokenError = (message: string) => new HttpError(403, message, "TokenError");
export const forbidden = (message: string) => new HttpError(403, message, "PermissionDenied");
export const notFound = (message: string) => new HttpError(404, message, "NotFound");
export const validationFailure = (issues: Issue[]) => new HttpError(422, issues, "ValidationFailure");
/** What a real server answers when it trips over input it did not expect: no useful detail. */
export const internalError = () => new HttpError(500, "Something went wrong", "InternalServerError");

export type Answer = ({ status: number; json: unknown } | { status: number; text: string }) & { headers?: Record<string, string> };

export function errorAnswer(error: HttpError): Answer {
  // A 429's body is exactly the real server's: no reqId.
  const json = error.status === 429
    ? { statusCode: 429, error: error.error, message: error.body }
    : { reqId: `req-${randomUUID()}`, statusCode: error.status, message: error.body, error: error.error };
  return { status: error.status, json, headers: error.headers };
}

export function send(res: ServerResponse, answer: Answer): void {
  const isJson = "json" in answer;
  const payload = isJson ? JSON.stringify(answer.json) : answer.text;
  res.writeHead(answer.status, {
    "content-type": isJson ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    ...answer.headers,
  });
  res.end(payload);
}

const MAX_BODY = 1_000_000;

/** The parsed JSON body, `undefined` when empty; unparsable JSON is a bare 500, as on a real server. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, "Request body is too large", "PayloadTooLarge");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw internalError();
  }
}

/** A UUID exactly as sent: the real server's zod check does not trim. */
export function isUuid(value: string): boolean {
  return value === value.trim() && isUuidText(value);
}

/** A path parameter that must be a UUID: 422 like the real server's zod check otherwise. */
export function requireUuid(value: string, name: string): string {
  if (!isUuid(value)) throw validationFailure([{ code: "invalid_string", message: "Invalid uuid", path: [name] }]);
  return value;
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
