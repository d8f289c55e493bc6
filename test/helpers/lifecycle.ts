// What the lifecycle matrix checks after every step of a certificate's life: the file set on
// disk (with openssl, not certctl's own x509 code), certctl.json, the hooks' runs and the dev
// server's request counts. Each check is one function so a cell reads as its steps.
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { devStats } from "./local-devserver.js";
import { certPublicKey, keyPublicKey, openssl, pemBlocks } from "./openssl.js";

export type Metadata = Record<string, unknown> & {
  certificateId: string;
  certificateRequestId: string;
  serialNumber: string;
  mode: string;
  lineage?: string;
  previousCertificateId?: string;
  revokedAt?: string;
  revocationReason?: string;
  deployHook?: string;
  csr?: string;
};

export function readMeta(dir: string): Metadata {
  return JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as Metadata;
}

/** The certificate's serial as an integer (openssl's hex, whatever its padding). */
export function certSerial(certFile: string): bigint {
  return BigInt(`0x${openssl(["x509", "-in", certFile, "-noout", "-serial"]).trim().replace(/^serial=/, "")}`);
}

/** The subject as openssl prints it in RFC 2253 form ("" for an empty subject). */
export function certSubject(certFile: string): string {
  return openssl(["x509", "-in", certFile, "-noout", "-subject", "-nameopt", "RFC2253"]).trim().replace(/^subject=\s*/, "");
}

/** The SANs in the certificate's order, as openssl prints them ("DNS:a", "IP Address:192.0.2.7"); [] without the extension. */
export function certSans(certFile: string): string[] {
  const text = openssl(["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"]);
  const line = text.split("\n").slice(1).join(" ").trim();
  return line === "" ? [] : line.split(/,\s*/);
}

function selfSigned(pem: string): boolean {
  const subject = openssl(["x509", "-noout", "-subject", "-nameopt", "RFC2253"], pem).replace(/^subject=/, "").trim();
  const issuer = openssl(["x509", "-noout", "-issuer", "-nameopt", "RFC2253"], pem).replace(/^issuer=/, "").trim();
  return subject === issuer;
}

/**
 * The set a TLS server and its clients use: the key matches the certificate, the chain verifies
 * with `openssl verify -CAfile ca.pem -untrusted chain.pem cert.pem`, fullchain is cert + chain,
 * chain holds no self-signed root and ca.pem is exactly one self-signed root.
 * `keyFile`: the key the certificate must carry (key.pem, or the key behind a --csr).
 */
export function expectCompleteSet(dir: string, keyFile: string | undefined): void {
  const file = (name: string) => join(dir, name);
  for (const name of ["cert.pem", "chain.pem", "fullchain.pem", "ca.pem", "certctl.json"]) expect(existsSync(file(name)), `${name} in ${dir}`).toBe(true);
  if (keyFile) expect(keyPublicKey(keyFile), "the key matches the certificate").toBe(certPublicKey(file("cert.pem")));
  const verified = openssl(["verify", "-CAfile", file("ca.pem"), "-untrusted", file("chain.pem"), file("cert.pem")]).trim();
  expect(verified).toBe(`${file("cert.pem")}: OK`);
  const cert = pemBlocks(readFileSync(file("cert.pem"), "utf8"));
  const chain = pemBlocks(readFileSync(file("chain.pem"), "utf8"));
  const ca = pemBlocks(readFileSync(file("ca.pem"), "utf8"));
  expect(cert).toHaveLength(1);
  expect(chain.length).toBeGreaterThan(0);
  expect(pemBlocks(readFileSync(file("fullchain.pem"), "utf8")), "fullchain = cert + chain").toEqual([...cert, ...chain]);
  expect(chain.filter(selfSigned), "chain.pem carries no root").toEqual([]);
  expect(ca).toHaveLength(1);
  expect(selfSigned(ca[0]!), "ca.pem is the self-signed root").toBe(true);
}

/** certctl.json names the certificate on disk: its id and serial (the certificate's integer). */
export function expectMetaMatchesCert(dir: string): Metadata {
  const meta = readMeta(dir);
  expect(meta.certificateId).toMatch(/^[0-9a-f-]{36}$/);
  expect(meta.certificateRequestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(BigInt(`0x${meta.serialNumber}`), "certctl.json serialNumber is the certificate's").toBe(certSerial(join(dir, "cert.pem")));
  expect(JSON.stringify(meta)).not.toMatch(/PRIVATE KEY/);
  return meta;
}

/** The request ids waiting in a directory's .certctl/pending/. */
export function pendingIds(dir: string): string[] {
  const pending = join(dir, ".certctl", "pending");
  if (!existsSync(pending)) return [];
  return readdirSync(pending).filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -".json".length));
}

/** The group a key is handed to before a renewal (a service account's group, e.g. ssl-cert). */
export const SERVICE_GID = 65534;

/** As an admin does for postgres or haproxy: key.pem 0640, group nogroup. */
export function shareKeyWithGroup(keyFile: string): void {
  chmodSync(keyFile, 0o640);
  chownSync(keyFile, statSync(keyFile).uid, SERVICE_GID);
}

export function expectKeySharedWithGroup(keyFile: string): void {
  const st = statSync(keyFile);
  expect((st.mode & 0o777).toString(8), `${keyFile} mode kept`).toBe("640");
  expect(st.gid, `${keyFile} group kept`).toBe(SERVICE_GID);
}

/** A hook script that appends one line per run: its role, its CERTCTL_* variables, whether it saw a secret. */
export function writeHookScript(path: string): void {
  writeFileSync(path, [
    "#!/bin/sh",
    "# $1 role, $2 log file",
    "secret=no",
    "env | grep -q '^INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET=' && secret=yes",
    "{ printf '%s\\tsecret=%s' \"$1\" \"$secret\"; env | grep '^CERTCTL_' | sort | while IFS= read -r v; do printf '\\t%s' \"$v\"; done; printf '\\n'; } >> \"$2\"",
    "",
  ].join("\n"), { mode: 0o755 });
}

export interface HookRun {
  role: string;
  secret: string;
  vars: Record<string, string>;
}

export function hookRuns(log: string): HookRun[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8").split("\n").filter(Boolean).map((line) => {
    const [role, secret, ...vars] = line.split("\t");
    return {
      role: role!, secret: secret!.replace(/^secret=/, ""),
      vars: Object.fromEntries(vars.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)])),
    };
  });
}

/** Request counts sent between two snapshots, only the routes that moved. */
export function statsDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(after)) {
    const sent = count - (before[route] ?? 0);
    if (sent !== 0) out[route] = sent;
  }
  return out;
}

/** Runs `step` and returns what it sent to the dev server (the server is used by one cell at a time). */
export async function sentBy<T>(url: string, step: () => Promise<T>): Promise<{ result: T; sent: Record<string, number> }> {
  const before = await devStats(url);
  const result = await step();
  return { result, sent: statsDelta(before, await devStats(url)) };
}

/** The dev server's routes as its counters name them. */
export const ROUTE = {
  login: "POST /api/v1/auth/universal-auth/login",
  create: "POST /api/v1/cert-manager/certificates",
  renew: "POST /api/v1/cert-manager/certificates/:id/renew",
  revoke: "POST /api/v1/cert-manager/certificates/:id/revoke",
} as const;

/** Only the routes that ask the CA for a certificate (create or renew). */
export function requestsSent(sent: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(sent).filter(([route]) => route === ROUTE.create || route === ROUTE.renew));
}

/** A CSR made by openssl from a key file, with an OpenSSL -subj and optional SANs. */
export function opensslCsr(keyFile: string, csrFile: string, subj: string, sans: string[]): void {
  const args = ["req", "-new", "-key", keyFile, "-out", csrFile, "-subj", subj];
  if (sans.length > 0) args.push("-addext", `subjectAltName=${sans.join(",")}`);
  openssl(args);
}

/** An EC P-256 key made by openssl (milliseconds, unlike an RSA key), PKCS#8, mode 0600. */
export function opensslEcKey(path: string): void {
  execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path], { stdio: "pipe" });
  chmodSync(path, 0o600);
}
