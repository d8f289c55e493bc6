// certctl through an HTTP proxy, as the built CLI runs it. certctl loads only undici's proxy agent
// and request API (src/api/undici.ts), not undici's index, and mixes the request API into the
// dispatchers itself; the proxy's CONNECT tunnel depends on that. It is checked in a spawned
// process because the test workers load undici's index themselves (test/helpers/setup.ts), which
// would hide a missing piece.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProxy } from "proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { verifyChain } from "../helpers/openssl.js";

let server: LocalDevServerHandle;
let proxy: Server;
let proxyUrl: string;
const connects: string[] = [];
let work: string;

beforeAll(async () => {
  server = await startLocalDevServerHandle();
  proxy = createProxy(createServer());
  proxy.on("connect", (req) => connects.push(req.url ?? ""));
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  work = mkdtempSync(join(tmpdir(), "certctl-proxy-e2e-"));
});
afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await server?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("HTTP_PROXY", () => {
  it("the built CLI logs in and issues through the proxy's CONNECT tunnel", async () => {
    const before = await server.stats();
    const res = await runCli(["issue", "--profile", server.profileId, "--cn", "proxied.example.com", "--out-dir", "proxied", "--quiet"], {
      cwd: work, env: { ...server.env, HTTP_PROXY: proxyUrl },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(connects.length).toBeGreaterThan(0);
    expect(new Set(connects)).toEqual(new Set([new URL(server.url).host]));
    expect(verifyChain(join(work, "proxied/cert.pem"), join(work, "proxied/chain.pem"))).toMatch(/OK$/);
    const after = await server.stats();
    const sent = (route: string) => (after[route] ?? 0) - (before[route] ?? 0);
    expect(sent("POST /api/v1/auth/universal-auth/login")).toBe(1);
    expect(sent("POST /api/v1/cert-manager/certificates")).toBe(1);
  });
});
