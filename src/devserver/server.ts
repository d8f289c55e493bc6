// The node:http server: routing, authentication, --latency, request counting and logging.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { authenticate } from "./auth.js";
import { errorAnswer, forbidden, HttpError, internalError, isLoopback, notFound, readJsonBody, send, type Answer } from "./http.js";
import { matchRoute, type Route, type ServerOptions } from "./router.js";
import { authRoutes } from "./routes-auth.js";
import { certificateRoutes } from "./routes-certificates.js";
import { devRoutes } from "./routes-dev.js";
import { loginRoutes } from "./login/routes.js";
import { projectRoutes } from "./routes-projects.js";
import { countRequest, type ServerState } from "./state.js";
import { sleep } from "../util/sleep.js";

/** The stats key under which refused (429) requests are counted; they reach no route. */
export const RATE_LIMITED = "429 RateLimitExceeded";

const ROUTES: Route[] = [...authRoutes, ...loginRoutes, ...certificateRoutes, ...projectRoutes, ...devRoutes];

/** Counted under this name when no route matches. */
const UNMATCHED = "unmatched";

export function createHttpServer(state: ServerState, options: ServerOptions, log?: (line: string) => void): Server {
  return createServer((req, res) => {
    const started = Date.now();
    void handle(state, options, req)
      .catch((error: unknown) => {
        if (error instanceof HttpError) return errorAnswer(error);
        log?.(`internal error: ${error instanceof Error ? error.message : String(error)}`);
        return errorAnswer(internalError());
      })
      .then(async (answer) => {
        if (options.latencyMs > 0 && !isDevPath(req)) await sleep(options.latencyMs);
        if (!res.destroyed) send(res, answer);
        log?.(`${req.method ?? "?"} ${req.url ?? ""} ${answer.status} ${Date.now() - started}ms`);
      });
  });
}

async function handle(state: ServerState, options: ServerOptions, req: IncomingMessage): Promise<Answer> {
  const url = new URL(req.url ?? "/", "http://dev-server.invalid");
  const path = url.pathname.startsWith("/api/") ? url.pathname.slice(4) : undefined;
  const found = path === undefined ? undefined : matchRoute(ROUTES, req.method ?? "", path);
  if (!found) {
    countRequest(state, UNMATCHED);
    throw notFound(`Route ${req.method ?? ""}:${url.pathname} not found`);
  }
  const { route, params } = found;
  if (route.dev) {
    if (!isLoopback(req.socket.remoteAddress)) throw forbidden("Dev endpoints answer loopback callers only");
  } else {
    try {
      options.limiter?.take(req.socket.remoteAddress ?? "", req.method ?? "");
    } catch (error) {
      countRequest(state, RATE_LIMITED);
      throw error;
    }
    countRequest(state, route.name);
  }
  if (route.auth) authenticate(state, req);
  let body: Promise<unknown> | undefined;
  return route.handle({
    req, params, query: url.searchParams, state, options,
    body: () => (body ??= readJsonBody(req)),
  });
}

function isDevPath(req: IncomingMessage): boolean {
  return (req.url ?? "").startsWith("/api/v1/dev/");
}

