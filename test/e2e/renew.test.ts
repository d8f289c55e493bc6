// certctl renew end to end: certctl in-process (main(argv, io)) against in-process dev servers, files
// checked with openssl. Spawned only where a process is the subject: locks held by another process,
// a process killed mid-swap, SIGTERM during --random-delay, what a process loads.
// Server "due" backdates every leaf by 25 days (30d ttl → due now); server "fresh" does not.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv, runCli, type CliResult } from "../helpers/cli.js";
import { DAY_MS, startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { loadedSources } from "../helpers/loaded-sources.js";
import { certPublicKey, certSerialHex, keyPublicKey, openssl, verifyChain } from "../helpers/openssl.js";
import { runMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";

const CREDENTIALS = { clientId: "renew-e2e-client", clientSecret: "renew-e2e-secret-0123456789abcdef" };
const AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };

let due: LocalDevServerHandle;
let fresh: LocalDevServerHandle;
let slow: LocalDevServerHandle;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-renew-e2e-"));
  // All three servers accept the same identity, so one renew run can span directories from several.
  const start = (overrides: { backdateMs?: number; latencyMs?: number } = {}) => startLocalDevServerHandle({ credentials: CREDENTIALS, ...overrides });
  [due, fresh, slow] = await Promise.all([start({ backdateMs: 25 * DAY_MS }), start(), start({ backdateMs: 25 * DAY_MS, latencyMs: 400 })]);
});
afterAll(async () => {
  await Promise.all([due?.stop(), fresh?.stop(), slow?.stop()]);
});

let counter = 0;
function newDir(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** The certctl domain is taken from certctl.json: no INFISICAL_DOMAIN for renew. */
function renew(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runMain(["renew", ...args], { cwd: work, env: { ...AUTH_ENV, ...env } });
}

/** renew as a process of its own, where another process holding the lock (or being killed) is the subject. */
function renewProcess(args: string[], opts: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<CliResult> {
  return runCli(["renew", ...args], { cwd: work, env: { ...AUTH_ENV, ...opts.env }, ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}) });
}

async function issue(server: LocalDevServerHandle, dir: string, extra: string[] = []): Promise<void> {
  const res = await runMain(
    ["issue", "--profile", server.profileId, "--cn", "renew.example.com", "--dns", "renew.example.com", "--ttl", "30d", "--out-dir", dir, "--quiet", ...extra],
    { env: { ...AUTH_ENV, INFISICAL_DOMAIN: server.url } },
  );
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
}

async function stats(server: LocalDevServerHandle): Promise<Record<string, number>> {
  const all = await server.stats();
  return Object.fromEntries(Object.entries(all).filter(([route]) => !route.includes("/dev/")));
}

/** Wall-clock bounds only tell "stopped at the timeout" from "waited it out" (minutes or an hour): far above a loaded machine's pace. */
const SLOW_MACHINE_MS = 60_000;
const CRASH_PRELOAD = fileURLToPath(new URL("./lifecycle-crash-preload.mjs", import.meta.url));
const RENEW_ROUTE = "POST /api/v1/cert-manager/certificates/:id/renew";
/** Modules a renewal needs and a run with nothing due must not load. */
const HEAVY = /node_modules\/(asn1js|@peculiar|undici|proper-lockfile|reflect-metadata)\/|src\/core\/renew-dir\.ts/;
const CREATE_ROUTE = "POST /api/v1/cert-manager/certificates";

function serialOf(dir: string): string {
  return certSerialHex(join(dir, "cert.pem"));
}

function meta(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as Record<string, unknown>;
}

/** The set a service would load: key matches certificate, chain verifies, fullchain = cert + chain. */
function expectLoadableSet(dir: string): void {
  expect(keyPublicKey(join(dir, "key.pem"))).toBe(certPublicKey(join(dir, "cert.pem")));
  expect(verifyChain(join(dir, "cert.pem"), join(dir, "chain.pem"))).toMatch(/: OK$/);
  const cert = readFileSync(join(dir, "cert.pem"), "utf8");
  const chain = readFileSync(join(dir, "chain.pem"), "utf8");
  expect(readFileSync(join(dir, "fullchain.pem"), "utf8")).toBe(cert + chain);
}

// Describes run one after another. These first two count requests on the shared `due` and `fresh`
// servers (the counters are per server), so their cases run one at a time; a concurrent describe
// holds only cases that count nothing, or count on a server no other case of it uses (`slow`).
describe("certctl renew: deciding", () => {
  it("leaves a certificate that is not due alone and sends nothing at all (exit 0)", async () => {
    const dir = newDir("fresh");
    await issue(fresh, dir);
    const before = await stats(fresh);
    const serial = serialOf(dir);
    const res = await renew([dir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^not due\s+\S+\s+(29|30) days left/m);
    expect(await stats(fresh)).toEqual(before);
    expect(serialOf(dir)).toBe(serial);
  });

  // cron runs certctl renew twice a day and nearly always finds nothing due: that run reads
  // files and loads nothing for keys, CSRs, HTTP or locks. (That a due run does load them, so
  // the probe sees them when they are there, is checked on a crash run below: one process fewer.)
  it("a run with nothing due loads no key, CSR, HTTP or lock code", async () => {
    const notDue = newDir("light-fresh");
    await issue(fresh, notDue);
    const quiet = await loadedSources(["renew", notDue], { env: AUTH_ENV, cwd: work });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.sources.some((source) => source.endsWith("src/core/renew/plan.ts"))).toBe(true);
    expect(quiet.sources.filter((source) => HEAVY.test(source))).toEqual([]);
  });

  it("--dry-run names what would be renewed and sends nothing", async () => {
    const dir = newDir("dry");
    await issue(due, dir);
    const before = await stats(due);
    const serial = serialOf(dir);
    const res = await renew([dir, "--dry-run"], { INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "" });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^would renew .*dry run, nothing sent/m);
    expect(await stats(due)).toEqual(before);
    expect(serialOf(dir)).toBe(serial);
  });

  it("--renew-before 10% leaves a certificate with 5 of 30 days left alone; 150% is refused (exit 2)", async () => {
    const dir = newDir("pct");
    await issue(due, dir);
    const notDue = await renew([dir, "--renew-before", "10%", "--json"]);
    expect(notDue.code).toBe(0);
    expect((JSON.parse(notDue.stdout) as Array<{ status: string }>)[0]!.status).toBe("not-due");
    const bad = await renew([dir, "--renew-before", "150%"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--renew-before");
  });

  it("a directory without certctl.json fails with exit 7 and a clear line", async () => {
    const dir = newDir("empty");
    const res = await renew([dir]);
    expect(res.code).toBe(7);
    expect(res.stdout).toMatch(/^failed\s+.*no certctl\.json/m);
  });
});

describe("certctl renew: renewing", () => {
  it("renews a due certificate with a new key by default; the set verifies and certctl.json records the lineage", async () => {
    const dir = newDir("new-key");
    await issue(due, dir);
    const oldSerial = serialOf(dir);
    const oldKey = keyPublicKey(join(dir, "key.pem"));
    const oldId = meta(dir).certificateId;
    const before = await stats(due);
    const res = await renew([dir]);
    expect(res.stderr).not.toContain("certctl:");
    expect(res.code).toBe(0);
    const serial = serialOf(dir);
    expect(serial).not.toBe(oldSerial);
    expect(res.stdout).toContain(`renewed     ${dir}  serial ${serial}`);
    expect(keyPublicKey(join(dir, "key.pem"))).not.toBe(oldKey);
    expectLoadableSet(dir);
    const m = meta(dir);
    expect(m.previousCertificateId).toBe(oldId);
    expect(m.certificateId).not.toBe(oldId);
    expect(m.serialNumber).toBe(serial);
    expect(typeof m.renewedAt).toBe("string");
    expect((await stats(due))[RENEW_ROUTE]).toBe((before[RENEW_ROUTE] ?? 0) + 1);
    // The user's paths stay the same symlinks; key.pem is 0600.
    expect(readlinkSync(join(dir, "cert.pem"))).toBe(".certctl/live/cert.pem");
    expect(openssl(["pkey", "-in", join(dir, "key.pem"), "-noout", "-text"])).toContain("Private-Key");
  });

  it("--reuse-key keeps the key and changes the serial", async () => {
    const dir = newDir("reuse");
    await issue(due, dir);
    const oldSerial = serialOf(dir);
    const oldKey = keyPublicKey(join(dir, "key.pem"));
    const res = await renew([dir, "--reuse-key"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("same key");
    expect(serialOf(dir)).not.toBe(oldSerial);
    expect(keyPublicKey(join(dir, "key.pem"))).toBe(oldKey);
    expectLoadableSet(dir);
  });

  it("renews a server-keygen directory (new server key by default, the same with --reuse-key)", async () => {
    const dir = newDir("server-keygen");
    await issue(due, dir, ["--server-keygen"]);
    const key1 = keyPublicKey(join(dir, "key.pem"));
    const first = await renew([dir]);
    expect(first.code).toBe(0);
    expectLoadableSet(dir);
    const key2 = keyPublicKey(join(dir, "key.pem"));
    expect(key2).not.toBe(key1);
    const second = await renew([dir, "--reuse-key"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("same server-made key");
    expect(keyPublicKey(join(dir, "key.pem"))).toBe(key2);
    expectLoadableSet(dir);
  });

  it("falls back to a fresh issue when the server refuses to renew (already renewed), and says so", async () => {
    const dir = newDir("lineage");
    await issue(due, dir);
    const copy = `${dir}-copy`;
    cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
    expect((await renew([dir])).code).toBe(0);
    const before = await stats(due);
    const res = await renew([copy, "--json"]);
    expect(res.code).toBe(0);
    const [result] = JSON.parse(res.stdout) as Array<Record<string, unknown>>;
    expect(result!.status).toBe("renewed");
    expect(result!.method).toBe("reissue");
    expect(result!.fallbackReason).toMatch(/refused to renew .*already been renewed/);
    expect((await stats(due))[CREATE_ROUTE]).toBe((before[CREATE_ROUTE] ?? 0) + 1);
    expectLoadableSet(copy);
  });
});

describe.concurrent("certctl renew: a renewal the server leaves pending", () => {
  /** A directory issued on the `approval` profile of `fresh`: left pending, approved, completed with certctl status. */
  async function issueApproved(dir: string): Promise<void> {
    const env = { ...AUTH_ENV, INFISICAL_DOMAIN: fresh.url };
    const res = await runMain(["issue", "--profile", fresh.profile("approval"), "--cn", "renew.example.com", "--ttl", "30d", "--out-dir", dir, "--no-wait", "--json"], { env });
    expect(res.code).toBe(5);
    const id = (JSON.parse(res.stdout) as { error: { certificateRequestId: string } }).error.certificateRequestId;
    await fresh.approve(id);
    const done = await runMain(["status", id, "--out-dir", dir, "--quiet"], { env });
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
  }

  it("external profile: waits through pending and pending_validation, then writes the renewed set", async () => {
    const dir = newDir("external");
    await issue(fresh, dir, ["--profile", fresh.profile("external")]);
    const oldSerial = serialOf(dir);
    const oldId = meta(dir).certificateId;
    const res = await renew([dir, "--force"]);
    expect(res.stderr).not.toContain("certctl:");
    expect(res.code).toBe(0);
    const serial = serialOf(dir);
    expect(serial).not.toBe(oldSerial);
    expect(res.stdout).toContain(`renewed     ${dir}  serial ${serial}`);
    expectLoadableSet(dir);
    expect(meta(dir)).toMatchObject({ serialNumber: serial, previousCertificateId: oldId });
    expect(meta(dir).certificateId).not.toBe(oldId);
    expect(existsSync(join(dir, ".certctl", "pending")) ? readdirSync(join(dir, ".certctl", "pending")) : []).toEqual([]);
  });

  it("approval profile, --no-wait: exit 5 with the status hint, old set untouched; the hinted status writes the new set", async () => {
    const dir = newDir("approval");
    await issueApproved(dir);
    const oldSerial = serialOf(dir);
    const oldId = meta(dir).certificateId;
    const res = await renew([dir, "--force", "--no-wait"]);
    expect(res.code).toBe(5);
    const hint = /certctl status ([0-9a-f-]{36}) --out-dir (\S+)/.exec(res.stdout + res.stderr);
    expect(hint, res.stdout + res.stderr).not.toBeNull();
    const [command, requestId, outDir] = hint!;
    expect(outDir).toBe(dir);
    expect(serialOf(dir)).toBe(oldSerial);
    expect(meta(dir).certificateId).toBe(oldId);
    expectLoadableSet(dir);

    await fresh.approve(requestId!);
    // The printed command as a user would paste it: no INFISICAL_DOMAIN, the domain comes from the kept record.
    const done = await runMain(command!.split(" ").slice(1), { cwd: work, env: AUTH_ENV });
    expect(done.stderr).not.toContain("certctl:");
    expect(done.code).toBe(0);
    const serial = serialOf(dir);
    expect(serial).not.toBe(oldSerial);
    expectLoadableSet(dir);
    const m = meta(dir);
    expect(m.certificateId).not.toBe(oldId);
    // The lineage an immediate renewal records survives the detour through certctl status.
    expect(m).toMatchObject({ serialNumber: serial, certificateRequestId: requestId, previousCertificateId: oldId });
    expect(typeof m.renewedAt).toBe("string");
    expect(readdirSync(join(dir, ".certctl", "pending"))).toEqual([]);
  });

  it("approval profile, --wait-timeout 1s: exit 5 once the wait runs out", async () => {
    const dir = newDir("approval-timeout");
    await issueApproved(dir);
    const oldSerial = serialOf(dir);
    const started = Date.now();
    const res = await renew([dir, "--force", "--wait-timeout", "1s"]);
    expect(res.code).toBe(5);
    expect(res.stdout + res.stderr).toMatch(/still pending_approval after waiting 1s/);
    expect(res.stdout + res.stderr).toMatch(/certctl status [0-9a-f-]{36} --out-dir /);
    // The default wait is 10 minutes; a bound far below it but far above a loaded machine's pace.
    expect(Date.now() - started).toBeLessThan(SLOW_MACHINE_MS);
    expect(serialOf(dir)).toBe(oldSerial);
    expectLoadableSet(dir);
  });
});

describe.concurrent("certctl renew: deploy hook", () => {
  it("runs once per renewed directory with the CERTCTL_* variables and without Infisical secrets", async () => {
    const dir = newDir("hook");
    await issue(due, dir);
    const envFile = `${dir}-hook-env.txt`;
    // A real access token in the environment too: the hook must see neither it nor the client secret.
    const accessToken = await due.token();
    const res = await renew([dir, "--deploy-hook", `env > '${envFile}'; echo hook-output`], { INFISICAL_TOKEN: accessToken, INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN: accessToken });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("deploy hook ok");
    expect(res.stderr).toContain("hook-output");
    const vars = Object.fromEntries(readFileSync(envFile, "utf8").split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    expect(vars.CERTCTL_DIR).toBe(dir);
    expect(vars.CERTCTL_CERT_FILE).toBe(join(dir, "cert.pem"));
    expect(vars.CERTCTL_KEY_FILE).toBe(join(dir, "key.pem"));
    expect(vars.CERTCTL_CHAIN_FILE).toBe(join(dir, "chain.pem"));
    expect(vars.CERTCTL_FULLCHAIN_FILE).toBe(join(dir, "fullchain.pem"));
    expect(vars.CERTCTL_SERIAL).toBe(serialOf(dir));
    expect(new Date(vars.CERTCTL_NOT_AFTER!).toISOString()).toBe(meta(dir).notAfter);
    expect(vars.INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET).toBeUndefined();
    expect(vars.INFISICAL_TOKEN).toBeUndefined();
    expect(vars.INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN).toBeUndefined();
    expect(vars.INFISICAL_UNIVERSAL_AUTH_CLIENT_ID).toBe(CREDENTIALS.clientId);
    const text = readFileSync(envFile, "utf8");
    expect(text).not.toContain(CREDENTIALS.clientSecret);
    expect(text).not.toContain(accessToken);
  });

  it("a failing hook exits 8 and the new files stay in place", async () => {
    const dir = newDir("hook-fail");
    await issue(due, dir);
    const oldSerial = serialOf(dir);
    const res = await renew([dir, "--deploy-hook", "exit 3"]);
    expect(res.code).toBe(8);
    expect(res.stdout).toMatch(/^hook failed .*exited with status 3; the new certificate is in place/m);
    expect(serialOf(dir)).not.toBe(oldSerial);
    expect(meta(dir).serialNumber).toBe(serialOf(dir));
    expectLoadableSet(dir);
  });

  it("a hook that outlives --hook-timeout is killed with its process group (exit 8)", async () => {
    const dir = newDir("hook-timeout");
    await issue(due, dir);
    const started = Date.now();
    // A hook (and a background child holding its output open) that would run for 5 minutes.
    const res = await renew([dir, "--deploy-hook", "sleep 300 & sleep 300", "--hook-timeout", "1s"]);
    expect(res.code).toBe(8);
    expect(res.stdout).toContain("timed out after 1s");
    expect(Date.now() - started).toBeLessThan(SLOW_MACHINE_MS);
  });
});

describe.concurrent("certctl renew: many directories and concurrent runs", () => {
  it("five directories in one run: one JSON array, the most severe exit code after trying all", async () => {
    const dirs = [newDir("five"), newDir("five"), newDir("five"), newDir("five")];
    await Promise.all(dirs.slice(0, 3).map((d) => issue(due, d)));
    await issue(fresh, dirs[3]!);
    const missing = join(work, "does-not-exist");
    const res = await renew([...dirs, missing, "--json", "--concurrency", "2"]);
    expect(res.code).toBe(7);
    const results = JSON.parse(res.stdout) as Array<{ dir: string; status: string; exitCode: number }>;
    expect(results.map((r) => r.dir)).toEqual([...dirs, missing]);
    expect(results.map((r) => r.status)).toEqual(["renewed", "renewed", "renewed", "not-due", "failed"]);
    for (const d of dirs) expectLoadableSet(d);
    const ok = await renew([dirs[3]!, dirs[0]!, "--renew-before", "1d"]);
    expect(ok.code).toBe(0);
  });

  it("two runs started together on one directory renew it once", async () => {
    const dir = newDir("race");
    await issue(slow, dir);
    const before = await stats(slow);
    // Two processes (a spawned run and this one): the lock must hold across them, not only within one.
    const [a, b] = await Promise.all([renewProcess([dir, "--json"]), renew([dir, "--json"])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const statuses = [a, b].map((r) => (JSON.parse(r.stdout) as Array<{ status: string; reason?: string }>)[0]!);
    expect(statuses.map((s) => s.status).sort()).toEqual(["not-due", "renewed"]);
    expect(statuses.find((s) => s.status === "not-due")!.reason).toMatch(/renewed by another certctl run/);
    expect((await stats(slow))[RENEW_ROUTE]).toBe((before[RENEW_ROUTE] ?? 0) + 1);
    expectLoadableSet(dir);
  });

  it("with --lock-timeout 0 a directory locked by another run is skipped with a clear line (exit 0)", async () => {
    const dir = newDir("locked");
    await issue(due, dir);
    const marker = `${dir}-hook-started`;
    const release = `${dir}-hook-release`;
    // The first run (in this process) holds the lock until the test releases its hook: no timing
    // window to lose under load. The second is a process of its own, so the lock it meets is another process's.
    const first = renew([dir, "--deploy-hook", `touch '${marker}'; while [ ! -e '${release}' ]; do sleep 0.05; done`]);
    await until("the first run's hook to start", () => existsSync(marker));
    const second = await renewProcess([dir, "--lock-timeout", "0"]);
    writeFileSync(release, "");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^skipped\s+.*another certctl run holds the lock/m);
    expect((await first).code).toBe(0);
  });
});

describe("certctl renew: crash safety", () => {
  const steps = ["version-written", "live-swapped", "links-installed"] as const;

  it("kill -9 at each step of the swap leaves a matching set; the next run recovers (stale lock taken over)", async () => {
    const dirs = steps.map(() => newDir("crash"));
    await Promise.all(dirs.map((d) => issue(due, d)));
    const oldSerials = dirs.map(serialOf);
    await Promise.all(steps.map(async (step, i) => {
      // The seam is the test's: a preload that kills the process at the step (certctl ships none).
      const crash = { env: { CRASH_AT_STEP: step }, nodeArgs: ["--import", CRASH_PRELOAD] };
      // The first run also shows what a due run loads (killed after its request, it has loaded it
      // all): the counterpart of "a run with nothing due loads no key, CSR, HTTP or lock code".
      const res = i === 0
        ? await loadedSources(["renew", dirs[i]!], { ...crash, env: { ...AUTH_ENV, ...crash.env }, cwd: work })
        : await renewProcess([dirs[i]!], crash);
      expect(res.signal).toBe("SIGKILL");
      if ("sources" in res) {
        const sources = res.sources as string[];
        expect(sources.filter((source) => HEAVY.test(source)).length).toBeGreaterThan(0);
        // csr.ts writes the request's DER itself: no ASN.1 library loads for a renewal.
        expect(sources.filter((source) => /node_modules\/(asn1js|@peculiar)\//.test(source))).toEqual([]);
      }
      expectLoadableSet(dirs[i]!);
    }));
    // Before the swap the old set is live; after it, the new one.
    expect(serialOf(dirs[0]!)).toBe(oldSerials[0]);
    expect(serialOf(dirs[1]!)).not.toBe(oldSerials[1]);
    expect(serialOf(dirs[2]!)).not.toBe(oldSerials[2]);
    // Each dead run left its lock, which nobody refreshes any more. Instead of waiting out the
    // 10 s staleness, age each lock by a minute, as that wait would; the next run must take them
    // over and renew (falling back to a fresh issue where the server already renewed the recorded
    // certificate).
    const aged = new Date(Date.now() - 60_000);
    for (const d of dirs) {
      const lock = join(d, ".certctl", "renew.lock");
      expect(existsSync(lock), `the killed run's lock in ${d}`).toBe(true);
      utimesSync(lock, aged, aged);
    }
    const res = await renew([...dirs, "--json", "--lock-timeout", "0"]);
    expect(res.code).toBe(0);
    const results = JSON.parse(res.stdout) as Array<{ status: string }>;
    expect(results.map((r) => r.status)).toEqual(["renewed", "renewed", "renewed"]);
    for (const d of dirs) {
      expectLoadableSet(d);
      expect(meta(d).serialNumber).toBe(serialOf(d));
    }
  });
});

describe.concurrent("certctl renew: flags", () => {
  it.each([
    [["--concurrency", "0"], "--concurrency"],
    [["--hook-timeout", "soon"], "--hook-timeout"],
    [["--random-delay", "x"], "--random-delay"],
    [["--lock-timeout", "-1s"], "--lock-timeout"],
    [["--deploy-hook", ""], "--deploy-hook"],
  ])("%j → exit 2 naming the flag", async (args, flag) => {
    const res = await renew([work, ...args]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(flag);
  });

  it("--random-delay sleeps before the first request only when something is due, and is interruptible", async () => {
    const dir = newDir("delay");
    await issue(fresh, dir);
    const started = Date.now();
    const quick = await renew([dir, "--random-delay", "1h"]);
    expect(quick.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(SLOW_MACHINE_MS); // not the hour

    const dueDir = newDir("delay-due");
    await issue(due, dueDir);
    const child = spawn(process.execPath, [BIN, "renew", dueDir, "--random-delay", "1h"], { env: cleanEnv(AUTH_ENV), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    await until("the --random-delay notice", () => stderr.includes("--random-delay"));
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(143);
  });
});
