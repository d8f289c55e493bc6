// The fault battery (issue 5): `certctl issue` through a fault proxy in front of a real dev
// server, so every certificate that gets written is real and checked with openssl. Every run
// has CERTCTL_DEBUG=1 and its whole output and certctl.json are scanned for secrets. Runs are
// in-process (main(argv, io)); only the file-size-limit case spawns, as ulimit is per process.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { BIN, cleanEnv, type CliResult } from "../helpers/cli.js";
import { runMain } from "../helpers/run-main.js";
import { startFaultProxy, type Fault, type FaultProxy } from "../helpers/counting-server.js";
import { certPublicKey, keyPublicKey, pemBlocks, verifyChain } from "../helpers/openssl.js";
import { keySecrets, metadataTexts, scan, scanTotals, type Secret } from "../helpers/secret-scan.js";
import { CREATE, FAULT_CASES, LOGIN, type FaultCase, type Rewrite } from "./cases/faults.js";

let server: RunningDevServer;
let work: string;
let token: string;
let secretFile: string;
/** A certificate of the same CA for another key, to serve as "a certificate for another key". */
let foreignCert: string;
let template: string;
/** A self-signed certificate for 127.0.0.1, as a self-hosted instance might have. */
let selfSigned: { key: string; cert: string };
let selfSignedFile: string;

const SET = ["cert.pem", "chain.pem", "fullchain.pem", "key.pem"] as const;

beforeAll(async () => {
  ({ server } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-faults-"));
  secretFile = join(work, "client-secret");
  writeFileSync(secretFile, server.info.clientSecret + "\n", { mode: 0o600 });
  const res = await fetch(`${server.info.url}/api/v1/auth/universal-auth/login`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: server.info.clientId, clientSecret: server.info.clientSecret }),
  });
  token = ((await res.json()) as { accessToken: string }).accessToken;
  const tlsKey = join(work, "tls.key");
  selfSignedFile = join(work, "tls.pem");
  spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", tlsKey, "-out", selfSignedFile,
    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
  selfSigned = { key: readFileSync(tlsKey, "utf8"), cert: readFileSync(selfSignedFile, "utf8") };
  // One set certctl installed: the disk cases copy it as "the old set", and its certificate
  // (same CA, another key) is what "a certificate for another key" serves.
  template = join(work, "template");
  const issued = await runMain(["issue", "--profile", server.info.profileId, "--cn", "old.example.com", "--out-dir", template], {
    env: { INFISICAL_DOMAIN: server.info.url, INFISICAL_TOKEN: token },
  });
  expect(issued.code, issued.stderr).toBe(0);
  foreignCert = readFileSync(join(template, "cert.pem"), "utf8");
});

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`fault battery secret scan: ${scanTotals.transcripts} transcripts, ${scanTotals.secretsChecked} secret checks, ${scanTotals.found} found`);
});

function rewriteAnswer(kind: Rewrite): (body: any) => unknown {
  return (body) => {
    const cert = body.certificate;
    switch (kind) {
      case "foreign-certificate":
        cert.certificate = foreignCert;
        break;
      case "chain-without-intermediate":
        cert.certificateChain = pemBlocks(cert.certificateChain).slice(-1).join("\n");
        break;
      case "truncated-certificate":
        cert.certificate = cert.certificate.slice(0, Math.floor(cert.certificate.length / 2));
        break;
      case "missing-certificate-id":
        delete cert.certificateId;
        break;
    }
    return body;
  };
}

function profileId(slug = "default"): string {
  return server.info.profiles.find((p) => p.slug === slug)!.id;
}

function authEnv(auth: FaultCase["auth"]): { env: Record<string, string>; globals: string[] } {
  if (auth === "token") return { env: { INFISICAL_TOKEN: token }, globals: [] };
  return { env: { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId }, globals: ["--client-secret-file", secretFile] };
}

/** `certctl` under `sh` with an ignored SIGXFSZ and a 512-byte file size limit. */
function runWithFileSizeLimit(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`, process.execPath, BIN, ...args], { env: cleanEnv(env), cwd: work });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end();
  });
}

/** Fill a filesystem to the last byte. */
function fill(dir: string): void {
  const fd = openSync(join(dir, "filler"), "w");
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  // Tail bytes below a page: keep writing single bytes until nothing fits.
  const tail = openSync(join(dir, "filler-tail"), "w");
  try {
    for (;;) writeSync(tail, Buffer.alloc(1));
  } catch {
    /* full */
  } finally {
    closeSync(tail);
  }
}

function readSet(out: string): Record<string, string> {
  return Object.fromEntries(SET.map((f) => [f, readFileSync(join(out, f), "utf8")]));
}

function expectVerifiedSet(out: string): void {
  expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
  expect(keyPublicKey(join(out, "key.pem"))).toBe(certPublicKey(join(out, "cert.pem")));
  expect(readFileSync(join(out, "fullchain.pem"), "utf8")).toBe(readFileSync(join(out, "cert.pem"), "utf8") + readFileSync(join(out, "chain.pem"), "utf8"));
}

function tempFilesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => /\.tmp-/.test(name));
}

describe.concurrent("faults: exit code, message, requests sent, files (CERTCTL_DEBUG=1, secret scan)", () => {
  it.for(FAULT_CASES.map((c) => [c.fault, c] as const))("%s", { timeout: 90_000 }, async ([, testCase]: readonly [string, FaultCase], ctx) => {
    const proxy: FaultProxy = await startFaultProxy(server.info.url, testCase.tls ? { tls: selfSigned } : {});
    const caseDir = mkdtempSync(join(work, "case-"));
    let out = join(caseDir, "out");
    let mounted: string | undefined;
    try {
      for (const [route, faults] of testCase.inject ?? []) {
        proxy.on(route, ...faults.map((f): Fault => (f.kind === "rewrite" ? { kind: "forward", rewrite: rewriteAnswer(f.rewrite) } : f)));
      }
      const auth = authEnv(testCase.auth);
      const env = { INFISICAL_DOMAIN: proxy.url, CERTCTL_DEBUG: "1", ...auth.env };
      const cn = `fault-${Math.random().toString(36).slice(2, 8)}.example.com`;
      const tlsGlobals = testCase.tls === "cacert" ? ["--cacert", selfSignedFile] : [];
      const issueArgs = (extra: string[]) => [...auth.globals, ...tlsGlobals, ...(testCase.globals ?? []), "issue", "--profile", profileId(testCase.profile), "--cn", cn, "--out-dir", out, ...(testCase.args ?? []), ...extra];

      // Disk faults: a set is in place first; the second, forced issue meets the refusing disk.
      let before: Record<string, string> | undefined;
      const extra: string[] = [];
      if (testCase.disk) {
        if (testCase.disk === "full-tmpfs") {
          mounted = join(caseDir, "tmpfs");
          mkdirSync(mounted);
          const mount = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mounted]);
          if (mount.status !== 0) {
            mounted = undefined;
            // Not root, or no CAP_SYS_ADMIN: the file-size-limit case covers the same path.
            ctx.skip(`skipped: cannot mount a tmpfs here (${mount.stderr.toString().trim() || `exit ${mount.status}`}); the file-size-limit case covers the same path`);
          }
          out = join(mounted!, "out");
        }
        // cp -a keeps the relative symlinks (cert.pem -> .certctl/live/…, live -> versions/…).
        expect(spawnSync("cp", ["-a", template, out]).status).toBe(0);
        before = readSet(out);
        expectVerifiedSet(out);
        extra.push("--force");
        if (testCase.disk === "full-tmpfs") fill(mounted!);
        if (testCase.disk === "key-path-is-directory") {
          mkdirSync(join(out, "keydir"));
          extra.push("--key-file", join(out, "keydir"));
        }
        if (testCase.disk === "parent-is-a-file") {
          writeFileSync(join(caseDir, "a-file"), "");
          extra.push("--cert-file", join(caseDir, "a-file", "cert.pem"));
        }
      }

      const started = Date.now();
      const res = testCase.disk === "file-size-limit" ? await runWithFileSizeLimit(issueArgs(extra), env) : await runMain(issueArgs(extra), { env });
      const elapsed = Date.now() - started;
      const transcript = `exit ${res.code}\n${res.stderr}`;

      expect(res.code, transcript).toBe(testCase.exit);
      if (testCase.message) expect(res.stderr).toMatch(testCase.message);
      expect(res.stderr).not.toMatch(/internal error/);
      for (const [route, n] of Object.entries(testCase.counts ?? {})) expect(proxy.count(route), `${route}\n${transcript}`).toBe(n);
      for (const [route, n] of Object.entries(testCase.atLeast ?? {})) expect(proxy.count(route), `${route}\n${transcript}`).toBeGreaterThanOrEqual(n);
      if (testCase.minMs !== undefined) expect(elapsed).toBeGreaterThanOrEqual(testCase.minMs - 50);
      if (testCase.exit === 6) expect(res.stderr).toMatch(/127\.0\.0\.1:\d+/);

      if (testCase.files === "verified") {
        expectVerifiedSet(out);
      } else if (testCase.files === "none") {
        for (const f of [...SET, "certctl.json"]) expect(existsSync(join(out, f)), f).toBe(false);
      } else {
        expect(readSet(out)).toEqual(before);
        if (!mounted) expectVerifiedSet(out);
        else expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
        expect(lstatSync(join(out, "key.pem")).isSymbolicLink()).toBe(true);
      }
      expect(tempFilesUnder(out)).toEqual([]);

      // Secret scan: the token, the client secret, every access token the server issued, the key.
      const secrets: Secret[] = [
        { label: "token", value: token },
        { label: "client secret", value: server.info.clientSecret },
      ];
      for (const req of proxy.requests) {
        const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
        if (bearer) secrets.push({ label: "access token", value: bearer });
      }
      if (existsSync(join(out, "key.pem"))) secrets.push(...keySecrets("key.pem", readFileSync(join(out, "key.pem"), "utf8")));
      const texts = { stdout: res.stdout, stderr: res.stderr, ...metadataTexts(out) };
      expect(scan(texts, secrets)).toEqual([]);
      // Debug mode really was on: the scan looked at request lines, not an empty stderr.
      if (testCase.disk !== "key-path-is-directory" && testCase.disk !== "parent-is-a-file") expect(res.stderr).toMatch(/certctl: debug: /);
    } finally {
      await proxy.close();
      if (mounted) spawnSync("umount", ["-l", mounted]);
    }
  });
});

describe("the fault battery covers issue 5's list", () => {
  it("has every fault the issue names", () => {
    const text = FAULT_CASES.map((c) => c.fault).join("\n");
    for (const needle of [/503, then success/, /429 with Retry-After/, /never answers/, /reset mid-body/, /HTML/, /500 on the issue/,
      /TokenError.*client credentials/, /TokenError.*token only/, /another key/, /does not link/, /full disk|size limit/]) {
      expect(text).toMatch(needle);
    }
    expect([CREATE, LOGIN]).toHaveLength(2);
  });

  it("docs/failure-handling.md is generated from these tables and up to date (npm run failure-table)", () => {
    const check = spawnSync(process.execPath, [fileURLToPath(new URL("../../scripts/gen-failure-table.js", import.meta.url)), "--check"], { encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
  });
});
