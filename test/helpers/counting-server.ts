// Loopback servers that count what reaches them, for tests that must prove "zero requests"
// (a connection counts, even one that never completes a request) or inject faults in front
// of a real dev server (so certificates stay real and verifiable with openssl).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { perform, type ScriptedRequest } from "./scripted-server.js";

export interface CountingServer {
  readonly url: string;
  /** TCP connections accepted so far. */
  connections(): number;
  readonly requests: ScriptedRequest[];
  close(): Promise<void>;
}

/** Answers 599 to everything and remembers every connection and request. */
export async function startCountingServer(): Promise<CountingServer> {
  let connections = 0;
  const requests: ScriptedRequest[] = [];
  const { url, close } = await listen((req, _body, res) => {
    requests.push(req);
    res.writeHead(599, { "content-type": "application/json" });
    res.end(JSON.stringify({ statusCode: 599, message: "the counting server never answers a test's request" }));
  }, () => connections++);
  return { url, requests, connections: () => connections, close };
}

/** What the fault proxy does with one request. */
export type Fault =
  /** Pass it on to the real server. */
  | { kind: "forward"; /** Rewrite the upstream's JSON answer before returning it. */ rewrite?: (body: any) => unknown }
  | { kind: "answer"; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: "hang" }
  | { kind: "reset" }
  /** Forward, then send only half of the upstream's answer and cut the connection. */
  | { kind: "reset-mid-body" }
  | { kind: "html"; status?: number };

export interface FaultProxy {
  readonly url: string;
  readonly requests: ScriptedRequest[];
  /** Queue faults for "METHOD /path" (a trailing * matches a prefix); each is used once, then requests are forwarded. */
  on(route: string, ...faults: Fault[]): FaultProxy;
  count(route?: string): number;
  /** The most requests it was answering at one time. */
  maxInFlight(): number;
  /** How long each forwarded request is held first (a slower network); changeable between runs. */
  delayMs: number;
  close(): Promise<void>;
}

/**
 * A proxy in front of `upstream` that injects faults per route and counts every request; HTTPS
 * with `tls`; `delayMs` holds each forwarded request that long first (a slower network).
 */
export async function startFaultProxy(upstream: string, options: { tls?: { key: string; cert: string }; delayMs?: number } = {}): Promise<FaultProxy> {
  const queues: Array<{ route: string; faults: Fault[] }> = [];
  const requests: ScriptedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const matches = (route: string, req: Pick<ScriptedRequest, "method" | "path">) => {
    const [method, path = ""] = route.split(" ");
    if (method !== req.method) return false;
    return path.endsWith("*") ? req.path.startsWith(path.slice(0, -1)) : req.path === path;
  };
  const next = (req: ScriptedRequest): Fault => {
    for (const queue of queues) if (matches(queue.route, req) && queue.faults.length > 0) return queue.faults.shift()!;
    return { kind: "forward" };
  };

  const { url, close } = await listen((req, body, res) => {
    requests.push(req);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.on("close", () => inFlight--);
    const fault = next(req);
    switch (fault.kind) {
      case "hang":
      case "reset":
      case "html":
        return void perform(fault, res);
      case "answer":
        res.writeHead(fault.status, { "content-type": "application/json; charset=utf-8", ...fault.headers });
        res.end(fault.body === undefined ? "" : typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body));
        return;
      case "forward":
      case "reset-mid-body":
        void new Promise((resolve) => setTimeout(resolve, proxy.delayMs)).then(() => forward(upstream, req, body)).then(({ status, headers, text }) => {
          let out = text;
          if (fault.kind === "forward" && fault.rewrite && status < 300) out = JSON.stringify(fault.rewrite(JSON.parse(text)));
          const type = headers["content-type"] ?? "application/json";
          res.writeHead(status, { "content-type": type, "content-length": String(Buffer.byteLength(out)) });
          if (fault.kind === "forward") return void res.end(out);
          // Cut the connection once the half is handed to the socket (not after a guessed 20 ms).
          res.write(out.slice(0, Math.floor(out.length / 2)), () => res.socket?.destroy());
        }, () => res.socket?.destroy());
    }
  }, undefined, options.tls);

  const proxy: FaultProxy = {
    url,
    requests,
    on(route, ...faults) {
      queues.push({ route, faults });
      return proxy;
    },
    count(route) {
      return route === undefined ? requests.length : requests.filter((req) => matches(route, req)).length;
    },
    maxInFlight: () => maxInFlight,
    delayMs: options.delayMs ?? 0,
    close,
  };
  return proxy;
}

function forward(upstream: string, req: ScriptedRequest, body: Buffer): Promise<{ status: number; headers: IncomingMessage["headers"]; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    const out = httpRequest(new URL(req.url, upstream), { method: req.method, headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 502, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    out.on("error", reject);
    out.end(body);
  });
}

async function listen(
  handle: (req: ScriptedRequest, body: Buffer, res: ServerResponse) => void,
  onConnection: () => void = () => {},
  tls?: { key: string; cert: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const onRequest = (incoming: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = incoming.url ?? "/";
      const body = Buffer.concat(chunks);
      handle({ method: incoming.method ?? "GET", path: url.split("?")[0] ?? url, url, headers: incoming.headers, body: body.toString("utf8") }, body, res);
    });
  };
  const server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
  // A handshake the client refuses (untrusted certificate) is what some tests expect.
  server.on("tlsClientError", () => {});
  server.on("connection", (socket: Socket) => {
    onConnection();
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
