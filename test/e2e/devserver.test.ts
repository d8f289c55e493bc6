// certctl dev-server over real loopback HTTP, driven by fetch as "a client that follows only
// infisical-api.md"; every certificate is checked with openssl, independently of our x509 code.
// The `certctl dev-server` process is spawned where it is the subject (its output until a signal
// stops it, and the exit code then); a refused flag runs in-process (main(argv, io)), and the API
// is exercised on servers started in-process (startDevServer).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { fixtureKeyPath } from "../helpers/fixture-keys.js";
import { DAY_MS, startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";
import { certPublicKey, certText, keyPublicKey, openssl, pemBlocks, verifyChain } from "../helpers/openssl.js";

const DAY = DAY_MS;
const ISSUE = "/api/v1/cert-manager/certificates";

let server: LocalDevServerHandle;
/** --approval auto=300ms --token-ttl 1s --backdate 20d --latency 150ms */
let tuned: LocalDevServerHandle;
const TUNED_TOKEN_TTL_MS = 1000;
let token: string;
let work: string;

beforeAll(async () => {
  [server, tuned] = await Promise.all([
    startLocalDevServerHandle(),
    startLocalDevServerHandle({ approval: "auto=300ms", tokenTtlMs: TUNED_TOKEN_TTL_MS, backdateMs: 20 * DAY, latencyMs: 150 }),
  ]);
  token = await server.token();
  work = mkdtempSync(join(tmpdir(), "certctl-devserver-e2e-"));
});
afterAll(async () => {
  await Promise.all([server?.stop(), tuned?.stop()]);
});

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- wire JSON, asserted field by field
  text: string;
}

async function call(target: LocalDevServerHandle, method: string, path: string, opts: { token?: string | null; body?: unknown; raw?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const bearer = opts.token === undefined ? (target === server ? token : undefined) : opts.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let payload: string | undefined;
  if (opts.raw !== undefined) payload = opts.raw;
  else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
  if (payload !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${target.url}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

const issue = (body: unknown, target = server, bearer?: string) => call(target, "POST", ISSUE, { body, ...(bearer ? { token: bearer } : {}) });

let counter = 0;
function file(name: string, content: string): string {
  const path = join(work, `${++counter}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** A CSR made by openssl, with its key file: a new key (`key`: -newkey …) or an existing one (`keyFile`). */
function opensslCsr(opts: { key: string[]; subj: string; exts?: string[]; digest?: string } | { keyFile: string; subj: string; exts?: string[]; digest?: string }): { csr: string; keyFile: string } {
  const keyFile = "keyFile" in opts ? opts.keyFile : join(work, `${++counter}-key.pem`);
  const keyArgs = "keyFile" in opts ? ["-key", keyFile] : [...opts.key, "-nodes", "-keyout", keyFile];
  const args = ["req", "-new", ...keyArgs, "-subj", opts.subj, `-${opts.digest ?? "sha256"}`];
  for (const ext of opts.exts ?? []) args.push("-addext", ext);
  return { csr: openssl(args), keyFile };
}

const P256 = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

function expectSerial(serial: string): void {
  expect(serial).toMatch(/^[0-9a-f]{40}$/);
  expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
}

describe.concurrent("start and stop", () => {
  it("--json prints exactly one JSON line, nothing else, whose machine identity logs in (LDAP); SIGTERM stops it with exit 0", async () => {
    const child = spawn(process.execPath, [BIN, "dev-server", "--port", "0", "--json"], { env: cleanEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    await until("the JSON line", () => stdout.includes("\n"));
    const info = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(info).sort()).toEqual(["clientId", "clientSecret", "machineIdentity", "profileId", "profiles", "projectId", "url"]);
    // What a user's CI script does with the line (issue 15): an LDAP login with the printed machine
    // identity issues, a wrong user is refused (exit 3). Requests must not add anything to stdout.
    const { machineIdentity } = info as { machineIdentity: { identityId: string; ldap: { username: string; password: string } } };
    const env = {
      INFISICAL_DOMAIN: String(info.url), INFISICAL_MACHINE_IDENTITY_ID: machineIdentity.identityId,
      INFISICAL_LDAP_USERNAME: machineIdentity.ldap.username, INFISICAL_LDAP_PASSWORD: machineIdentity.ldap.password,
    };
    const args = ["issue", "--profile", String(info.profileId), "--cn", "child.localhost", "--ttl", "1d", "--quiet"];
    const ok = await runMain([...args, "--out-dir", join(work, "child-ok")], { env, cwd: work });
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await runMain([...args, "--out-dir", join(work, "child-refused")], { env: { ...env, INFISICAL_LDAP_USERNAME: "mallory" }, cwd: work });
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain("LDAP Auth");
    expect(refused.stderr).toMatch(/HTTP 401/);
    const stats = await fetch(`${String(info.url)}/api/v1/dev/stats`);
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as Record<string, number>)["POST /api/v1/auth/ldap-auth/login"]).toBe(2);
    child.kill("SIGTERM");
    const code = await new Promise((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stdout.split("\n")).toHaveLength(2); // one line and its newline
    expect(stderr).toBe("");
  });

  it("human output names the URL, profiles and credentials; SIGINT is a clean stop too", async () => {
    const child = spawn(process.execPath, [BIN, "dev-server", "--port", "0", "--no-color"], { env: cleanEnv() });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    await until("the banner", () => stdout.includes("Ctrl-C"));
    expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    for (const slug of ["default", "rsa", "approval", "external"]) expect(stdout).toContain(slug);
    expect(stdout).toMatch(/client secret {2}[0-9a-f]{64}/);
    child.kill("SIGINT");
    expect(await new Promise((resolve) => child.once("exit", (c) => resolve(c)))).toBe(0);
  });

  // Bad input is refused before anything starts: in-process (main(argv, io)), no process needed.
  it("refuses a bad flag with exit 2 and names the flag", async () => {
    const res = await runMain(["dev-server", "--approval", "sometimes"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--approval");
  });

  it("lists its profiles with random ids and fixed slugs", () => {
    expect(server.profiles.map((p) => [p.slug, p.approval])).toEqual([
      ["default", "none"], ["rsa", "none"], ["approval", "manual"], ["external", "external"],
    ]);
    expect(server.profileId).toBe(server.profile("default"));
    expect(tuned.profiles[0]?.approval).toBe("auto=300ms");
    expect(tuned.profileId).not.toBe(server.profileId);
  });
});

describe.concurrent("authentication", () => {
  it("logs in with the printed client credentials and renews a token", async () => {
    const login = await call(server, "POST", "/api/v1/auth/universal-auth/login", { token: null, body: { clientId: server.clientId, clientSecret: server.clientSecret } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: "Bearer", expiresIn: 3600 });
    const renewed = await call(server, "POST", "/api/v1/auth/token/renew", { token: null, body: { accessToken: login.body.accessToken } });
    expect(renewed.status).toBe(200);
    expect(renewed.body.accessToken).not.toBe(login.body.accessToken);
  });

  it("refuses a wrong secret with 401", async () => {
    const login = await call(server, "POST", "/api/v1/auth/universal-auth/login", { token: null, body: { clientId: server.clientId, clientSecret: "nope" } });
    expect(login.status).toBe(401);
  });

  it("answers 401 'Token missing' without a token and 403 TokenError for a malformed one", async () => {
    const missing = await call(server, "POST", ISSUE, { token: null, body: { profileId: server.profileId } });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ statusCode: 401, message: "Token missing" });
    expect(missing.body.reqId).toEqual(expect.any(String));
    const bad = await call(server, "GET", `${ISSUE}/certificate-requests/${server.profileId}`, { token: "garbage" });
    expect(bad.status).toBe(403);
    expect(bad.body).toMatchObject({ statusCode: 403, error: "TokenError" });
  });

  it("answers 403 TokenError once --token-ttl has passed, not before", async () => {
    const profile = `/api/v1/cert-manager/certificate-profiles/slug/default?projectId=${tuned.projectId}`;
    // Taken before the login: the token cannot be older than this when the server refuses it.
    const issuedAt = Date.now();
    const shortLived = await tuned.token();
    const fresh = await call(tuned, "GET", profile, { token: shortLived });
    // Only a machine stalled past the TTL may see it refused already (the expiry is checked below).
    if (Date.now() - issuedAt < TUNED_TOKEN_TTL_MS) expect(fresh.status).toBe(200);
    const expired = await until("the token to be refused", async () => {
      const reply = await call(tuned, "GET", profile, { token: shortLived });
      return reply.status === 200 ? undefined : reply;
    });
    expect(Date.now() - issuedAt).toBeGreaterThanOrEqual(TUNED_TOKEN_TTL_MS);
    expect(expired.status).toBe(403);
    expect(expired.body.error).toBe("TokenError");
  });
});

describe("issue from a CSR", () => {
  it("signs the CSR's subject, SANs and usages; the chain verifies to the root; the key matches", async () => {
    const { csr, keyFile } = opensslCsr({
      key: P256,
      subj: "/C=DE/O=Acme Corp/OU=Web/CN=csr.example.com",
      exts: [
        "subjectAltName=DNS:csr.example.com,DNS:www.csr.example.com,IP:192.0.2.7,IP:2001:db8::7,email:ops@example.com,URI:spiffe://example.com/web",
        "keyUsage=critical,digitalSignature,keyAgreement",
        "extendedKeyUsage=serverAuth,clientAuth",
      ],
    });
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl: "30d", commonName: "ignored.example.com" } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("issued");
    expect("message" in res.body).toBe(false);
    const cert = res.body.certificate;
    expect(cert.privateKey).toBeUndefined();
    expectSerial(cert.serialNumber);
    expect(res.body.certificateRequestId).toMatch(/^[0-9a-f-]{36}$/);

    const certFile = file("cert.pem", cert.certificate);
    const chainFile = file("chain.pem", cert.certificateChain);
    expect(verifyChain(certFile, chainFile)).toMatch(/OK$/);
    expect(keyPublicKey(keyFile)).toBe(certPublicKey(certFile));
    const subject = openssl(["x509", "-in", certFile, "-noout", "-subject", "-nameopt", "RFC2253"]).trim();
    expect(subject).toBe("subject=CN=csr.example.com,OU=Web,O=Acme Corp,C=DE"); // RFC 2253 prints the RDNs last-first: order kept
    const text = certText(certFile);
    for (const san of ["DNS:csr.example.com", "DNS:www.csr.example.com", "IP Address:192.0.2.7", "IP Address:2001:DB8:0:0:0:0:0:7", "email:ops@example.com", "URI:spiffe://example.com/web"]) {
      expect(text).toContain(san);
    }
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Agreement/);
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text).toContain("Subject Key Identifier");
    expect(text).toContain("Authority Key Identifier");
    // About 1 serial in 128 is 00 + a byte with its top bit set, as Infisical's are; openssl prints the integer without the 00.
    expect(text).toContain(`Serial Number:\n            ${cert.serialNumber.replace(/^00/, "").match(/../g).join(":")}`);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    const lifetime = new Date(openssl(["x509", "-in", certFile, "-noout", "-enddate"]).split("=")[1]!).getTime() -
      new Date(openssl(["x509", "-in", certFile, "-noout", "-startdate"]).split("=")[1]!).getTime();
    expect(lifetime).toBe(30 * DAY);
  });

  it("returns the chain as intermediate then root, no leaf, no trailing newline", async () => {
    const { csr } = opensslCsr({ key: P256, subj: "/CN=chain.example.com" });
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl: "1d" } });
    const { certificate, certificateChain, issuingCaCertificate } = res.body.certificate;
    const blocks = pemBlocks(certificateChain);
    expect(blocks).toHaveLength(2);
    expect(certificateChain).toBe(blocks.join("\n"));
    expect(certificateChain).not.toContain(certificate.trim());
    expect(issuingCaCertificate.trim()).toBe(blocks[0]);
    const roots = await server.rootPems();
    expect(roots.map((r) => r.trim())).toContain(blocks[1]);
  });

  it.each([[true], ["true"]])("removeRootsFromChain %j drops only the root", async (flag) => {
    const { csr } = opensslCsr({ key: P256, subj: "/CN=noroot.example.com" });
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl: "1d" }, removeRootsFromChain: flag });
    expect(res.body.certificate.certificateChain.trim()).toBe(res.body.certificate.issuingCaCertificate.trim());
  });

  it("signs a P-384 CSR signed with SHA-384 with ecdsa-with-SHA384", async () => {
    const { csr } = opensslCsr({ key: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"], subj: "/CN=p384.example.com", digest: "sha384" });
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl: "1d" } });
    expect(res.status).toBe(200);
    expect(certText(file("p384.pem", res.body.certificate.certificate))).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
  });

  it("signs an RSA CSR on the rsa profile, and refuses it on an EC profile with the real server's 400", async () => {
    // An RSA key from the run's fixtures: the subject is the signing, not RSA key generation.
    const { csr, keyFile } = opensslCsr({ keyFile: fixtureKeyPath("rsa-2048"), subj: "/CN=rsa.example.com" });
    const ok = await issue({ profileId: server.profile("rsa"), csr, attributes: { ttl: "1d" } });
    expect(ok.status).toBe(200);
    const certFile = file("rsa.pem", ok.body.certificate.certificate);
    expect(verifyChain(certFile, file("rsa-chain.pem", ok.body.certificate.certificateChain))).toMatch(/OK$/);
    expect(keyPublicKey(keyFile)).toBe(certPublicKey(certFile));
    expect(certText(certFile)).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);

    const refused = await issue({ profileId: server.profileId, csr, attributes: { ttl: "1d" } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      "Requested signature algorithm RSA-SHA256 is not compatible with CA key algorithm EC_prime256v1. CA can only sign with ECDSA-based signature algorithms.",
    );
  });
});

describe.concurrent("issue with a server-generated key", () => {
  it.each([
    ["EC_prime256v1", "default", "ECDSA-SHA256", "ASN1 OID: prime256v1", "ecdsa-with-SHA256"],
    ["EC_secp384r1", "default", "ECDSA-SHA384", "ASN1 OID: secp384r1", "ecdsa-with-SHA384"],
    ["EC_secp521r1", "default", "ECDSA-SHA512", "ASN1 OID: secp521r1", "ecdsa-with-SHA512"],
    ["RSA_2048", "default", "ECDSA-SHA256", "(2048 bit)", "ecdsa-with-SHA256"],
    ["RSA_3072", "rsa", "RSA-SHA384", "(3072 bit)", "sha384WithRSAEncryption"],
    ["RSA_4096", "rsa", "RSA-SHA512", "(4096 bit)", "sha512WithRSAEncryption"],
  ])("%s on %s signed %s", async (keyAlgorithm, slug, signatureAlgorithm, keyText, sigText) => {
    const res = await issue({
      profileId: server.profile(slug),
      attributes: {
        commonName: `${keyAlgorithm.toLowerCase()}.example.com`, organization: "Acme", country: "US",
        altNames: [{ type: "dns_name", value: "keygen.example.com" }, { type: "ip_address", value: "10.0.0.1" }, { type: "uri", value: "https://keygen.example.com/" }, { type: "email", value: "a@example.com" }],
        keyUsages: ["digital_signature", "key_encipherment"], extendedKeyUsages: ["server_auth"],
        keyAlgorithm, signatureAlgorithm, ttl: "7d",
      },
    });
    expect(res.status).toBe(200);
    const cert = res.body.certificate;
    expect(cert.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const certFile = file("keygen.pem", cert.certificate);
    const keyFile = file("keygen-key.pem", cert.privateKey);
    expect(verifyChain(certFile, file("keygen-chain.pem", cert.certificateChain))).toMatch(/OK$/);
    expect(keyPublicKey(keyFile)).toBe(certPublicKey(certFile));
    const text = certText(certFile);
    expect(text).toContain(keyText);
    expect(text).toContain(`Signature Algorithm: ${sigText}`);
    expect(text).toMatch(/Subject: C ?= ?US, O ?= ?Acme, CN ?= ?\S+\.example\.com/);
    for (const san of ["DNS:keygen.example.com", "IP Address:10.0.0.1", "URI:https://keygen.example.com/", "email:a@example.com"]) expect(text).toContain(san);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    expect(text).toContain("TLS Web Server Authentication");
  });

  it("needs keyAlgorithm and signatureAlgorithm, of the CA's family", async () => {
    const base = { commonName: "x.example.com", ttl: "1d" };
    const noKey = await issue({ profileId: server.profileId, attributes: { ...base, signatureAlgorithm: "ECDSA-SHA256" } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.message).toBe("Key algorithm is required by template policy but not provided in request");
    const noSig = await issue({ profileId: server.profileId, attributes: { ...base, keyAlgorithm: "EC_prime256v1" } });
    expect(noSig.status).toBe(400);
    const wrongFamily = await issue({ profileId: server.profileId, attributes: { ...base, keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "RSA-SHA256" } });
    expect(wrongFamily.status).toBe(400);
    expect(wrongFamily.body.message).toMatch(/^Requested signature algorithm RSA-SHA256 is not compatible with CA key algorithm EC_prime256v1/);
  });
});

describe("requests and certificates", () => {
  it("polls a request (leaf only), and serves certificate, bundle, private key and metadata", async () => {
    const res = await issue({ profileId: server.profileId, attributes: { commonName: "poll.example.com", keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256", ttl: "24h" } });
    const { certificateRequestId } = res.body;
    const { certificateId, certificate, privateKey, serialNumber } = res.body.certificate;
    const status = await call(server, "GET", `${ISSUE}/certificate-requests/${certificateRequestId}`);
    expect(status.body).toMatchObject({ status: "issued", certificate, certificateId, privateKey, serialNumber, errorMessage: null });
    expect(pemBlocks(status.body.certificate)).toHaveLength(1);

    const withChain = await call(server, "GET", `${ISSUE}/${certificateId}/certificate`);
    expect(withChain.body).toEqual({ certificate, certificateChain: res.body.certificate.certificateChain, serialNumber });
    const bundle = await call(server, "GET", `${ISSUE}/${certificateId}/bundle`);
    expect(bundle.body.privateKey).toBe(privateKey);
    const key = await call(server, "GET", `${ISSUE}/${certificateId}/private-key`);
    expect(key.text).toBe(privateKey);
    const meta = await call(server, "GET", `${ISSUE}/${certificateId}`);
    expect(meta.body.certificate).toMatchObject({ id: certificateId, status: "active", serialNumber, commonName: "poll.example.com", hasPrivateKey: true, latestRenewalCertificateId: null });
  });

  it("answers privateKey null for a CSR request; 404 for an unknown request, 422 for a non-UUID one", async () => {
    const { csr } = opensslCsr({ key: P256, subj: "/CN=csrpoll.example.com" });
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl: "1d" } });
    const status = await call(server, "GET", `${ISSUE}/certificate-requests/${res.body.certificateRequestId}`);
    expect(status.body.privateKey).toBeNull();
    const missing = await call(server, "GET", `${ISSUE}/certificate-requests/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    const notUuid = await call(server, "GET", `${ISSUE}/certificate-requests/not-a-uuid`);
    expect(notUuid.status).toBe(422);
    expect(notUuid.body.message[0]).toMatchObject({ message: "Invalid uuid" });
    const meta = await call(server, "GET", `${ISSUE}/${res.body.certificate.certificateId}`);
    expect(meta.body.certificate.hasPrivateKey).toBe(false);
    const key = await call(server, "GET", `${ISSUE}/${res.body.certificate.certificateId}/private-key`);
    expect(key.status).toBe(404);
  });

  it("renews with a new key, keeping lifetime and subject; refuses a second renewal", async () => {
    const res = await issue({ profileId: server.profileId, attributes: { commonName: "renew.example.com", keyAlgorithm: "EC_secp384r1", signatureAlgorithm: "ECDSA-SHA256", ttl: "10d" } });
    const original = res.body.certificate;
    const renewed = await call(server, "POST", `${ISSUE}/${original.certificateId}/renew`, { body: { renewalKeySource: "new" } });
    expect(renewed.status).toBe(200);
    expect(renewed.body.certificateRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(renewed.body.privateKey).not.toBe(original.privateKey);
    const certFile = file("renewed.pem", renewed.body.certificate);
    expect(keyPublicKey(file("renewed-key.pem", renewed.body.privateKey))).toBe(certPublicKey(certFile));
    expect(certText(certFile)).toContain("ASN1 OID: secp384r1");
    expect(certText(certFile)).toMatch(/Subject: CN ?= ?renew\.example\.com/);
    const meta = await call(server, "GET", `${ISSUE}/${original.certificateId}`);
    expect(meta.body.certificate.latestRenewalCertificateId).toBe(renewed.body.certificateId);
    const newMeta = await call(server, "GET", `${ISSUE}/${renewed.body.certificateId}`);
    expect(new Date(newMeta.body.certificate.notAfter).getTime() - new Date(newMeta.body.certificate.notBefore).getTime()).toBe(10 * DAY);
    const again = await call(server, "POST", `${ISSUE}/${original.certificateId}/renew`, { body: { renewalKeySource: "new" } });
    expect(again.status).toBe(400);
    expect(again.body.message).toBe("Certificate has already been renewed");
  });

  it("renews reusing the server's key, or from a new CSR; refuses reuse when the server has no key", async () => {
    const keygen = await issue({ profileId: server.profileId, attributes: { commonName: "reuse.example.com", keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256", ttl: "2d" } });
    const reused = await call(server, "POST", `${ISSUE}/${keygen.body.certificate.certificateId}/renew`, { body: { renewalKeySource: "reuse", removeRootsFromChain: true } });
    expect(reused.status).toBe(200);
    expect(reused.body.privateKey).toBe(keygen.body.certificate.privateKey);
    expect(pemBlocks(reused.body.certificateChain)).toHaveLength(1);

    const first = opensslCsr({ key: P256, subj: "/CN=csrrenew.example.com" });
    const fromCsr = await issue({ profileId: server.profileId, csr: first.csr, attributes: { ttl: "2d" } });
    const refused = await call(server, "POST", `${ISSUE}/${fromCsr.body.certificate.certificateId}/renew`, { body: { renewalKeySource: "reuse" } });
    expect(refused.status).toBe(400);
    const second = opensslCsr({ key: P256, subj: "/CN=csrrenew.example.com" });
    const renewed = await call(server, "POST", `${ISSUE}/${fromCsr.body.certificate.certificateId}/renew`, { body: { renewalKeySource: "csr", csr: second.csr } });
    expect(renewed.status).toBe(200);
    expect(renewed.body.privateKey).toBeUndefined();
    expect(keyPublicKey(second.keyFile)).toBe(certPublicKey(file("csr-renewed.pem", renewed.body.certificate)));
  });

  it("revokes, then refuses to renew (400) or revoke again (500, like the real server)", async () => {
    const { csr } = opensslCsr({ key: P256, subj: "/CN=revoke.example.com" });
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl: "1d" } });
    const id = res.body.certificate.certificateId;
    const badReason = await call(server, "POST", `${ISSUE}/${id}/revoke`, { body: { revocationReason: "BORED" } });
    expect(badReason.status).toBe(422);
    const revoked = await call(server, "POST", `${ISSUE}/${id}/revoke`, { body: { revocationReason: "KEY_COMPROMISE" } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ serialNumber: res.body.certificate.serialNumber, message: expect.any(String) });
    expect(Number.isNaN(Date.parse(revoked.body.revokedAt))).toBe(false);
    expect((await call(server, "GET", `${ISSUE}/${id}`)).body.certificate.status).toBe("revoked");
    expect((await call(server, "POST", `${ISSUE}/${id}/renew`, { body: {} })).status).toBe(400);
    expect((await call(server, "POST", `${ISSUE}/${id}/revoke`, { body: { revocationReason: "UNSPECIFIED" } })).status).toBe(500);
  });

  it("looks up a profile by slug within the project; 404 for another project or slug", async () => {
    const ok = await call(server, "GET", `/api/v1/cert-manager/certificate-profiles/slug/rsa?projectId=${server.projectId}`);
    expect(ok.body.certificateProfile).toMatchObject({ id: server.profile("rsa"), slug: "rsa" });
    const otherProject = await call(server, "GET", `/api/v1/cert-manager/certificate-profiles/slug/rsa?projectId=${tuned.projectId}`);
    expect(otherProject.status).toBe(404);
    const otherSlug = await call(server, "GET", `/api/v1/cert-manager/certificate-profiles/slug/nope?projectId=${server.projectId}`);
    expect(otherSlug.status).toBe(404);
  });
});

describe.concurrent("approval and external CA", () => {
  const keygen = (profileId: string) => ({ profileId, attributes: { commonName: "approve.example.com", keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256", ttl: "1d" } });

  /** Poll a request until issued, noting every status seen (each poll checks pendingMessage while pending_validation). */
  const waitIssued = (requestId: string, seen = new Set<string>()) =>
    until(`request ${requestId} to be issued`, async () => {
      const last = await call(server, "GET", `${ISSUE}/certificate-requests/${requestId}`);
      seen.add(last.body.status);
      if (last.body.status === "pending_validation") expect(last.body.pendingMessage).toEqual(expect.any(String));
      return last.body.status === "issued" ? (last.body as { certificateId: string; serialNumber: string }) : undefined;
    });

  it("pending_approval → issued via the dev approve endpoint", async () => {
    const res = await issue(keygen(server.profile("approval")));
    expect(res.body).toMatchObject({ certificate: null, status: "pending_approval" });
    const id = res.body.certificateRequestId;
    expect((await call(server, "GET", `${ISSUE}/certificate-requests/${id}`)).body).toMatchObject({ status: "pending_approval", certificate: null });
    await server.approve(id);
    const done = await call(server, "GET", `${ISSUE}/certificate-requests/${id}`);
    expect(done.body.status).toBe("issued");
    const chain = await call(server, "GET", `${ISSUE}/${done.body.certificateId}/certificate`);
    expect(verifyChain(file("approved.pem", chain.body.certificate), file("approved-chain.pem", chain.body.certificateChain))).toMatch(/OK$/);
  });

  it("pending_approval → rejected with an errorMessage; a decided request cannot be decided again", async () => {
    const res = await issue(keygen(server.profile("approval")));
    await server.reject(res.body.certificateRequestId);
    const done = await call(server, "GET", `${ISSUE}/certificate-requests/${res.body.certificateRequestId}`);
    expect(done.body).toMatchObject({ status: "rejected", certificate: null, certificateId: null });
    expect(done.body.errorMessage).toEqual(expect.any(String));
    await expect(server.approve(res.body.certificateRequestId)).rejects.toThrow(/400/);
  });

  it("cancels a pending request", async () => {
    const res = await issue(keygen(server.profile("approval")));
    const cancelled = await call(server, "POST", `${ISSUE}/certificate-requests/${res.body.certificateRequestId}/cancel`);
    expect(cancelled.body).toMatchObject({ cancelled: true, status: "failed" });
  });

  it("--approval auto=<d> issues on its own", async () => {
    const bearer = await tuned.token();
    const res = await issue(keygen(tuned.profileId), tuned, bearer);
    expect(res.body.status).toBe("pending_approval");
    // This server's tokens live 1 s, so every status read logs in afresh.
    await until("the request to be approved on its own", async () => {
      const done = await call(tuned, "GET", `${ISSUE}/certificate-requests/${res.body.certificateRequestId}`, { token: await tuned.token() });
      return done.body.status === "issued" || undefined;
    });
  });

  it("external profile: pending, then pending_validation with a pendingMessage, then issued", async () => {
    const res = await issue(keygen(server.profile("external")));
    expect(res.body).toMatchObject({ certificate: null, status: "pending" });
    const seen = new Set<string>();
    await waitIssued(res.body.certificateRequestId, seen);
    expect([...seen]).toEqual(["pending", "pending_validation", "issued"]);
  });

  it("renewal on the external profile: answered pending (no certificate), then pending_validation, then issued", async () => {
    const original = await issue(keygen(server.profile("external")));
    const first = await waitIssued(original.body.certificateRequestId);
    const res = await call(server, "POST", `${ISSUE}/${first.certificateId}/renew`, { body: { renewalKeySource: "new" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ certificate: null, certificateId: null, serialNumber: null, status: "pending" });
    expect(res.body.certificateRequestId).toMatch(/^[0-9a-f-]{36}$/);
    const seen = new Set<string>();
    const done = await waitIssued(res.body.certificateRequestId, seen);
    expect([...seen]).toEqual(["pending", "pending_validation", "issued"]);
    const renewed = await call(server, "GET", `${ISSUE}/${done.certificateId}/certificate`);
    expect(renewed.body.serialNumber).not.toBe(first.serialNumber);
    expect(verifyChain(file("ext-renewed.pem", renewed.body.certificate), file("ext-renewed-chain.pem", renewed.body.certificateChain))).toMatch(/OK$/);
    expect((await call(server, "GET", `${ISSUE}/${first.certificateId}`)).body.certificate.latestRenewalCertificateId).toBe(done.certificateId);
  });

  it("renewal on the approval profile: pending_approval until approved; a rejected one leaves the original renewable", async () => {
    const original = await issue(keygen(server.profile("approval")));
    await server.approve(original.body.certificateRequestId);
    const id = (await call(server, "GET", `${ISSUE}/certificate-requests/${original.body.certificateRequestId}`)).body.certificateId;
    const rejected = await call(server, "POST", `${ISSUE}/${id}/renew`, { body: { renewalKeySource: "new" } });
    expect(rejected.body).toMatchObject({ certificate: null, status: "pending_approval" });
    await server.reject(rejected.body.certificateRequestId);
    expect((await call(server, "GET", `${ISSUE}/certificate-requests/${rejected.body.certificateRequestId}`)).body.status).toBe("rejected");
    const res = await call(server, "POST", `${ISSUE}/${id}/renew`, { body: { renewalKeySource: "new" } });
    expect(res.body).toMatchObject({ certificate: null, status: "pending_approval" });
    expect((await call(server, "GET", `${ISSUE}/certificate-requests/${res.body.certificateRequestId}`)).body.status).toBe("pending_approval");
    await server.approve(res.body.certificateRequestId);
    const done = await call(server, "GET", `${ISSUE}/certificate-requests/${res.body.certificateRequestId}`);
    expect(done.body.status).toBe("issued");
    expect((await call(server, "GET", `${ISSUE}/${id}`)).body.certificate.latestRenewalCertificateId).toBe(done.body.certificateId);
  });
});

describe("answers a real server gives to bad input", () => {
  it("422 ValidationFailure with message as an array of {code, message, path}", async () => {
    const res = await issue({ profileId: server.profileId, attributes: { commonName: "x".repeat(101), keyUsages: ["typing"], ttl: "1d" } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: "ValidationFailure" });
    expect(res.body.reqId).toEqual(expect.any(String));
    expect(res.body.message).toEqual(expect.arrayContaining([
      expect.objectContaining({ code: expect.any(String), message: expect.any(String), path: ["attributes", "commonName"] }),
      expect.objectContaining({ path: ["attributes", "keyUsages", 0] }),
    ]));
  });

  it.each([
    ["a non-UUID profileId", { profileId: "default", attributes: { ttl: "1d" } }, 422, "Invalid uuid"],
    ["an unknown profile", { profileId: "00000000-0000-4000-8000-000000000000", attributes: { ttl: "1d" } }, 404, "Certificate profile not found"],
    ["ttl with notBefore/notAfter", { attributes: { ttl: "1d", notBefore: "2030-01-01T00:00:00Z", notAfter: "2030-02-01T00:00:00Z" } }, 422, undefined],
    ["notBefore after notAfter", { attributes: { notBefore: "2030-02-01T00:00:00Z", notAfter: "2030-01-01T00:00:00Z" } }, 422, undefined],
    ["no ttl", { attributes: { commonName: "a.example.com" } }, 400, "Certificate issuance requires a valid TTL"],
    ["dates without a ttl", { attributes: { notBefore: "2030-01-01T00:00:00Z", notAfter: "2030-02-01T00:00:00Z" } }, 400, "Certificate issuance requires a valid TTL"],
    ["a ttl over the policy maximum", { attributes: { ttl: "398d" } }, 400, "Certificate request validation failed: Requested validity period exceeds maximum allowed duration"],
    ["90m (months to the policy)", { attributes: { ttl: "90m" } }, 400, "Certificate request validation failed: Requested validity period exceeds maximum allowed duration"],
    ["an empty csr", { csr: "", attributes: { ttl: "1d" } }, 422, undefined],
    ["a garbage csr", { csr: "-----BEGIN CERTIFICATE REQUEST-----\nMIIBnonsense\n-----END CERTIFICATE REQUEST-----", attributes: { ttl: "1d" } }, 500, undefined],
  ])("%s", async (_name, body, status, message) => {
    const res = await issue({ profileId: server.profileId, ...body });
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    if (message !== undefined) expect(JSON.stringify(res.body.message)).toContain(message);
  });

  it.each([
    ["30d", 200], ["24h", 200], ["5m", 200],
    ["1w", 500], ["2 days", 500], ["1.5d", 500], ["30D", 500], ["30", 500],
    ["P30D", 422], ["0", 422], ["-1d", 422], ["30x", 422],
  ])("ttl %j answers %d", async (ttl, status) => {
    const { csr } = ttlCsr;
    const res = await issue({ profileId: server.profileId, csr, attributes: { ttl } });
    expect(res.status).toBe(status);
  });

  it("reads 5m as five minutes when issuing", async () => {
    const res = await issue({ profileId: server.profileId, csr: ttlCsr.csr, attributes: { ttl: "5m" } });
    const meta = await call(server, "GET", `${ISSUE}/${res.body.certificate.certificateId}`);
    expect(new Date(meta.body.certificate.notAfter).getTime() - new Date(meta.body.certificate.notBefore).getTime()).toBe(5 * 60_000);
  });

  it("a non-JSON body is a 500; unknown fields are ignored", async () => {
    const raw = await call(server, "POST", ISSUE, { raw: "{not json" });
    expect(raw.status).toBe(500);
    const extra = await issue({ profileId: server.profileId, csr: ttlCsr.csr, attributes: { ttl: "1d", favouriteColour: "teal" }, applicationId: "x" });
    expect(extra.status).toBe(200);
  });
});

const ttlCsr = { get csr(): string { return (ttlCsrCache ??= opensslCsr({ key: P256, subj: "/CN=ttl.example.com" })).csr; } };
let ttlCsrCache: { csr: string; keyFile: string } | undefined;

describe("--backdate, --latency and stats", () => {
  it("backdates notBefore and keeps notAfter = notBefore + ttl; delays every answer", async () => {
    const bearer = await tuned.token();
    const started = Date.now();
    const res = await issue({ profileId: tuned.profile("rsa"), attributes: { commonName: "old.example.com", keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "RSA-SHA256", ttl: "30d" } }, tuned, bearer);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(res.status).toBe(200);
    const certFile = file("old.pem", res.body.certificate.certificate);
    const notBefore = new Date(openssl(["x509", "-in", certFile, "-noout", "-startdate"]).trim().split("=")[1]!).getTime();
    const notAfter = new Date(openssl(["x509", "-in", certFile, "-noout", "-enddate"]).trim().split("=")[1]!).getTime();
    expect(Math.abs(notBefore - (Date.now() - 20 * DAY))).toBeLessThan(60_000);
    expect(notAfter - notBefore).toBe(30 * DAY);
    expect(verifyChain(certFile, file("old-chain.pem", res.body.certificate.certificateChain))).toMatch(/OK$/);
  });

  it("counts requests per route and not the dev endpoints", async () => {
    const before = await server.stats();
    await call(server, "GET", `/api/v1/cert-manager/certificate-profiles/slug/default?projectId=${server.projectId}`);
    await server.rootPems();
    const after = await server.stats();
    const route = "GET /api/v1/cert-manager/certificate-profiles/slug/:slug";
    expect((after[route] ?? 0) - (before[route] ?? 0)).toBe(1);
    expect(Object.keys(after).some((name) => name.includes("/dev/"))).toBe(false);
  });
});
