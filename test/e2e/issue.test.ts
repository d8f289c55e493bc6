// certctl issue end to end: main(argv, io) in this process against one in-process dev server,
// files checked with openssl. Spawned only where the process is the subject: SIGINT while
// waiting, and which modules a run loads.
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { BIN, cleanEnv, type CliResult } from "../helpers/cli.js";
import { startFaultProxy, type FaultProxy } from "../helpers/counting-server.js";
import { fixtureKeyPath } from "../helpers/fixture-keys.js";
import { runMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";
import { CLOUD_LIBRARIES, LOGIN_METHOD_MODULES, PKCS12_MODULES, loadedSources } from "../helpers/loaded-sources.js";
import { startScriptedServer } from "../helpers/scripted-server.js";
import { certPublicKey, certText, keyPublicKey, openssl, verifyChain } from "../helpers/openssl.js";

let server: RunningDevServer;
let work: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ server, env } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-issue-e2e-"));
});
afterAll(async () => {
  await server?.close();
});

const profile = (slug: string) => server.info.profiles.find((p) => p.slug === slug)!.id;
let counter = 0;
const dir = (name: string) => join(work, `${name}-${++counter}`);

function issue(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return runMain(["issue", ...args], { cwd: work, env: { ...env, ...opts.env }, ...(opts.input !== undefined ? { stdin: opts.input } : {}) });
}

/**
 * A counting proxy in front of the dev server for one test's "zero requests": its own count, so
 * the refusals run beside the other tests (the server's own counters are global).
 */
async function withProxy(test: (proxy: FaultProxy) => Promise<void>): Promise<void> {
  const proxy = await startFaultProxy(server.info.url);
  try {
    await test(proxy);
  } finally {
    await proxy.close();
  }
}

async function decide(requestId: string, verdict: "approve" | "reject"): Promise<void> {
  const res = await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${requestId}/${verdict}`, { method: "POST" });
  expect(res.status).toBe(200);
}

/** The complete set: chain verifies to the root, the key is the certificate's, key.pem 0600 PKCS#8. */
function expectVerifiedSet(out: string, opts: { key?: boolean } = {}): void {
  expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
  expect(readFileSync(join(out, "fullchain.pem"), "utf8")).toBe(readFileSync(join(out, "cert.pem"), "utf8") + readFileSync(join(out, "chain.pem"), "utf8"));
  if (opts.key === false) {
    expect(existsSync(join(out, "key.pem"))).toBe(false);
    return;
  }
  expect(keyPublicKey(join(out, "key.pem"))).toBe(certPublicKey(join(out, "cert.pem")));
  expect(statSync(join(out, "key.pem")).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(out, "key.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
}

function pendingIds(out: string): string[] {
  const pending = join(out, ".certctl", "pending");
  return existsSync(pending) ? readdirSync(pending).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : [];
}

/** The request id once a waiting issue has recorded its pending request. */
const pendingId = (out: string): Promise<string> => until(`a pending record in ${out}`, () => pendingIds(out)[0]);

describe.concurrent("refusals", () => {
  // Regression (issue 12 item 12): --country Germany and de were issued; openssl refuses both.
  it.each([
    [["--country", "Germany"], /--country.*ISO 3166/],
    [["--country", "de"], /--country.*use DE/],
    [["--org", "o".repeat(65)], /--org.*1 to 64/],
    [["--ttl", "40000d"], /--ttl.*100 years/],
  ])("refuses %j before any request", async (args, message) => {
    await withProxy(async (proxy) => {
      const out = dir("subject-bad");
      const res = await issue(["--profile", profile("default"), "--cn", "a.example.com", ...args, "--out-dir", out], { env: { INFISICAL_DOMAIN: proxy.url } });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(proxy.count()).toBe(0);
    });
  });

  it("refuses to overwrite before sending anything (exit 7, zero requests)", async () => {
    await withProxy(async (proxy) => {
      const via = { env: { INFISICAL_DOMAIN: proxy.url } };
      const out = dir("overwrite");
      expect((await issue(["--profile", profile("default"), "--cn", "o.example.com", "--out-dir", out], via)).code).toBe(0);
      const certBefore = readFileSync(join(out, "cert.pem"), "utf8");
      const before = proxy.count();
      expect(before).toBeGreaterThan(0);
      const res = await issue(["--profile", profile("default"), "--cn", "o.example.com", "--out-dir", out], via);
      expect(res.code).toBe(7);
      expect(res.stderr).toMatch(/already exists.*--force/s);
      expect(proxy.count()).toBe(before);
      expect(readFileSync(join(out, "cert.pem"), "utf8")).toBe(certBefore);
      const forced = await issue(["--profile", profile("default"), "--cn", "o.example.com", "--out-dir", out, "--force"], via);
      expect(forced.code).toBe(0);
      expect(readFileSync(join(out, "cert.pem"), "utf8")).not.toBe(certBefore);
      expectVerifiedSet(out);
    });
  });

  it("an RSA key on the EC profile exits 4 with a hint naming the CA's family; nothing written", async () => {
    const out = dir("rsa-on-ec");
    const res = await issue(["--profile", profile("default"), "--cn", "m.example.com", "--key-algorithm", "rsa2048", "--out-dir", out]);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/not compatible with CA key algorithm EC_prime256v1/);
    expect(res.stderr).toMatch(/--key-algorithm p256.*--server-keygen/);
    expect(existsSync(join(out, "cert.pem"))).toBe(false);
  });

  it("bad credentials exit 3", async () => {
    const out = dir("badcreds");
    const res = await issue(["--profile", profile("default"), "--cn", "b.example.com", "--out-dir", out], {
      env: { INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "wrong-secret" },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).not.toContain("wrong-secret");
    expect(existsSync(join(out, "cert.pem"))).toBe(false);
  });

  it.each([
    [["--cn", "a.example.com", "--key-algorithm", "rsa1024"], /--key-algorithm/],
    [["--cn", "a.example.com", "--ip", "300.1.1.1"], /--ip/],
    [["--cn", "a.example.com", "--ttl", "30d", "--not-before", "2030-01-01", "--not-after", "2030-02-01"], /--ttl cannot be used with --not-before/],
    [["--cn", "a.example.com", "--path-length", "1"], /--path-length/],
    [["--cn", "a.example.com", "--key", "k.pem", "--server-keygen"], /--key cannot be used with --server-keygen/],
    [["--cn", "x".repeat(65)], /--cn.*1 to 64/],
  ])("bad input %j exits 2 before any request", async (args, message) => {
    await withProxy(async (proxy) => {
      const res = await issue(["--profile", profile("default"), ...args, "--out-dir", dir("bad")], { env: { INFISICAL_DOMAIN: proxy.url } });
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(proxy.count()).toBe(0);
    });
  });

  it("an unreadable --key exits 7 before any request", async () => {
    await withProxy(async (proxy) => {
      const res = await issue(["--profile", profile("default"), "--cn", "a.example.com", "--key", join(work, "missing.pem"), "--out-dir", dir("nokey")], { env: { INFISICAL_DOMAIN: proxy.url } });
      expect(res.code).toBe(7);
      expect(proxy.count()).toBe(0);
    });
  });
});

// Key generation is the subject here, so these generate; one RSA size (each RSA size's generation
// and CSR is test/unit/keys-csr.test.ts, each spelling test/unit/vocab-model.test.ts).
describe.concurrent("every key algorithm (EC on default, RSA on rsa)", () => {
  it.each([
    ["p256", "default", "ASN1 OID: prime256v1", "ecdsa-with-SHA256"],
    ["p384", "default", "ASN1 OID: secp384r1", "ecdsa-with-SHA256"],
    ["EC_secp521r1", "default", "ASN1 OID: secp521r1", "ecdsa-with-SHA256"],
    ["rsa2048", "rsa", "(2048 bit)", "sha256WithRSAEncryption"],
  ])("%s on %s", async (alg, slug, keyText, sigText) => {
    const out = dir(`alg-${alg}`);
    const res = await issue(["--profile", profile(slug), "--cn", `${alg}.example.com`, "--key-algorithm", alg, "--out-dir", out]);
    expect(res.stderr).not.toMatch(/certctl:/);
    expect(res.code).toBe(0);
    expectVerifiedSet(out);
    const text = certText(join(out, "cert.pem"));
    expect(text).toContain(keyText);
    expect(text).toContain(`Signature Algorithm: ${sigText}`);
  });

  it("signs with the requested hash (RSA-SHA384, ECDSA-SHA512)", async () => {
    const [rsa, ec] = [dir("sig-rsa"), dir("sig-ec")];
    const [a, b] = await Promise.all([
      issue(["--profile", profile("rsa"), "--cn", "s.example.com", "--key", fixtureKeyPath("rsa-2048"), "--signature-algorithm", "rsa-sha384", "--out-dir", rsa]),
      issue(["--profile", profile("default"), "--cn", "s.example.com", "--key-algorithm", "p521", "--signature-algorithm", "ECDSA-SHA512", "--out-dir", ec]),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(certText(join(rsa, "cert.pem"))).toContain("sha384WithRSAEncryption");
    expect(certText(join(ec, "cert.pem"))).toContain("ecdsa-with-SHA512");
  });
});

describe.concurrent("subject, SANs and usages", () => {
  it("puts every SAN type, key usage and EKU into the certificate and prints a summary", async () => {
    const out = dir("sans");
    const res = await issue([
      "--profile", profile("default"), "--cn", "www.example.com", "--org", "Acme", "--country", "US",
      "--dns", "www.example.com", "--dns", "*.example.com", "--ip", "192.0.2.10", "--ip", "2001:db8::1", "--email", "ops@example.com",
      "--uri", "spiffe://example.org/web", "--san", "10.1.2.3", "--san", "api.example.com", "--san", "dev@example.com", "--san", "urn:example:web",
      "--key-usage", "digital-signature,key_encipherment", "--ext-key-usage", "server_auth", "--ext-key-usage", "client-auth",
      "--ttl", "2w", "--out-dir", out,
    ]);
    expect(res.code).toBe(0);
    expectVerifiedSet(out);
    const text = certText(join(out, "cert.pem"));
    expect(text).toMatch(/Subject: C ?= ?US, O ?= ?Acme, CN ?= ?www.example.com/);
    for (const san of ["DNS:www.example.com", "DNS:*.example.com", "IP Address:192.0.2.10", "IP Address:2001:DB8:0:0:0:0:0:1", "email:ops@example.com",
      "URI:spiffe://example.org/web", "IP Address:10.1.2.3", "DNS:api.example.com", "email:dev@example.com", "URI:urn:example:web"]) {
      expect(text).toContain(san);
    }
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    const days = (Date.parse(openssl(["x509", "-in", join(out, "cert.pem"), "-noout", "-enddate"]).split("=")[1]!) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(14);
    expect(res.stdout).toContain("Issued www.example.com");
    expect(res.stdout).toMatch(/not after\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(1[34] days left\)/);
    for (const f of ["cert.pem", "chain.pem", "fullchain.pem", "key.pem"]) expect(res.stdout).toContain(join(out, f));
    const meta = JSON.parse(readFileSync(join(out, "certctl.json"), "utf8"));
    expect(meta).toMatchObject({ version: 1, mode: "local-key", attributes: { keyAlgorithm: "EC_prime256v1", ttl: "14d", commonName: "www.example.com" } });
    expect(meta.keyAlgorithm).toBeUndefined(); // said once, in attributes
    expect(JSON.stringify(meta)).not.toMatch(/PRIVATE KEY/);
  });

  // Found walking as a user: node:crypto prints `O=Example\, Inc.`, and the check that the
  // certificate carries what was asked for refused it (exit 4, nothing installed).
  it("a subject value with a comma or a leading # is issued and installed, then listed as it is", async () => {
    const out = dir("escaped-subject");
    const res = await issue(["--profile", profile("default"), "--cn", "Doe, Jane", "--org", "Example, Inc.", "--ou", "#1 R&D", "--dns", "jane.example.com", "--out-dir", out]);
    expect(res.code, res.stderr).toBe(0);
    expectVerifiedSet(out);
    expect(openssl(["x509", "-in", join(out, "cert.pem"), "-noout", "-subject", "-nameopt", "RFC2253"])).toContain("O=Example\\, Inc.");
    const listed = await runMain(["list", "--json", out], { cwd: work, env });
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ state: "ok", subject: expect.stringContaining("O=Example\\, Inc.") });
  });

  // Regression (issue 12 item 6): a CN-only request produced a certificate with no SAN.
  it("puts a CN that is a DNS name or an IP into the SANs, and leaves it out with --no-cn-san", async () => {
    const [dns, ip, opted] = [dir("cn-dns"), dir("cn-ip"), dir("cn-opt")];
    const results = await Promise.all([
      issue(["--profile", profile("default"), "--cn", "only-cn.example.com", "--out-dir", dns]),
      issue(["--profile", profile("default"), "--cn", "192.0.2.44", "--dns", "b.example.com", "--out-dir", ip]),
      issue(["--profile", profile("default"), "--cn", "opt.example.com", "--no-cn-san", "--dns", "other.example.com", "--out-dir", opted]),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(certText(join(dns, "cert.pem"))).toMatch(/Subject Alternative Name:\s+DNS:only-cn\.example\.com\n/);
    expect(certText(join(ip, "cert.pem"))).toMatch(/Subject Alternative Name:\s+IP Address:192\.0\.2\.44, DNS:b\.example\.com\n/);
    expect(certText(join(opted, "cert.pem"))).toMatch(/Subject Alternative Name:\s+DNS:other\.example\.com\n/);
  });

  // Regression (issue 12 item 13): without --out-dir the files went into the current directory.
  // (The first-SAN fallback is in the wiring table, test/unit/cli-parse.test.ts: a SAN-only certificate
  // still crashes certctl after writing, issue 12 item 1, which another change fixes.)
  it("without --out-dir writes into ./<CN> (a wildcard as wildcard.<rest>) and says so", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "certctl-default-dir-"));
    const [byCn, bySan] = await Promise.all([
      runMain(["issue", "--profile", profile("default"), "--cn", "named.example.com"], { cwd, env }),
      runMain(["issue", "--profile", profile("default"), "--cn", "*.wild.example.com", "--dns", "x.example.com"], { cwd, env }),
    ]);
    expect([byCn.code, bySan.code]).toEqual([0, 0]);
    expect(byCn.stderr).toContain(`No --out-dir given: writing into ${join(cwd, "named.example.com")}`);
    expect(bySan.stderr).toContain(`No --out-dir given: writing into ${join(cwd, "wildcard.wild.example.com")}`);
    expect(readdirSync(cwd).sort()).toEqual(["named.example.com", "wildcard.wild.example.com"]);
    expectVerifiedSet(join(cwd, "named.example.com"));
    expectVerifiedSet(join(cwd, "wildcard.wild.example.com"));
  });

  it("drops the root from the chain with --remove-roots-from-chain", async () => {
    const out = dir("noroot");
    const res = await issue(["--profile", profile("default"), "--cn", "r.example.com", "--remove-roots-from-chain", "--out-dir", out]);
    expect(res.code).toBe(0);
    expect(readFileSync(join(out, "chain.pem"), "utf8").match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    expect(existsSync(join(out, "ca.pem"))).toBe(false);
  });
});

describe.concurrent("key sources", () => {
  it("--server-keygen writes the server's key, converted to PKCS#8, matching the certificate", async () => {
    const out = dir("server-keygen");
    const res = await issue(["--profile", profile("default"), "--cn", "sk.example.com", "--server-keygen", "--key-algorithm", "p384", "--out-dir", out]);
    expect(res.code).toBe(0);
    expectVerifiedSet(out);
    expect(certText(join(out, "cert.pem"))).toContain("secp384r1");
    expect(JSON.parse(readFileSync(join(out, "certctl.json"), "utf8")).mode).toBe("server-keygen");
  });

  it("--key reuses an existing key and leaves the key file untouched", async () => {
    const first = dir("key-first");
    expect((await issue(["--profile", profile("default"), "--cn", "k.example.com", "--out-dir", first])).code).toBe(0);
    const sec1 = join(work, `sec1-${counter}.pem`);
    writeFileSync(sec1, openssl(["ec", "-in", join(first, "key.pem")]), { mode: 0o600 });
    const before = readFileSync(sec1, "utf8");
    const second = dir("key-second");
    const res = await issue(["--profile", profile("default"), "--cn", "k.example.com", "--key", sec1, "--out-dir", second]);
    expect(res.code).toBe(0);
    expectVerifiedSet(second);
    expect(certPublicKey(join(second, "cert.pem"))).toBe(certPublicKey(join(first, "cert.pem")));
    expect(readFileSync(sec1, "utf8")).toBe(before);
  });

  it("--csr submits the CSR as it is and writes no key", async () => {
    const key = join(work, "ext.key");
    const csr = join(work, "ext.csr");
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", key, "-subj", "/CN=csr.example.com",
      "-addext", "subjectAltName=DNS:csr.example.com", "-out", csr]);
    const out = dir("csr");
    const res = await issue(["--profile", profile("default"), "--csr", csr, "--ttl", "7d", "--out-dir", out]);
    expect(res.code).toBe(0);
    expectVerifiedSet(out, { key: false });
    expect(keyPublicKey(key)).toBe(certPublicKey(join(out, "cert.pem")));
    expect(certText(join(out, "cert.pem"))).toContain("DNS:csr.example.com");
    const meta = JSON.parse(readFileSync(join(out, "certctl.json"), "utf8"));
    expect(meta.mode).toBe("csr");
    expect(meta.files.key).toBeUndefined();
    expect(res.stdout).not.toContain("key.pem");

    const fromStdin = dir("csr-stdin");
    const piped = await issue(["--profile", profile("default"), "--csr", "-", "--out-dir", fromStdin], { input: readFileSync(csr, "utf8") });
    expect(piped.code).toBe(0);
    expectVerifiedSet(fromStdin, { key: false });
  });
});

describe.concurrent("approval and waiting", () => {
  it("waits for a manual approval and then writes the set", async () => {
    const out = dir("approve-wait");
    const running = issue(["--profile", profile("approval"), "--cn", "a.example.com", "--out-dir", out]);
    await pendingId(out);
    const ids = pendingIds(out);
    expect(ids).toHaveLength(1);
    // The kept key is 0600 and is not key.pem; no live file exists yet.
    expect(statSync(join(out, ".certctl", "pending", `${ids[0]}.key.pem`)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(out, "key.pem"))).toBe(false);
    await decide(ids[0]!, "approve");
    const res = await running;
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/pending_approval/);
    expectVerifiedSet(out);
    expect(pendingIds(out)).toEqual([]);
  });

  it("--no-wait exits 5 with the resume command; after approval `status` writes a matching set", async () => {
    const out = dir("no-wait");
    const res = await issue(["--profile", profile("approval"), "--cn", "nw.example.com", "--out-dir", out, "--no-wait"]);
    expect(res.code).toBe(5);
    const [id] = pendingIds(out);
    expect(res.stderr).toContain(`certctl status ${id} --out-dir ${out}`);
    const keptKey = join(out, ".certctl", "pending", `${id}.key.pem`);
    const keptPublic = keyPublicKey(keptKey);
    expect(existsSync(join(out, "cert.pem"))).toBe(false);
    await decide(id!, "approve");
    const status = await runMain(["status", id!, "--out-dir", out], { cwd: work, env });
    expect(status.code).toBe(0);
    expectVerifiedSet(out);
    expect(certPublicKey(join(out, "cert.pem"))).toBe(keptPublic);
    expect(existsSync(keptKey)).toBe(false);
  });

  it("a wait timeout exits 5 and --json carries the request id and the resume hint", async () => {
    const out = dir("timeout");
    const res = await issue(["--profile", profile("approval"), "--cn", "t.example.com", "--out-dir", out, "--wait-timeout", "1s", "--json"]);
    expect(res.code).toBe(5);
    const doc = JSON.parse(res.stdout);
    expect(doc.error).toMatchObject({ exitCode: 5, status: "pending_approval", certificateRequestId: pendingIds(out)[0] });
    expect(doc.error.hint).toContain(`certctl status ${doc.error.certificateRequestId} --out-dir ${out}`);
  });

  it("a rejected request exits 4 and leaves no file", async () => {
    const out = dir("rejected");
    const running = issue(["--profile", profile("approval"), "--cn", "rj.example.com", "--out-dir", out]);
    await decide(await pendingId(out), "reject");
    const res = await running;
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/rejected/);
    for (const f of ["cert.pem", "chain.pem", "fullchain.pem", "key.pem", "certctl.json"]) expect(existsSync(join(out, f))).toBe(false);
    expect(pendingIds(out)).toEqual([]);
  });

  it("shows the external CA's pendingMessage while waiting, then writes the set", async () => {
    const out = dir("external");
    const res = await issue(["--profile", profile("external"), "--cn", "x.example.com", "--out-dir", out]);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/pending/);
    expectVerifiedSet(out);
  });

  it("SIGINT while waiting exits 130 with the resume command and keeps the pending key", async () => {
    const out = dir("sigint");
    const child = spawn(process.execPath, [BIN, "issue", "--profile", profile("approval"), "--cn", "i.example.com", "--out-dir", out], { env: cleanEnv(env), cwd: work });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    await pendingId(out);
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    const [id] = pendingIds(out);
    expect(stderr).toContain(`certctl status ${id} --out-dir ${out}`);
    expect(existsSync(join(out, ".certctl", "pending", `${id}.key.pem`))).toBe(true);
    expect(existsSync(join(out, "cert.pem"))).toBe(false);
  });
});

describe.concurrent("output", () => {
  it("--json prints one document; --quiet prints nothing; a slug resolves with --project", async () => {
    const out = dir("json");
    const res = await issue(["--profile", "rsa", "--project", server.info.projectId, "--cn", "j.example.com", "--key", fixtureKeyPath("rsa-2048"), "--out-dir", out, "--json"]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc).toEqual({
      status: "issued", certificateId: expect.any(String), certificateRequestId: expect.any(String), serialNumber: expect.stringMatching(/^[0-9a-f]+$/),
      notAfter: expect.any(String),
      files: { cert: join(out, "cert.pem"), chain: join(out, "chain.pem"), fullchain: join(out, "fullchain.pem"), ca: join(out, "ca.pem"), key: join(out, "key.pem") },
    });
    expect(openssl(["x509", "-in", join(out, "cert.pem"), "-noout", "-serial"]).trim().toLowerCase()).toBe(`serial=${doc.serialNumber}`);
    expect(lstatSync(join(out, "cert.pem")).isSymbolicLink() || lstatSync(join(out, "cert.pem")).isFile()).toBe(true);

    const quiet = await issue(["--profile", profile("default"), "--cn", "q.example.com", "--out-dir", dir("quiet"), "--quiet"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");
  });
});

// issue and renew with a local key build their CSRs from the ASN.1 schemas and verify with
// node:crypto: @peculiar/x509 (and the reflect-metadata it needs) is for inspect, --csr and the
// dev server only. Loading it costs every issue and every fleet renewal ~50 ms.
describe.concurrent("what a local-key issue and renew load", () => {
  // Spawned: which modules a process loads is only seen in a fresh process. The --csr probe runs
  // beside the issue → renew pair. The plain issue is also the probe of two other files (one
  // process instead of three): a Universal Auth login loads no login method module and no cloud
  // library (auth-loading.test.ts), and without --p12 no PKCS#12 code (formats-issue.test.ts).
  it("neither loads @peculiar/x509 nor reflect-metadata; --csr does; a plain issue loads no login method, cloud or PKCS#12 module", async () => {
    const light = /node_modules\/(@peculiar\/x509|reflect-metadata|tsyringe)\//;
    const localKey = async () => {
      const out = dir("light");
      const issued = await loadedSources(["issue", "--profile", profile("default"), "--cn", "light.localhost", "--dns", "light.localhost", "--ttl", "1d", "--out-dir", out, "--quiet"], { env, cwd: work });
      expect(issued.code, issued.stderr).toBe(0);
      expect(issued.sources.some((source) => source.endsWith("src/core/crypto/csr.ts"))).toBe(true);
      expect(issued.sources.filter((source) => light.test(source))).toEqual([]);
      expect(issued.sources.filter((source) => LOGIN_METHOD_MODULES.test(source) || CLOUD_LIBRARIES.test(source) || PKCS12_MODULES.test(source))).toEqual([]);
      expectVerifiedSet(out);

      const renewed = await loadedSources(["renew", "--force", "--quiet", out], { env, cwd: work });
      expect(renewed.code, renewed.stderr).toBe(0);
      expect(renewed.sources.some((source) => source.endsWith("src/core/renew/request.ts"))).toBe(true);
      expect(renewed.sources.filter((source) => light.test(source))).toEqual([]);
      expectVerifiedSet(out);
    };

    // The probe can see x509 when it is loaded: --csr checks the user's CSR with it.
    const fromCsr = async () => {
      const csrDir = dir("light-csr");
      const csrFile = join(work, "light.csr");
      openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=light.localhost", "-out", csrFile]);
      const run = await loadedSources(["issue", "--profile", profile("default"), "--csr", csrFile, "--ttl", "1d", "--out-dir", csrDir, "--quiet"], { env, cwd: work });
      expect(run.code, run.stderr).toBe(0);
      expect(run.sources.some((source) => /node_modules\/@peculiar\/x509\//.test(source))).toBe(true);
    };
    await Promise.all([localKey(), fromCsr()]);
  });
});

describe.concurrent("answers certctl must not accept (scripted server)", () => {
  const CERTS = "/api/v1/cert-manager/certificates";
  const PROFILE_ID = "3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11";
  const CERT_ID = "6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41";

  /** A real leaf and chain from the dev server, to be served with the wrong key or a broken chain (made once, read only). */
  let made: Promise<{ cert: string; chain: string; key: string; blocks: string[] }> | undefined;
  const realSet = () => (made ??= makeRealSet());
  async function makeRealSet(): Promise<{ cert: string; chain: string; key: string; blocks: string[] }> {
    const out = dir("source");
    expect((await issue(["--profile", profile("default"), "--cn", "src.example.com", "--out-dir", out])).code).toBe(0);
    // chain.pem holds the intermediates only; the root is in ca.pem.
    const chain = readFileSync(join(out, "chain.pem"), "utf8") + readFileSync(join(out, "ca.pem"), "utf8");
    return { cert: readFileSync(join(out, "cert.pem"), "utf8"), chain, key: readFileSync(join(out, "key.pem"), "utf8"), blocks: chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)! };
  }

  it.each([
    ["a certificate for another key", (s: { cert: string; chain: string }) => ({ cert: s.cert, chain: s.chain }), [], /does not carry our public key/],
    ["a chain that does not link", (s: { cert: string; blocks: string[] }) => ({ cert: s.cert, chain: s.blocks[1]! }), ["--server-keygen"], /chain does not link/],
  ])("refuses %s (exit 4, nothing written)", async (_name, pick, extra, message) => {
    const set = await realSet();
    const { cert, chain } = pick(set as never);
    const scripted = await startScriptedServer();
    try {
      scripted.on(`POST ${CERTS}`, { status: 200, body: { certificate: { certificate: cert, issuingCaCertificate: set.blocks[0], certificateChain: chain, serialNumber: "01", certificateId: CERT_ID, privateKey: "" }, certificateRequestId: "r-1", status: "issued" } });
      scripted.on(`GET ${CERTS}/${CERT_ID}/bundle`, { status: 200, body: { certificate: cert, certificateChain: chain, privateKey: set.key, serialNumber: "01" } });
      const out = dir("scripted");
      const res = await issue(["--profile", PROFILE_ID, "--cn", "src.example.com", "--out-dir", out, ...extra], { env: { INFISICAL_DOMAIN: scripted.url, INFISICAL_TOKEN: "scripted-token" } });
      expect(res.code).toBe(4);
      expect(res.stderr).toMatch(message);
      expect(existsSync(join(out, "cert.pem"))).toBe(false);
      expect(existsSync(join(out, "key.pem"))).toBe(false);
    } finally {
      await scripted.close();
    }
  });

  it("--server-keygen without a private key in the answer or the bundle exits 4 naming ReadPrivateKey", async () => {
    const set = await realSet();
    const scripted = await startScriptedServer();
    try {
      scripted.on(`POST ${CERTS}`, { status: 200, body: { certificate: { certificate: set.cert, issuingCaCertificate: set.blocks[0], certificateChain: set.chain, serialNumber: "01", certificateId: CERT_ID }, certificateRequestId: "r-2", status: "issued" } });
      scripted.on(`GET ${CERTS}/${CERT_ID}/bundle`, { status: 200, body: { certificate: set.cert, certificateChain: set.chain, privateKey: null, serialNumber: "01" } });
      const out = dir("nokey");
      const res = await issue(["--profile", PROFILE_ID, "--cn", "src.example.com", "--server-keygen", "--out-dir", out], { env: { INFISICAL_DOMAIN: scripted.url, INFISICAL_TOKEN: "scripted-token" } });
      expect(res.code).toBe(4);
      expect(res.stderr).toContain("ReadPrivateKey");
      expect(res.stderr).toContain(CERT_ID);
      expect(scripted.count(`GET ${CERTS}/${CERT_ID}/bundle`)).toBe(1);
      expect(existsSync(join(out, "cert.pem"))).toBe(false);
      // The request body never carries key material, in any mode.
      for (const req of scripted.requests) expect(req.body).not.toMatch(/PRIVATE KEY/);
    } finally {
      await scripted.close();
    }
  });
});
