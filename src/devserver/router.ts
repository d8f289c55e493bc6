// A small table router over node:http: each route names itself (for /api/v1/dev/stats),
// says whether it needs a bearer token, and returns an Answer or throws an HttpError.
import type { IncomingMessage } from "node:http";
import type { Answer } from "./http.js";
import type { LifecycleOptions } from "./lifecycle.js";
import type { ServerState } from "./state.js";
import type { Limiter } from "./ratelimit.js";

export interface ServerOptions extends LifecycleOptions {
  tokenTtlMs: number;
  /** accessTokenMaxTTL: no renewal takes a token past this long after its login. */
  tokenMaxTtlMs: number;
  latencyMs: number;
  /** --rate-limit, when given. */
  limiter?: Limiter;
}

export interface RouteContext {
  req: IncomingMessage;
  /** The pattern's capture groups, in order. */
  params: string[];
  query: URLSearchParams;
  state: ServerState;
  options: ServerOptions;
  /** The parsed JSON body (read after authentication, as a real server does). */
  body(): Promise<unknown>;
}

export interface Route {
  method: "GET" | "POST";
  /** Matched against the path below /api. */
  pattern: RegExp;
  /** "POST /v1/cert-manager/certificates" style, the key in the stats. */
  name: string;
  auth: boolean;
  /** Dev-only endpoints: loopback callers only, not delayed by --latency, not counted. */
  dev?: boolean;
  handle(ctx: RouteContext): Promise<Answer>;
}

const SEGMENT = "([^/]+)";

/** `route("GET", "/v1/x/:id", …)` with `:name` placeholders for one path segment each. */
export function route(method: Route["method"], path: string, auth: boolean, handle: Route["handle"], dev = false): Route {
  const pattern = new RegExp(`^${path.replace(/:[a-zA-Z]+/g, SEGMENT)}/?$`);
  return { method, pattern, name: `${method} /api${path}`, auth, dev, handle };
}

export function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { route: candidate, params: match.slice(1).map((part) => decodeURIComponent(part)) };
  }
  return undefined;
}
