// Interruption (issue 5): Ctrl-C / SIGTERM while certctl waits prints the request id and the
// resume command, exits 130 / 143, writes no partial file, and keeps the pending key so that
// `certctl status <id>` finishes the set after approval. Every run has CERTCTL_DEBUG=1 and is
// scanned for secrets. The interrupted command is a spawned process (the signal is the subject);
// the `status` runs around it are in-process (main(argv, io)).
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { BIN, cleanEnv, type CliResult } from "../helpers/cli.js";
import { startFaultProxy } from "../helpers/counting-server.js";
import { certPublicKey, keyPublicKey, verifyChain } from "../helpers/openssl.js";
import { runMain } from "../helpers/run-main.js";
import { keySecrets, metadataTexts, scan, type Secret } from "../helpers/secret-scan.js";
import { until } from "../helpers/wait.js";
import { LOCAL_CASES } from "./cases/local.js";

let server: RunningDevServer;
let work: string;
let secretFile: string;
const CREATE = "POST /api/v1/cert-manager/certificates";

beforeAll(async () => {
  ({ server } = await startLocalDevServer({ approval: "manual" }));
  work = mkdtempSync(join(tmpdir(), "certctl-interrupt-"));
  secretFile = join(work, "secret");
  writeFileSync(secretFile, server.info.clientSecret, { mode: 0o600 });
});
afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const approvalProfile = () => server.info.profiles.find((p) => p.slug === "approval")!.id;

interface Running {
  child: ChildProcessWithoutNullStreams;
  stderr(): string;
  done: Promise<CliResult>;
}

function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), cwd: work });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  child.stdin.end();
  return { child, stderr: () => stderr, done };
}

function pendingIds(out: string): string[] {
  const dir = join(out, ".certctl", "pending");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)) : [];
}

function expectNoLiveFiles(out: string): void {
  for (const f of ["cert.pem", "chain.pem", "fullchain.pem", "key.pem", "certctl.json"]) expect(existsSync(join(out, f)), f).toBe(false);
  if (existsSync(out)) expect(readdirSync(out, { recursive: true, encoding: "utf8" }).filter((n) => /\.tmp-/.test(n))).toEqual([]);
}

function credentialsEnv(domain: string): Record<string, string> {
  return { INFISICAL_DOMAIN: domain, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId, CERTCTL_DEBUG: "1" };
}

function expectNothingLeaked(results: CliResult[], out: string, extra: Secret[] = []): void {
  const texts: Record<string, string> = { ...metadataTexts(out) };
  results.forEach((r, i) => Object.assign(texts, { [`run ${i + 1} stdout`]: r.stdout, [`run ${i + 1} stderr`]: r.stderr }));
  const secrets: Secret[] = [{ label: "client secret", value: server.info.clientSecret }, ...extra];
  expect(scan(texts, secrets)).toEqual([]);
}

describe.concurrent("a signal while waiting for approval", () => {
  it.each([
    ["SIGINT", LOCAL_CASES.sigintWaiting.exit],
    ["SIGTERM", LOCAL_CASES.sigtermWaiting.exit],
  ] as const)("%s: exit %i, request id and resume command, no partial file, the kept key finishes the set via status", { timeout: 90_000 }, async (signal, exitCode) => {
    const out = join(work, `wait-${signal}`);
    const issue = start(["--client-secret-file", secretFile, "issue", "--profile", approvalProfile(), "--cn", `${signal.toLowerCase()}.example.com`, "--out-dir", out],
      credentialsEnv(server.info.url));
    await until("the pending record", () => pendingIds(out).length === 1);
    await until("the waiting line", () => /pending_approval/.test(issue.stderr()));
    issue.child.kill(signal);
    const res = await issue.done;
    const [id] = pendingIds(out);

    expect(res.code, res.stderr).toBe(exitCode);
    expect(res.stderr).toContain(`interrupted while waiting for certificate request ${id}`);
    expect(res.stderr).toContain(`certctl status ${id} --out-dir ${out}`);
    expectNoLiveFiles(out);
    const keptKey = join(out, ".certctl", "pending", `${id}.key.pem`);
    expect(statSync(keptKey).mode & 0o777).toBe(0o600);
    const keptPublic = keyPublicKey(keptKey);
    const keptPem = readFileSync(keptKey, "utf8");

    // Still pending: status says so (exit 5) and changes nothing (checked once; the path is the same for both signals).
    const early = signal === "SIGINT" ? await runMain(["--client-secret-file", secretFile, "status", id!, "--out-dir", out], { env: credentialsEnv(server.info.url) }) : undefined;
    if (early) expect(early.code).toBe(5);
    expect(existsSync(keptKey)).toBe(true);

    await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${id}/approve`, { method: "POST" });
    const status = await runMain(["--client-secret-file", secretFile, "status", id!, "--out-dir", out], { env: credentialsEnv(server.info.url) });
    expect(status.code, status.stderr).toBe(0);
    expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
    expect(certPublicKey(join(out, "cert.pem"))).toBe(keptPublic);
    expect(readFileSync(join(out, "key.pem"), "utf8").trim()).toBe(keptPem.trim());
    expect(statSync(join(out, "key.pem")).mode & 0o777).toBe(0o600);
    expect(existsSync(keptKey)).toBe(false);
    expectNothingLeaked(early ? [res, early, status] : [res, status], out, keySecrets("key.pem", keptPem));
  });

  it("SIGTERM during `status --wait` keeps the pending request; a later status finishes it", { timeout: 90_000 }, async () => {
    const out = join(work, "status-wait");
    const env = credentialsEnv(server.info.url);
    const first = await runMain(["--client-secret-file", secretFile, "issue", "--profile", approvalProfile(), "--cn", "sw.example.com", "--out-dir", out, "--no-wait"], { env });
    expect(first.code).toBe(5);
    const [id] = pendingIds(out);
    const waiting = start(["--client-secret-file", secretFile, "status", id!, "--out-dir", out, "--wait"], env);
    await until("status to start polling", () => /pending/.test(waiting.stderr()));
    waiting.child.kill("SIGTERM");
    const res = await waiting.done;
    expect(res.code, res.stderr).toBe(LOCAL_CASES.sigtermStatusWait.exit);
    expect(res.stderr).toContain(`certctl status ${id} --out-dir ${out}`);
    expectNoLiveFiles(out);
    expect(existsSync(join(out, ".certctl", "pending", `${id}.key.pem`))).toBe(true);
    const keptPem = readFileSync(join(out, ".certctl", "pending", `${id}.key.pem`), "utf8");
    await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${id}/approve`, { method: "POST" });
    const status = await runMain(["--client-secret-file", secretFile, "status", id!, "--out-dir", out], { env });
    expect(status.code).toBe(0);
    expect(keyPublicKey(join(out, "key.pem"))).toBe(certPublicKey(join(out, "cert.pem")));
    expectNothingLeaked([first, res, status], out, keySecrets("key.pem", keptPem));
  });
});

describe.concurrent("a signal during a network wait", () => {
  it("SIGINT during a Retry-After backoff stops at once (130); nothing kept, nothing written", async () => {
    const proxy = await startFaultProxy(server.info.url);
    proxy.on(CREATE, { kind: "answer", status: 503, headers: { "retry-after": "60" }, body: { statusCode: 503, message: "maintenance" } });
    try {
      const out = join(work, "backoff");
      const run = start(["--client-secret-file", secretFile, "issue", "--profile", server.info.profileId, "--cn", "b.example.com", "--out-dir", out],
        credentialsEnv(proxy.url));
      await until("the retry decision", () => /retrying POST/.test(run.stderr()));
      const sent = Date.now();
      run.child.kill("SIGINT");
      const res = await run.done;
      expect(res.code, res.stderr).toBe(LOCAL_CASES.sigintBackoff.exit);
      // The server asked for 60 s; a loaded CI machine still answers a signal well within 10.
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(res.stderr).toMatch(/interrupted during POST \/v1\/cert-manager\/certificates/);
      expect(proxy.count(CREATE)).toBe(1);
      expectNoLiveFiles(out);
      expect(pendingIds(out)).toEqual([]);
      expectNothingLeaked([res], out);
    } finally {
      await proxy.close();
    }
  });

  it("a 500 while `status` resumes keeps the pending key; the next status finishes the set", { timeout: 90_000 }, async () => {
    const proxy = await startFaultProxy(server.info.url);
    proxy.on("GET /api/v1/cert-manager/certificates/certificate-requests/*", { kind: "answer", status: 500, body: { statusCode: 500, message: "boom" } });
    try {
      const out = join(work, "resume-500");
      const env = credentialsEnv(proxy.url);
      const first = await runMain(["--client-secret-file", secretFile, "issue", "--profile", approvalProfile(), "--cn", "r5.example.com", "--out-dir", out, "--no-wait"], { env });
      expect(first.code, first.stderr).toBe(5);
      const [id] = pendingIds(out);
      const keptKey = join(out, ".certctl", "pending", `${id}.key.pem`);
      await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${id}/approve`, { method: "POST" });
      const failed = await runMain(["--client-secret-file", secretFile, "status", id!, "--out-dir", out], { env });
      expect(failed.code, failed.stderr).toBe(LOCAL_CASES.statusResumeFails.exit);
      expectNoLiveFiles(out);
      expect(existsSync(keptKey)).toBe(true);
      const keptPem = readFileSync(keptKey, "utf8");
      const done = await runMain(["--client-secret-file", secretFile, "status", id!, "--out-dir", out], { env });
      expect(done.code, done.stderr).toBe(0);
      expect(keyPublicKey(join(out, "key.pem"))).toBe(certPublicKey(join(out, "cert.pem")));
      expect(readFileSync(join(out, "key.pem"), "utf8").trim()).toBe(keptPem.trim());
      expectNothingLeaked([first, failed, done], out, keySecrets("key.pem", keptPem));
    } finally {
      await proxy.close();
    }
  });

  it("SIGTERM while the issue call hangs stops at once (143); nothing written", async () => {
    const proxy = await startFaultProxy(server.info.url);
    proxy.on(CREATE, { kind: "hang" });
    try {
      const out = join(work, "hang");
      const run = start(["--client-secret-file", secretFile, "issue", "--profile", server.info.profileId, "--cn", "h.example.com", "--out-dir", out],
        credentialsEnv(proxy.url));
      await until("the issue call", () => proxy.count(CREATE) === 1);
      run.child.kill("SIGTERM");
      const res = await run.done;
      expect(res.code, res.stderr).toBe(LOCAL_CASES.sigtermHang.exit);
      expect(res.stderr).toMatch(/interrupted/);
      expectNoLiveFiles(out);
      expectNothingLeaked([res], out);
    } finally {
      await proxy.close();
    }
  });
});
