// GETs and POSTs to a platform's metadata or token service (IMDS, GCE metadata, GitHub's token
// URL…): node's own fetch, never a proxy (these are link-local or the platform's own), a timeout
// on each call, and every failure an AuthError naming the method and the service, so a VM
// without the service fails in seconds with exit 3 instead of hanging.
import { AuthError } from "../../model/errors.js";
import { METHOD_LABEL, type LoginContext } from "./methods.js";

export interface ServiceCall {
  /** What the service is, for messages ("the GCE metadata server"). */
  service: string;
  url: string;
  method?: "GET" | "POST" | "PUT";
  headers?: Record<string, string>;
  body?: string;
  /** Which variable points this call elsewhere, for the hint. */
  override: string;
}

export async function callService(ctx: LoginContext, call: ServiceCall): Promise<string> {
  const label = METHOD_LABEL[ctx.login.method];
  const signals = [AbortSignal.timeout(ctx.timeoutMs), ...(ctx.signal ? [ctx.signal] : [])];
  let res: Response;
  const started = Date.now();
  try {
    res = await fetch(call.url, {
      method: call.method ?? "GET",
      headers: call.headers ?? {},
      ...(call.body !== undefined ? { body: call.body } : {}),
      signal: AbortSignal.any(signals),
      redirect: "error",
    });
  } catch (error) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    const timedOut = (error as Error).name === "TimeoutError";
    const why = timedOut ? `no answer within ${ctx.timeoutMs} ms` : describeFetchError(error);
    throw new AuthError(`${label}: cannot reach ${call.service} at ${origin(call.url)} (${why})`, {
      hint: `Is certctl running where ${call.service} exists? ${call.override} points it elsewhere; or choose another --auth-method.`,
    });
  }
  const text = await res.text();
  ctx.debug?.(`${label}: ${call.method ?? "GET"} ${origin(call.url)} → ${res.status} in ${Date.now() - started} ms`);
  if (!res.ok) {
    throw new AuthError(`${label}: ${call.service} answered HTTP ${res.status}${shortReason(text)}`, {
      hint: `Check that this machine has an identity ${call.service} will vouch for.`,
    });
  }
  return text;
}

export function parseJsonField(ctx: LoginContext, service: string, text: string, field: string): string {
  let value: unknown;
  try {
    value = (JSON.parse(text) as Record<string, unknown>)[field];
  } catch {
    value = undefined;
  }
  if (typeof value !== "string" || value === "") {
    throw new AuthError(`${METHOD_LABEL[ctx.login.method]}: ${service} answered without a ${field}`);
  }
  return value;
}

function origin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** A short reason from an error body; a token service's body is an error message, never a credential. */
function shortReason(text: string): string {
  const line = text.replace(/\s+/g, " ").trim().slice(0, 160);
  return line ? `: ${line}` : "";
}
