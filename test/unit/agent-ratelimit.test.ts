// The pieces of "fleets without thundering herds" and token upkeep: the 429 pause every lane
// shares (against a real local HTTP server), the dev server's limiter, token renewal decisions,
// and the agent's log lines.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpClient } from "../../src/api/client.js";
import { tokenAction, tokenLife, renewDueAt } from "../../src/api/token.js";
import { createLimiter, parseRateLimit } from "../../src/devserver/ratelimit.js";
import { HttpError } from "../../src/devserver/http.js";
import { agentLogger, formatAgentLine } from "../../src/ui/agent-log.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

describe("the 429 pause shared by every lane", () => {
  it("holds back a second lane's request until the first lane's Retry-After has passed", async () => {
    const arrivals: Array<{ path: string; at: number }> = [];
    let refused = false;
    server = createServer((req, res) => {
      arrivals.push({ path: req.url ?? "", at: Date.now() });
      if (req.url === "/api/a" && !refused) {
        refused = true;
        res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        res.end(JSON.stringify({ statusCode: 429, error: "RateLimitExceeded", message: "Rate limit exceeded. Please try again in 1 seconds" }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    let laneB: Promise<unknown> | undefined;
    const client = createHttpClient({ apiUrl: `http://127.0.0.1:${port}/api`, credentials: {}, timeoutMs: 5000, retries: 3 }, {
      // The moment lane A has heard its 429 and decided to wait, lane B starts a request.
      debug: (line) => {
        if (line.startsWith("retrying GET /a")) laneB ??= client.request({ method: "GET", path: "/b", idempotent: true });
      },
    });
    const a = await client.request({ method: "GET", path: "/a", idempotent: true });
    const b = (await laneB) as { status: number };
    await client.close();
    expect([a.status, b.status]).toEqual([200, 200]);
    const refusedAt = arrivals[0]!.at;
    const bAt = arrivals.find((x) => x.path === "/api/b")!.at;
    // Lane B never went out during the pause the server asked lane A for.
    expect(bAt - refusedAt).toBeGreaterThanOrEqual(950);
  });
});

describe("dev-server --rate-limit", () => {
  it("parses n/window", () => {
    expect(parseRateLimit("60/min")).toEqual({ limit: 60, windowMs: 60_000 });
    expect(parseRateLimit("20/2s")).toEqual({ limit: 20, windowMs: 2000 });
    expect(parseRateLimit("5/s")).toEqual({ limit: 5, windowMs: 1000 });
    for (const bad of ["60", "0/min", "60/fortnight", "/min", "-1/s"]) expect(parseRateLimit(bad)).toBeUndefined();
  });

  it("counts reads and writes apart, per client IP, in fixed windows, and answers like Infisical Cloud", () => {
    let now = 0;
    const limiter = createLimiter({ limit: 2, windowMs: 60_000 }, () => now);
    limiter.take("127.0.0.1", "POST");
    limiter.take("127.0.0.1", "POST");
    limiter.take("127.0.0.1", "GET");
    limiter.take("127.0.0.2", "POST");
    now = 15_500;
    let refused: unknown;
    try {
      limiter.take("127.0.0.1", "POST");
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 429, error: "RateLimitExceeded", message: "Rate limit exceeded. Please try again in 45 seconds", headers: { "retry-after": "45" } });
    now = 60_000;
    expect(() => limiter.take("127.0.0.1", "POST")).not.toThrow();
  });
});

describe("access token upkeep", () => {
  const life = tokenLife(0, 3600, 7200, 0);
  it("uses the token until 2/3 of its TTL, then renews it", () => {
    expect(renewDueAt(life)).toBe(2_400_000);
    expect(tokenAction(life, 2_399_999)).toBe("use");
    expect(tokenAction(life, 2_400_000)).toBe("renew");
  });
  it("logs in fresh when a renewal would run past the max TTL, or the token has expired", () => {
    const renewed = tokenLife(4_000_000, 3600, 7200, 0);
    expect(tokenAction(renewed, 6_500_000)).toBe("login");
    expect(tokenAction(life, 3_600_000)).toBe("login");
    expect(tokenAction(tokenLife(0, 3600, 0, 0), 2_500_000)).toBe("renew");
  });
});

describe("agent log lines", () => {
  const line = { time: "2026-11-30T08:00:00.000Z", level: "info" as const, event: "renewed", certificate: "web", message: "renewed: serial 0a" };
  it("writes text for people and one JSON object per line for collectors", () => {
    expect(formatAgentLine(line, "text")).toBe("2026-11-30T08:00:00.000Z INFO  renewed web: renewed: serial 0a");
    expect(JSON.parse(formatAgentLine(line, "json"))).toEqual(line);
  });
  it("keeps only warnings and errors under --quiet", () => {
    const out = new PassThrough();
    let text = "";
    out.on("data", (chunk: Buffer) => (text += chunk.toString()));
    const log = agentLogger(out, "json", { quiet: true, now: () => new Date(0) });
    log({ level: "info", event: "cycle", message: "1 certificate(s)" });
    log({ level: "error", event: "failed", certificate: "web", message: "HTTP 503" });
    expect(text.trim().split("\n").map((l) => JSON.parse(l).event)).toEqual(["failed"]);
  });
});
