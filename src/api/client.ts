// The one HTTP client: every call to the server goes through `request`. It owns the
// transport concerns — base URL, timeouts, retries (policy in retry.ts), proxies and TLS
// trust — and hands the final answer back; infisical.ts turns answers into typed results.
import type { Dispatcher } from "undici";
import { EnvHttpProxyAgent } from "./undici.js";
import type { Connection } from "./config.js";
import { isSignalReason } from "../model/errors.js";
import { sleep } from "../util/sleep.js";
import { InterruptedError } from "../model/errors.js";
import { errorForNetwork, serverText } from "./errors.js";
import { createRequestGate } from "./gate.js";
import {
  DEFAULT_MAX_RETRY_AFTER_MS, DEFAULT_RETRY_BASE_MS, DEFAULT_RETRY_CAP_MS, decideRetry, isConnectPhaseCode,
  parseRetryAfter, parseTryAgainText, createRatePause, type Failure, type RatePause, type RetryPolicy,
} from "./retry.js";

/** A body larger than this is not an Infisical answer; stop reading instead of filling memory. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpClientOptions {
  /** The run's signal (Ctrl-C / SIGTERM); aborts the attempt in flight and any backoff sleep. */
  signal?: AbortSignal;
  /** Receives one line per attempt and retry decision; never headers or bodies. */
  debug?: (line: string) => void;
  userAgent?: string;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read from (the command's io env); none when absent. */
  env?: NodeJS.ProcessEnv;
  retryBaseMs?: number;
  retryCapMs?: number;
  maxRetryAfterMs?: number;
  /** Absolute time (ms since epoch) no backoff sleep may pass. */
  deadline?: number;
  random?: () => number;
  /** Values never to echo (token, client secret, access tokens); a live list. */
  secrets?: (string | undefined)[];
  /** The 429 pause to share (an agent keeps one across cycles); by default one per client, shared by its lanes. */
  ratePause?: RatePause;
  /** At most this many requests on the wire at once (renew's --concurrency); unbounded when absent. */
  maxInFlight?: number;
}

export interface HttpRequest {
  method: "GET" | "POST";
  /** Below the API root, e.g. `/v1/cert-manager/certificates`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  authorization?: string;
  /** False for calls whose blind repetition could issue, renew or revoke twice. */
  idempotent: boolean;
}

export interface HttpResponse {
  status: number;
  contentType: string | undefined;
  text: string;
  attempts: number;
  /** Why a retryable-looking status was not retried (e.g. a 502 on the issue call). */
  notRetried?: string;
}

export interface HttpClient {
  /** host[:port] of the API, for messages. */
  readonly host: string;
  readonly timeoutMs: number;
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export function createHttpClient(connection: Connection, options: HttpClientOptions = {}): HttpClient {
  const base = new URL(connection.apiUrl);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, "");
  const host = base.host;
  const timeoutMs = connection.timeoutMs;
  const secrets = options.secrets ?? [];
  // Made at the first request: a command that fails its local checks never builds one.
  let dispatcher: Promise<EnvHttpProxyAgent> | undefined;
  const policy: RetryPolicy = {
    maxAttempts: connection.retries + 1,
    baseMs: options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
    capMs: options.retryCapMs ?? DEFAULT_RETRY_CAP_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    random: options.random ?? Math.random,
  };
  const debug = options.debug ?? (() => {});
  const runSignal = options.signal;
  const ratePause = options.ratePause ?? createRatePause(sleep);
  const gate = options.maxInFlight === undefined ? undefined : createRequestGate(options.maxInFlight);

  /**
   * Wait out a 429 pause, then for a place among the requests in flight (held for one attempt,
   * never across a backoff sleep); a pause that began while in line is waited out without one.
   */
  async function admitted(operation: string): Promise<(() => void) | undefined> {
    const interrupted = () => {
      throw interruption(runSignal as AbortSignal, operation);
    };
    for (;;) {
      if (ratePause.until > Date.now()) {
        debug(`${operation} waits ${ratePause.until - Date.now()} ms: the server asked this client to slow down`);
        await ratePause.wait(runSignal).catch(interrupted);
      }
      if (gate === undefined) return undefined;
      const leave = await gate.enter(runSignal).catch(interrupted);
      if (ratePause.until <= Date.now()) return leave;
      leave();
    }
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const operation = `${req.method} ${req.path}`;
    const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : "";
    const headers: Record<string, string> = {
      accept: "application/json, text/plain;q=0.9",
      "user-agent": options.userAgent ?? "certctl",
    };
    if (req.authorization) headers.authorization = req.authorization;
    const body = req.json === undefined ? undefined : JSON.stringify(req.json);
    if (body !== undefined) headers["content-type"] = "application/json";

    for (let attempt = 1; ; attempt++) {
      throwIfInterrupted(runSignal, operation);
      const leave = await admitted(operation);
      const started = Date.now();
      const timeout = AbortSignal.timeout(timeoutMs);
      let failure: Failure;
      let response: HttpResponse | undefined;
      let detail = "";
      try {
        dispatcher ??= createDispatcher(connection, options.env ?? {});
        const res = await send(await dispatcher, {
          origin, path: basePath + req.path + query, method: req.method, headers, body: body ?? null,
          headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
        }, runSignal ? [runSignal, timeout] : [timeout]);
        const text = res.text;
        const contentType = res.contentType;
        response = { status: res.statusCode, contentType, text, attempts: attempt };
        debug(`${operation} → ${res.statusCode} (attempt ${attempt}/${policy.maxAttempts}, ${Date.now() - started} ms)`);
        if (![429, 502, 503, 504].includes(res.statusCode)) {
          if (res.statusCode >= 500) debug(`not retrying ${operation}: HTTP ${res.statusCode} is not retryable`);
          return withHint(response, req);
        }
        const retryAfterMs =
          parseRetryAfter(res.retryAfter) ??
          (res.statusCode === 429 ? parseTryAgainText(messageOf(text)) : undefined);
        failure = retryAfterMs === undefined
          ? { kind: "status", status: res.statusCode }
          : { kind: "status", status: res.statusCode, retryAfterMs };
      } catch (error) {
        throwIfInterrupted(runSignal, operation);
        const code = timeout.aborted ? "TIMEOUT" : errorCode(error);
        detail = serverText(error instanceof Error ? error.message : String(error), secrets);
        failure = { kind: "network", code, connectPhase: isConnectPhaseCode(code) };
        debug(`${operation} failed: ${code} (attempt ${attempt}/${policy.maxAttempts}, ${Date.now() - started} ms)`);
      } finally {
        leave?.();
      }

      // Even a lane that gives up passes the server's word on to the others.
      if (failure.kind === "status" && failure.status === 429 && failure.retryAfterMs !== undefined) {
        ratePause.pauseUntil(Date.now() + Math.min(failure.retryAfterMs, policy.maxRetryAfterMs));
      }
      const remainingMs = options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - Date.now();
      const decision = decideRetry(failure, attempt, req.idempotent, policy, remainingMs);
      if (decision.retry) {
        // Every lane holds off with this one: the limit is per client, not per request.
        if (failure.kind === "status" && failure.status === 429) ratePause.pauseUntil(Date.now() + decision.delayMs);
        debug(`retrying ${operation} in ${decision.delayMs} ms (${decision.reason})`);
        await sleep(decision.delayMs, runSignal).catch(() => {
          throw interruption(runSignal as AbortSignal, operation);
        });
        continue;
      }
      debug(`not retrying ${operation}: ${decision.reason}`);
      if (response && failure.kind === "status" && (failure.retryAfterMs ?? 0) > policy.maxRetryAfterMs) {
        // Giving up before --retries is used up needs saying, or the user wonders why.
        return { ...response, notRetried: tooLongHint(failure.retryAfterMs ?? 0, policy.maxRetryAfterMs) };
      }
      if (response) return withHint(response, req);
      if (failure.kind !== "network") throw new Error("unreachable: a status failure always has a response");
      const canRetryLater = !req.idempotent && !failure.connectPhase && attempt < policy.maxAttempts;
      throw errorForNetwork(failure.code, detail, {
        host, operation, attempts: attempt, secrets, timeoutMs,
        ...(canRetryLater ? { notRetried: NOT_RETRIED_HINT } : {}),
      });
    }
  }

  return { host, timeoutMs, request, close: async () => (dispatcher === undefined ? undefined : (await dispatcher).close()) };
}

/** A 5xx other than 503 on a non-idempotent call was returned without a retry: say why. */
function withHint(response: HttpResponse, req: HttpRequest): HttpResponse {
  const mayHaveProcessed = response.status >= 500 && response.status !== 503;
  return !req.idempotent && mayHaveProcessed ? { ...response, notRetried: NOT_RETRIED_HINT } : response;
}

function tooLongHint(askedMs: number, maxMs: number): string {
  return `The server asked to wait ${Math.ceil(askedMs / 1000)}s before trying again, longer than certctl waits ` +
    `(${Math.round(maxMs / 1000)}s); run the command again later.`;
}

export const NOT_RETRIED_HINT =
  "Not retried: the server may already have processed this request, and a blind retry could issue or renew twice. " +
  "Check the certificate list in Infisical before running the command again.";

/**
 * One dispatcher per API instance. TLS verification stays on; a --cacert bundle is added to
 * Node's built-in roots (a `ca` option replaces them, so both are passed). The proxy
 * variables come from the command's environment, never straight from process.env, so an
 * empty string is passed for unset ones (undici would fall back to process.env on undefined).
 * undici's NO_PROXY matching is by host name or suffix, so `NO_PROXY=127.0.0.1,localhost`
 * exempts loopback; nothing is exempt by default, as with curl.
 */
async function createDispatcher(connection: Connection, env: NodeJS.ProcessEnv): Promise<EnvHttpProxyAgent> {
  // node:tls only when it is needed now (~5 ms at start-up); undici loads it itself for https.
  const tls = connection.cacertPem ? { ca: [...(await import("node:tls")).rootCertificates, connection.cacertPem] } : {};
  return new EnvHttpProxyAgent({
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? "",
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? "",
    noProxy: env.no_proxy ?? env.NO_PROXY ?? "",
    connect: { ...tls, timeout: connection.timeoutMs },
    // Through a proxy, the target's TLS options are `requestTls` (and the proxy's own `proxyTls`).
    requestTls: tls,
    proxyTls: tls,
    headersTimeout: connection.timeoutMs,
    bodyTimeout: connection.timeoutMs,
  });
}

interface Answer {
  statusCode: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  text: string;
}

/**
 * One request through undici's dispatcher, its body collected as it arrives: what undici's
 * request() does, without the Readable stream and async iterator it puts around the body (~0.3 ms
 * of main-thread CPU a request, early in a run). Aborted by any of `signals`; a body over
 * MAX_BODY_BYTES ends it with BODY_TOO_LARGE.
 */
function send(dispatcher: EnvHttpProxyAgent, opts: Dispatcher.DispatchOptions, signals: AbortSignal[]): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let abort: ((reason: unknown) => void) | undefined;
    let reason: unknown;
    let settled = false;
    const answer: Answer = { statusCode: 0, contentType: undefined, retryAfter: undefined, text: "" };
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = (event: Event) => {
      reason ??= (event.target as AbortSignal).reason;
      abort?.(reason);
    };
    const settle = (error: unknown) => {
      if (settled) return;
      settled = true;
      for (const signal of signals) signal.removeEventListener("abort", onAbort);
      if (error !== undefined) reject(error);
      else resolve({ ...answer, text: Buffer.concat(chunks).toString("utf8") });
    };
    for (const signal of signals) {
      if (signal.aborted) reason ??= signal.reason;
      else signal.addEventListener("abort", onAbort, { once: true });
    }
    dispatcher.dispatch(opts, {
      onConnect(abortRequest: (reason: unknown) => void) {
        if (reason !== undefined) abortRequest(reason);
        else abort = abortRequest;
      },
      onHeaders(statusCode: number, rawHeaders: Buffer[]) {
        if (statusCode < 200) return true;
        answer.statusCode = statusCode;
        for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
          const name = rawHeaders[i]!.toString("latin1").toLowerCase();
          if (name === "content-type") answer.contentType ??= rawHeaders[i + 1]!.toString("latin1");
          else if (name === "retry-after") answer.retryAfter ??= rawHeaders[i + 1]!.toString("latin1");
        }
        return true;
      },
      onData(chunk: Buffer) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          const error = new Error(`response body larger than ${MAX_BODY_BYTES} bytes`) as NodeJS.ErrnoException;
          error.code = "BODY_TOO_LARGE";
          abort?.(error);
          return false;
        }
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        settle(undefined);
      },
      onError(error: Error) {
        settle(error);
      },
    } as unknown as Dispatcher.DispatchHandler);
  });
}

function errorCode(error: unknown): string {
  const err = error as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown }; errors?: Array<{ code?: unknown }> };
  if (typeof err?.message === "string" && err.message.startsWith("Proxy response")) return "PROXY_CONNECT_FAILED";
  for (const candidate of [err?.code, err?.cause?.code, err?.errors?.[0]?.code]) {
    if (typeof candidate === "string" && candidate) return candidate;
  }
  return typeof err?.name === "string" ? err.name : "ERROR";
}


function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed?.message === "string" ? parsed.message : undefined;
  } catch {
    return text.slice(0, 500);
  }
}

function interruption(signal: AbortSignal, operation: string): unknown {
  const reason: unknown = signal.reason;
  if (isSignalReason(reason)) return new InterruptedError(reason.signal, `interrupted during ${operation}`);
  return reason;
}

function throwIfInterrupted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw interruption(signal, operation);
}
