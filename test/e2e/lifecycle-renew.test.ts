// A certificate's life across commands, against the dev server in both renewal behaviours
// that exist in the wild: newer builds accept CSR renewals, a mid-2026 build refuses them with
// 403 ForbiddenError (`--csr-renewal refuse`). Files are checked with openssl. certctl and the
// servers run in-process (main(argv, io)): no process is the subject here.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { DAY_MS, startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";
import { certPublicKey, certSerialHex, keyPublicKey, openssl, verifyChain } from "../helpers/openssl.js";

const CREDENTIALS = { clientId: "lifecycle-e2e-client", clientSecret: "lifecycle-e2e-secret-0123456789abcdef" };
const AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };
const RENEW_ROUTE = "POST /api/v1/cert-manager/certificates/:id/renew";
const CREATE_ROUTE = "POST /api/v1/cert-manager/certificates";
const REVOKE_ROUTE = "POST /api/v1/cert-manager/certificates/:id/revoke";

let work: string;
const servers: Record<string, LocalDevServerHandle> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-lifecycle-e2e-"));
  const start = (overrides: { backdateMs?: number; csrRenewal?: "refuse" } = {}) => startLocalDevServerHandle({ credentials: CREDENTIALS, ...overrides });
  [servers.accept, servers.refuse, servers.fresh, servers.expired] = await Promise.all([
    start({ backdateMs: 25 * DAY_MS }),
    start({ backdateMs: 25 * DAY_MS, csrRenewal: "refuse" }),
    start(),
    start({ backdateMs: 40 * DAY_MS }),
  ]);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

let counter = 0;
function newDir(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

function cli(args: string[], server?: LocalDevServerHandle): Promise<CliResult> {
  return runMain(args, { cwd: work, env: { ...AUTH_ENV, ...(server ? { INFISICAL_DOMAIN: server.url } : {}) } });
}

async function issue(server: LocalDevServerHandle, dir: string, extra: string[] = [], profile = server.profileId): Promise<CliResult> {
  return cli(["issue", "--profile", profile, "--cn", "life.example.com", "--dns", "life.example.com", "--ttl", "30d", "--out-dir", dir, ...extra], server);
}

async function issued(server: LocalDevServerHandle, dir: string, extra: string[] = []): Promise<void> {
  const res = await issue(server, dir, [...extra, "--quiet"]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
}

async function stats(server: LocalDevServerHandle): Promise<Record<string, number>> {
  return server.stats();
}

function meta(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as Record<string, unknown>;
}

function serialOf(dir: string): string {
  return certSerialHex(join(dir, "cert.pem"));
}

function renewJson(res: CliResult): Array<Record<string, unknown>> {
  return JSON.parse(res.stdout) as Array<Record<string, unknown>>;
}

function expectMatchingSet(dir: string): void {
  expect(keyPublicKey(join(dir, "key.pem"))).toBe(certPublicKey(join(dir, "cert.pem")));
  expect(verifyChain(join(dir, "cert.pem"), join(dir, "chain.pem"))).toMatch(/: OK$/);
}

/** A key and a CSR made by openssl, as a user bringing their own would. */
function makeCsr(dir: string, name = "request"): { csr: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=life.example.com",
    "-addext", "subjectAltName=DNS:life.example.com"]);
  return { csr, key };
}

describe.each(["accept", "refuse"] as const)("renew against a server that %ss CSR renewals", (mode) => {
  it("a local-key directory is replaced: renewed, or issued fresh with the lineage recorded as such", async () => {
    const server = servers[mode]!;
    const dir = newDir(`local-${mode}`);
    await issued(server, dir);
    const before = await stats(server);
    const oldId = meta(dir).certificateId;
    const res = await cli(["renew", dir, "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const [result] = renewJson(res);
    expect(result).toMatchObject({ status: "renewed", previousCertificateId: oldId, method: mode === "accept" ? "renew" : "reissue" });
    expect(meta(dir)).toMatchObject({ previousCertificateId: oldId, lineage: mode === "accept" ? "renewed" : "reissued" });
    const after = await stats(server);
    expect(after[RENEW_ROUTE]).toBe((before[RENEW_ROUTE] ?? 0) + 1);
    expect(after[CREATE_ROUTE] ?? 0).toBe((before[CREATE_ROUTE] ?? 0) + (mode === "accept" ? 0 : 1));
    if (mode === "refuse") expect(String(result!.fallbackReason)).toMatch(/HTTP 403: Certificate is not eligible for renewal/);
    expectMatchingSet(dir);

    const human = newDir(`local-human-${mode}`);
    await issued(server, human);
    const line = await cli(["renew", human]);
    expect(line.code, line.stderr).toBe(0);
    if (mode === "refuse") expect(line.stdout).toMatch(/issued fresh: the server refused to renew/);
  });

  it("a --csr directory renews by resubmitting the CSR kept at issue time; dry run and real run agree", async () => {
    const server = servers[mode]!;
    const dir = newDir(`csr-${mode}`);
    const { csr, key } = makeCsr(dir);
    const res = await cli(["issue", "--profile", server.profileId, "--csr", csr, "--ttl", "30d", "--out-dir", dir, "--quiet"], server);
    expect(res.code, res.stderr).toBe(0);
    expect(meta(dir).csr).toContain("BEGIN CERTIFICATE REQUEST");
    const dry = await cli(["renew", dir, "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(renewJson(dry)[0]).toMatchObject({ status: "would-renew" });
    const oldSerial = serialOf(dir);
    const real = await cli(["renew", dir, "--json"]);
    expect(real.code, real.stderr).toBe(0);
    expect(renewJson(real)[0]).toMatchObject({ status: "renewed", keySource: "csr" });
    expect(serialOf(dir)).not.toBe(oldSerial);
    expect(certPublicKey(join(dir, "cert.pem"))).toBe(keyPublicKey(key));
    expect(verifyChain(join(dir, "cert.pem"), join(dir, "chain.pem"))).toMatch(/: OK$/);
  });

  it("renew --csr <file> submits the given CSR; a --csr directory without a kept CSR fails in the dry run as in the real run", async () => {
    const server = servers[mode]!;
    const dir = newDir(`csr-given-${mode}`);
    const first = makeCsr(dir, "first");
    expect((await cli(["issue", "--profile", server.profileId, "--csr", first.csr, "--ttl", "30d", "--out-dir", dir, "--quiet"], server)).code).toBe(0);
    const second = makeCsr(dir, "second");
    const res = await cli(["renew", dir, "--csr", second.csr, "--json"]);
    expect(res.code, res.stderr).toBe(0);
    expect(certPublicKey(join(dir, "cert.pem"))).toBe(keyPublicKey(second.key));

    // A directory written before the CSR was kept (certctl.json without `csr`).
    const bare = meta(dir);
    delete bare.csr;
    writeFileSync(join(dir, "certctl.json"), JSON.stringify(bare, null, 2) + "\n");
    const before = await stats(server);
    const dry = await cli(["renew", dir, "--dry-run", "--force"]);
    const real = await cli(["renew", dir, "--force"]);
    expect(dry.code).toBe(2);
    expect(real.code).toBe(2);
    expect(dry.stdout + dry.stderr).toContain("--csr <file>");
    expect(await stats(server)).toEqual(before);
  });

  it("renew --reuse-key on a server-key directory says 'same key' only when the key is the same", async () => {
    const server = servers[mode]!;
    const dir = newDir(`server-key-${mode}`);
    await issued(server, dir, ["--server-keygen"]);
    const oldKey = keyPublicKey(join(dir, "key.pem"));
    const res = await cli(["renew", dir, "--reuse-key", "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const same = keyPublicKey(join(dir, "key.pem")) === oldKey;
    // The refusing build ignores `reuse` and makes a new key; the report must follow the key, not the flag.
    expect(same).toBe(mode === "accept");
    expect(renewJson(res)[0]).toMatchObject({ keySource: same ? "reused-server-key" : "new-server-key" });
    expectMatchingSet(dir);
  });
});

describe("serial numbers", () => {
  it("one form in issue output, certctl.json and status --json, also when the server writes 40 digits with a leading 00", async () => {
    const server = servers.fresh!;
    const res = await fetch(`${server.url}/api/v1/dev/serials/top-bit`, { method: "POST" });
    expect(res.status).toBe(200);
    const dir = newDir("serial");
    const out = await issue(server, dir, ["--json"]);
    expect(out.code, out.stderr).toBe(0);
    const doc = JSON.parse(out.stdout) as { serialNumber: string; certificateRequestId: string; certificateId: string };
    const certSerial = serialOf(dir);
    expect(certSerial).toHaveLength(38); // top bit set: the server's form is 00 + these 38 digits
    expect(doc.serialNumber).toBe(certSerial);
    expect(meta(dir).serialNumber).toBe(certSerial);
    const status = await cli(["status", doc.certificateRequestId, "--out-dir", newDir("serial-elsewhere"), "--json"], server);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ serialNumber: certSerial });
  });
});

describe("revoke, then renew", () => {
  it("revoke records the revocation; a second revoke exits 0 'already revoked' without a second revoke call; renew replaces the revoked certificate", async () => {
    const server = servers.fresh!;
    const dir = newDir("revoke");
    await issued(server, dir);
    const first = await cli(["revoke", "--out-dir", dir, "--reason", "superseded", "--yes"]);
    expect(first.code, first.stderr).toBe(0);
    expect(meta(dir)).toMatchObject({ revocationReason: "SUPERSEDED" });
    expect(typeof meta(dir).revokedAt).toBe("string");
    const before = await stats(server);
    const second = await cli(["revoke", "--out-dir", dir, "--reason", "superseded", "--yes"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/already revoked/);
    expect((await stats(server))[REVOKE_ROUTE]).toBe(before[REVOKE_ROUTE]);

    // The dev server, like the real one, answers a second revocation with a 500.
    const token = await server.token();
    const again = await fetch(`${server.url}/api/v1/cert-manager/certificates/${String(meta(dir).certificateId)}/revoke`, {
      method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ revocationReason: "SUPERSEDED" }),
    });
    expect(again.status).toBe(500);

    const revokedId = meta(dir).certificateId;
    const renewed = await cli(["renew", dir, "--json"]);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(renewJson(renewed)[0]).toMatchObject({ status: "renewed", previousCertificateId: revokedId });
    expect(meta(dir).revokedAt).toBeUndefined();
    expectMatchingSet(dir);
  });
});

describe("what is installed", () => {
  it("an already expired certificate is refused (exit 4), nothing is written", async () => {
    const dir = newDir("expired");
    const res = await issue(servers.expired!, dir);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/already expired/);
    expect(readdirSync(dir).filter((name) => name.endsWith(".pem") || name === "certctl.json")).toEqual([]);
  });

  it("renew keeps the old set when the new certificate is expired", async () => {
    const dir = newDir("expired-renew");
    await issued(servers.accept!, dir);
    // Point the directory at the server that backdates past the lifetime.
    const m = meta(dir);
    const oldSerial = serialOf(dir);
    writeFileSync(join(dir, "certctl.json"), JSON.stringify({ ...m, domain: `${servers.expired!.url}/api`, profileId: servers.expired!.profileId }, null, 2) + "\n");
    const res = await cli(["renew", dir, "--force"]);
    expect(res.code).toBe(4);
    expect(res.stdout + res.stderr).toMatch(/already expired/);
    expect(serialOf(dir)).toBe(oldSerial);
    expectMatchingSet(dir);
  });
});

describe("approval renewals: one outstanding request per directory", () => {
  async function approvedDir(name: string): Promise<string> {
    const server = servers.accept!;
    const dir = newDir(name);
    const res = await issue(server, dir, ["--no-wait", "--json"], server.profile("approval"));
    expect(res.code).toBe(5);
    await server.approve((JSON.parse(res.stdout) as { error: { certificateRequestId: string } }).error.certificateRequestId);
    const done = await cli(["status", (JSON.parse(res.stdout) as { error: { certificateRequestId: string } }).error.certificateRequestId, "--out-dir", dir], server);
    expect(done.code, done.stderr).toBe(0);
    return dir;
  }

  function pendingIds(dir: string): string[] {
    return readdirSync(join(dir, ".certctl", "pending")).filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5));
  }

  it("a second run resumes the pending renewal instead of sending another; once approved it is installed", async () => {
    const server = servers.accept!;
    const dir = await approvedDir("approval-resume");
    const before = await stats(server);
    const first = await cli(["renew", dir, "--no-wait"]);
    expect(first.code).toBe(5);
    const second = await cli(["renew", dir, "--no-wait"]);
    expect(second.code).toBe(5);
    const sent = (await stats(server))[RENEW_ROUTE]! - (before[RENEW_ROUTE] ?? 0);
    expect(sent).toBe(1);
    const [id] = pendingIds(dir);
    expect(pendingIds(dir)).toHaveLength(1);
    await server.approve(id!);
    const third = await cli(["renew", dir, "--json"]);
    expect(third.code, third.stderr).toBe(0);
    expect(renewJson(third)[0]).toMatchObject({ status: "renewed", resumedRequestId: id });
    expect((await stats(server))[RENEW_ROUTE]).toBe((before[RENEW_ROUTE] ?? 0) + 1);
    expect(pendingIds(dir)).toEqual([]);
    expectMatchingSet(dir);
  });

  it("a rejected renewal is reported once (exit 4), then the next run sends a new request", async () => {
    const server = servers.accept!;
    const dir = await approvedDir("approval-reject");
    const before = await stats(server);
    expect((await cli(["renew", dir, "--no-wait"])).code).toBe(5);
    await server.reject(pendingIds(dir)[0]!);
    const reported = await cli(["renew", dir, "--no-wait"]);
    expect(reported.code).toBe(4);
    expect(reported.stdout + reported.stderr).toMatch(/rejected/);
    expect((await stats(server))[RENEW_ROUTE]).toBe((before[RENEW_ROUTE] ?? 0) + 1);
    expect(pendingIds(dir)).toEqual([]);
    const retried = await cli(["renew", dir, "--no-wait"]);
    expect(retried.code).toBe(5);
    expect((await stats(server))[RENEW_ROUTE]).toBe((before[RENEW_ROUTE] ?? 0) + 2);
  });
});
