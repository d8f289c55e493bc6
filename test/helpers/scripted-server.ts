// A scripted local HTTP(S) server for fault tests: each route has a queue of behaviours
// (answer, delay, hang forever, reset mid-body, HTML page), consumed one per request; the
// last behaviour of a queue repeats. Every request is logged so tests can count them.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";

export type Behaviour =
  | {
      kind?: "answer";
      status?: number;
      headers?: Record<string, string>;
      /** An object is sent as JSON; a string is sent as it is. */
      body?: unknown;
      /** Wait this long before answering. */
      delayMs?: number;
    }
  /** Accept the request and never answer. */
  | { kind: "hang" }
  /** Send the status line, headers and half of the body, then destroy the socket. */
  | { kind: "reset-mid-body"; status?: number; body?: string }
  /** Destroy the socket before any answer. */
  | { kind: "reset" }
  /** A proxy's or load balancer's HTML page. */
  | { kind: "html"; status?: number };

export type Script = Behaviour | ((req: ScriptedRequest) => Behaviour);

export interface ScriptedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface ScriptedServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly requests: ScriptedRequest[];
  /** Queue behaviours for "METHOD /path" (exact path, or a prefix ending in `*`). */
  on(route: string, ...behaviours: Script[]): ScriptedServer;
  /** Requests received, optionally only those of one route. */
  count(route?: string): number;
  close(): Promise<void>;
}

export interface ScriptedServerOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export const HTML_PAGE =
  "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>" +
  "<p>The proxy server received an invalid response from an upstream server.</p></body></html>";

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const routes = new Map<string, Script[]>();
  const requests: ScriptedRequest[] = [];
  const sockets = new Set<Socket>();

  const matches = (route: string, req: ScriptedRequest) => {
    const [method, path = ""] = route.split(" ");
    if (method !== req.method) return false;
    return path.endsWith("*") ? req.path.startsWith(path.slice(0, -1)) : req.path === path;
  };

  const next = (req: ScriptedRequest): Behaviour => {
    for (const [route, queue] of routes) {
      if (!matches(route, req) || queue.length === 0) continue;
      const script = (queue.length > 1 ? queue.shift() : queue[0]) as Script;
      return typeof script === "function" ? script(req) : script;
    }
    return { status: 404, body: { statusCode: 404, error: "NotFound", message: `no script for ${req.method} ${req.path}` } };
  };

  const handler = (incoming: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = incoming.url ?? "/";
      const req: ScriptedRequest = {
        method: incoming.method ?? "GET",
        path: url.split("?")[0] ?? url,
        url,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(req);
      void perform(next(req), res);
    });
  };

  const server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  server.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // A TLS handshake the client rejects is expected in tests; keep it from crashing the server.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const scripted: ScriptedServer = {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    on(route, ...behaviours) {
      routes.set(route, [...(routes.get(route) ?? []), ...behaviours]);
      return scripted;
    },
    count(route) {
      return route === undefined ? requests.length : requests.filter((req) => matches(route, req)).length;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return scripted;
}

/** Answer one request as `behaviour` says (also used by the fault proxy for its local faults). */
export async function perform(behaviour: Behaviour, res: ServerResponse): Promise<void> {
  switch (behaviour.kind) {
    case "hang":
      return;
    case "reset":
      res.socket?.destroy();
      return;
    case "html":
      res.writeHead(behaviour.status ?? 200, { "content-type": "text/html; charset=utf-8" });
      res.end(HTML_PAGE);
      return;
    case "reset-mid-body": {
      const body = behaviour.body ?? JSON.stringify({ certificate: "x".repeat(2000), serialNumber: "01" });
      res.writeHead(behaviour.status ?? 200, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
      });
      // Cut the connection once the half is handed to the socket (not after a guessed 20 ms).
      res.write(body.slice(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    default: {
      if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      const isText = typeof behaviour.body === "string";
      const body = behaviour.body === undefined ? "" : isText ? (behaviour.body as string) : JSON.stringify(behaviour.body);
      res.writeHead(behaviour.status ?? 200, {
        "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
        ...behaviour.headers,
      });
      res.end(body);
    }
  }
}

/** An Infisical error body. */
export function apiError(statusCode: number, error: string, message: unknown): Behaviour {
  return { status: statusCode, body: { reqId: "req-test", statusCode, error, message } };
}
