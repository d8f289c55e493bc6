// Transport security: TLS verification against a self-signed HTTPS server (refused, then
// trusted with cacertPem), and HTTP(S)_PROXY / NO_PROXY through a real local CONNECT proxy.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { createProxy } from "proxy";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApi, type ApiOptions } from "../../src/api/infisical.js";
import type { Connection } from "../../src/api/config.js";
import { UnavailableError } from "../../src/model/errors.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";

const GET_CERT = "GET /api/v1/cert-manager/certificates/c1/certificate";
const certOk = { body: { certificate: "LEAF", certificateChain: null, serialNumber: "01" } };

let dir: string;
let tlsMaterial: { key: string; cert: string };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "certctl-tls-"));
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
    "-subj", "/CN=certctl test server", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
  ], { stdio: "pipe" });
  tlsMaterial = { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function scripted(tls?: { key: string; cert: string }): Promise<ScriptedServer> {
  const server = await startScriptedServer(tls ? { tls } : {});
  cleanups.push(() => server.close());
  server.on(GET_CERT, certOk);
  return server;
}

function api(server: ScriptedServer, extra: Partial<Connection> = {}, options: ApiOptions = {}) {
  const connection: Connection = { apiUrl: `${server.url}/api`, credentials: { token: "t0ken-abcdef" }, timeoutMs: 3000, retries: 2, ...extra };
  const client = createApi(connection, { retryBaseMs: 5, env: {}, ...options });
  cleanups.push(() => client.close());
  return client;
}

interface LocalProxy { url: string; connects: string[]; plain: string[] }
async function startProxy(): Promise<LocalProxy> {
  const server: Server = createProxy(createServer());
  const seen: LocalProxy = { url: "", connects: [], plain: [] };
  server.on("connect", (req) => seen.connects.push(req.url ?? ""));
  server.on("request", (req) => seen.plain.push(req.url ?? ""));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  seen.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return seen;
}

describe("TLS trust", () => {
  it("refuses a self-signed server without --cacert: exit 6, a TLS message, no retry, no request", async () => {
    const server = await scripted(tlsMaterial);
    const debug: string[] = [];
    const error = await api(server, {}, { debug: (line) => debug.push(line) }).getCertificate("c1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    const message = (error as UnavailableError).message;
    expect(message).toMatch(/^TLS verification of 127\.0\.0\.1:\d+ failed \(\w*SELF_SIGNED\w*\)/);
    expect(message).toContain("after 1 attempt");
    expect((error as UnavailableError).hint).toContain("--cacert");
    expect(server.count()).toBe(0);
  });

  it("trusts it with cacertPem added to the built-in roots", async () => {
    const server = await scripted(tlsMaterial);
    await expect(api(server, { cacertPem: tlsMaterial.cert }).getCertificate("c1")).resolves.toMatchObject({ serialNumber: "01" });
    expect(server.count(GET_CERT)).toBe(1);
  });

  it("an unrelated cacert does not make the server trusted", async () => {
    const server = await scripted(tlsMaterial);
    const other = mkdtempSync(join(tmpdir(), "certctl-tls-other-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=other", "-keyout", join(other, "k.pem"), "-out", join(other, "c.pem")], { stdio: "pipe" });
    const otherCert = readFileSync(join(other, "c.pem"), "utf8");
    rmSync(other, { recursive: true, force: true });
    await expect(api(server, { cacertPem: otherCert }).getCertificate("c1")).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe("proxies from the command's environment", () => {
  it("HTTP_PROXY: the request goes through the proxy", async () => {
    const server = await scripted();
    const proxy = await startProxy();
    await api(server, {}, { env: { HTTP_PROXY: proxy.url } }).getCertificate("c1");
    expect([...proxy.connects, ...proxy.plain].join(" ")).toContain(`127.0.0.1:${server.port}`);
    expect(server.count(GET_CERT)).toBe(1);
  });

  it("lowercase https_proxy with an HTTPS target tunnels and still verifies TLS with the cacert", async () => {
    const server = await scripted(tlsMaterial);
    const proxy = await startProxy();
    await api(server, { cacertPem: tlsMaterial.cert }, { env: { https_proxy: proxy.url } }).getCertificate("c1");
    expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
    const refused = await api(server, {}, { env: { https_proxy: proxy.url } }).getCertificate("c1").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnavailableError);
    expect((refused as Error).message).toMatch(/TLS verification/);
  });

  it("NO_PROXY exempts loopback", async () => {
    const server = await scripted();
    const proxy = await startProxy();
    await api(server, {}, { env: { HTTP_PROXY: proxy.url, NO_PROXY: "localhost,127.0.0.1" } }).getCertificate("c1");
    expect(proxy.connects).toEqual([]);
    expect(proxy.plain).toEqual([]);
    expect(server.count(GET_CERT)).toBe(1);
  });

  it("the proxy comes from the env given, not from process.env", async () => {
    const server = await scripted();
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = "http://127.0.0.1:9"; // would fail if it were read
    try {
      await expect(api(server).getCertificate("c1")).resolves.toMatchObject({ serialNumber: "01" });
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });

  it("a proxy that is down: retried, then exit 6", async () => {
    const server = await scripted();
    const error = await api(server, {}, { env: { HTTP_PROXY: "http://127.0.0.1:9" } }).getCertificate("c1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED.*after 3 attempts/);
    expect(server.count()).toBe(0);
  });
});
