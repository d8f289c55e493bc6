// What the lifecycle matrix checks after every step of a certificate's life: the file set on
// disk, certctl.json, the hooks' runs and the dev server's request counts. Each check is one
// function so a cell reads as its steps.
//
// The set is checked independently of certctl's own x509 code: the chain by the openssl binary
// (`openssl verify` of every installed set, batched into one run per cell), the fields (serial,
// subject, SANs, key match) by node:crypto's X509Certificate, which is OpenSSL's parser and
// printer (X509_check_private_key, X509V3 SAN text) inside the test process. A spawned openssl
// per field was ~12 processes per installed set, ~1,000 per matrix run, each one blocking the
// worker's event loop (and with it the in-process dev servers and every other cell) for 20 ms
// quiet and over 100 ms under load.
import { execFile } from "node:child_process";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { createServer, request } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { pemBlocks } from "./openssl.js";

/** The openssl binary, without blocking the event loop (other cells and the dev servers run meanwhile). */
async function opensslAsync(args: string[]): Promise<string> {
  return (await promisify(execFile)("openssl", args, { encoding: "utf8" })).stdout;
}

const parsed = new Map<string, X509Certificate>();
/** The certificate in a file, parsed once per content (the checks of one step read it several times). */
function x509(certFile: string): X509Certificate {
  const pem = readFileSync(certFile, "utf8");
  let cert = parsed.get(pem);
  if (!cert) parsed.set(pem, (cert = new X509Certificate(pem)));
  return cert;
}

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

/** The certificate's serial as an integer (whatever the hex's padding). */
export function certSerial(certFile: string): bigint {
  return BigInt(`0x${x509(certFile).serialNumber}`);
}

/** The subject in RFC 2253 form, most significant RDN last ("" for an empty subject). */
export function certSubject(certFile: string): string {
  // node answers undefined for an empty subject (typed string).
  return (x509(certFile).subject ?? "").split("\n").filter(Boolean).reverse().join(",");
}

/** The SANs in the certificate's order, as OpenSSL prints them ("DNS:a", "IP Address:192.0.2.7"); [] without the extension. */
export function certSans(certFile: string): string[] {
  const line = x509(certFile).subjectAltName ?? "";
  return line === "" ? [] : line.split(/,\s*/);
}

function selfSigned(pem: string): boolean {
  const cert = new X509Certificate(pem);
  return cert.subject === cert.issuer;
}

/**
 * The installed sets of one cell, for `openssl verify` (`-CAfile ca.pem -untrusted chain.pem cert.pem`)
 * of every one of them in one process at the end of the cell: each step's cert.pem is copied aside
 * with the ca.pem and chain.pem installed beside it; sets with the same ca and chain share a run.
 */
export interface ChainChecks {
  /** Where the copies go (a directory of the cell's own). */
  readonly dir: string;
  readonly sets: Array<{ cert: string; ca: string; chain: string }>;
}

export function chainChecks(dir: string): ChainChecks {
  mkdirSync(dir, { recursive: true });
  return { dir, sets: [] };
}

/** Every installed set so far verifies with openssl, each against the ca.pem and chain.pem it was installed with. */
export async function expectChainsVerify(checks: ChainChecks): Promise<void> {
  const groups = new Map<string, { ca: string; chain: string; certs: string[] }>();
  for (const set of checks.sets) {
    const key = readFileSync(set.ca, "utf8") + readFileSync(set.chain, "utf8");
    const group = groups.get(key) ?? { ca: set.ca, chain: set.chain, certs: [] };
    group.certs.push(set.cert);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const out = await opensslAsync(["verify", "-CAfile", group.ca, "-untrusted", group.chain, ...group.certs]);
    expect(out.trim().split("\n")).toEqual(group.certs.map((cert) => `${cert}: OK`));
  }
}

/**
 * The set a TLS server and its clients use: the key matches the certificate, fullchain is
 * cert + chain, chain holds no self-signed root and ca.pem is exactly one self-signed root; the
 * set is queued for `openssl verify` (expectChainsVerify). `label` names the step in the copies.
 * `keyFile`: the key the certificate must carry (key.pem, or the key behind a --csr).
 */
export function expectCompleteSet(dir: string, keyFile: string | undefined, checks: ChainChecks, label: string): void {
  const file = (name: string) => join(dir, name);
  for (const name of ["cert.pem", "chain.pem", "fullchain.pem", "ca.pem", "certctl.json"]) expect(existsSync(file(name)), `${name} in ${dir}`).toBe(true);
  if (keyFile) expect(x509(file("cert.pem")).checkPrivateKey(createPrivateKey(readFileSync(keyFile))), "the key matches the certificate").toBe(true);
  const n = checks.sets.length + 1;
  const copy = (name: string) => {
    const to = join(checks.dir, `${n}-${label}-${name}`);
    copyFileSync(file(name), to);
    return to;
  };
  checks.sets.push({ cert: copy("cert.pem"), ca: copy("ca.pem"), chain: copy("chain.pem") });
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

/**
 * A hook script that appends one record per run: its role, whether it saw a secret, and its
 * environment (`export -p`). Shell builtins only: a hook runs three times per renewal, and a
 * pipeline of env/grep/sort cost five more processes each time.
 */
export function writeHookScript(path: string): void {
  writeFileSync(path, [
    "#!/bin/sh",
    "# $1 role, $2 log file",
    "secret=no",
    "[ -n \"${INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET+set}\" ] && secret=yes",
    "{ printf 'run\\t%s\\tsecret=%s\\n' \"$1\" \"$secret\"; export -p; } >> \"$2\"",
    "",
  ].join("\n"), { mode: 0o755 });
}

export interface HookRun {
  role: string;
  secret: string;
  /** The hook's CERTCTL_* variables. */
  vars: Record<string, string>;
}

export function hookRuns(log: string): HookRun[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8").split(/^run\t/m).filter(Boolean).map((record) => {
    const [head, ...lines] = record.split("\n");
    const [role, secret] = head!.split("\t");
    const vars: Record<string, string> = {};
    for (const line of lines) {
      const m = /^export (CERTCTL_\w+)=(.*)$/.exec(line);
      if (m) vars[m[1]!] = unquote(m[2]!);
    }
    return { role: role!, secret: secret!.replace(/^secret=/, ""), vars };
  });
}

/** A word as `export -p` quotes it: dash writes 'a'"'"'b' for a'b, bash as sh writes "a'b". */
function unquote(word: string): string {
  let out = "";
  for (const [, single, double, bare] of word.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|([^'"]+)/g)) {
    out += single ?? double?.replace(/\\(.)/g, "$1") ?? bare ?? "";
  }
  return out;
}

/**
 * A cell's own way to its dev server: a loopback proxy that counts what the cell sent, keyed as
 * the dev server's counters are ("POST /api/v1/cert-manager/certificates/:id/renew"). The server's
 * own counters are global, so cells sharing a server had to take turns; with a proxy each, they
 * run side by side (the matrix checks at the end that the proxies' sums equal the servers' counts).
 */
export interface CellLink {
  /** What the cell uses as INFISICAL_DOMAIN. */
  readonly url: string;
  /** Requests passed on so far, by route. */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Headers of one hop (client → proxy, proxy → server), not passed on. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"];

export async function startCellLink(upstream: string): Promise<CellLink> {
  const counts: Record<string, number> = {};
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const key = routeKey(req.method ?? "GET", req.url ?? "/");
    counts[key] = (counts[key] ?? 0) + 1;
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
    for (const name of HOP_BY_HOP) delete headers[name];
    // A connection per request: no idle upstream socket the server may already have closed.
    const out = request(new URL(req.url ?? "/", upstream), { method: req.method, headers, agent: false }, (answer) => {
      const back = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete back[name];
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ ...counts }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** "METHOD /path" with ids as :id, the dev server's counter key for the route. */
function routeKey(method: string, url: string): string {
  return `${method} ${(url.split("?")[0] ?? url).replace(UUID, ":id")}`;
}

/** A dev server's counter keys with every placeholder (:id, :slug, :name) as :id, to compare with the links' keys. */
export function asLinkKeys(stats: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, count] of Object.entries(stats)) {
    const key = route.replace(/:[A-Za-z]+/g, ":id");
    out[key] = (out[key] ?? 0) + count;
  }
  return out;
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

/** Runs `step` and returns what it sent through the cell's link. */
export async function sentBy<T>(link: CellLink, step: () => Promise<T>): Promise<{ result: T; sent: Record<string, number> }> {
  const before = link.counts();
  const result = await step();
  return { result, sent: statsDelta(before, link.counts()) };
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
export async function opensslCsr(keyFile: string, csrFile: string, subj: string, sans: string[]): Promise<void> {
  const args = ["req", "-new", "-key", keyFile, "-out", csrFile, "-subj", subj];
  if (sans.length > 0) args.push("-addext", `subjectAltName=${sans.join(",")}`);
  await opensslAsync(args);
}

/** An EC P-256 key made by openssl (milliseconds, unlike an RSA key), PKCS#8, mode 0600. */
export async function opensslEcKey(path: string): Promise<void> {
  await opensslAsync(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]);
  chmodSync(path, 0o600);
}
