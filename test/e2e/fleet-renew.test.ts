// renew over a directory of certificate directories, its --metrics-file, and the
// .certctl/last-failure.json it keeps for list, check and the metrics (DESIGN-ops.md).
// certctl and the dev servers run in-process (main(argv, io)): no process is the subject here.
import { createServer } from "node:net";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { DAY_MS, startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";
import { certSerialHex } from "../helpers/openssl.js";
import { parseExposition, sampleOf } from "../helpers/prom.js";
import { startFaultProxy } from "../helpers/counting-server.js";

const CREDENTIALS = { clientId: "fleet-renew-client", clientSecret: "fleet-renew-secret-0123456789abcdef" };
const AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };

let due: LocalDevServerHandle;
let fresh: LocalDevServerHandle;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-fleet-renew-"));
  [due, fresh] = await Promise.all([startLocalDevServerHandle({ credentials: CREDENTIALS, backdateMs: 25 * DAY_MS }), startLocalDevServerHandle({ credentials: CREDENTIALS })]);
});
afterAll(async () => {
  await Promise.all([due?.stop(), fresh?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

async function issued(server: LocalDevServerHandle, dir: string): Promise<void> {
  const res = await runMain(
    ["issue", "--profile", server.profileId, "--cn", "fleet.example.com", "--ttl", "30d", "--out-dir", dir, "--quiet"],
    { env: { ...AUTH_ENV, INFISICAL_DOMAIN: server.url } },
  );
  expect(res.code, res.stderr).toBe(0);
}

function renew(args: string[], cwd = work): Promise<CliResult> {
  return runMain(["renew", ...args], { cwd, env: AUTH_ENV });
}

function serialOf(dir: string): string {
  return certSerialHex(join(dir, "cert.pem"));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("renew over a directory of certificate directories", () => {
  it("renews each subdirectory holding a certctl.json, in name order; hidden and unmanaged ones are left alone", async () => {
    const root = join(work, "certs");
    await Promise.all([issued(due, join(root, "b")), issued(due, join(root, "a")), issued(fresh, join(root, "c")), issued(due, join(root, ".hidden"))]);
    mkdirSync(join(root, "notes"));
    const hidden = serialOf(join(root, ".hidden"));
    const res = await renew([root, "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const results = JSON.parse(res.stdout) as Array<{ dir: string; status: string }>;
    expect(results.map((r) => [r.dir, r.status])).toEqual([
      [join(root, "a"), "renewed"], [join(root, "b"), "renewed"], [join(root, "c"), "not-due"],
    ]);
    expect(serialOf(join(root, ".hidden"))).toBe(hidden);
  });

  it("--concurrency bounds the requests on the wire, not the directories worked on: never more than 3 at once", async () => {
    const root = join(work, "paced");
    // Issued through the proxy one at a time, so the most it saw at once is renew's own.
    const proxy = await startFaultProxy(due.url);
    try {
      for (let i = 0; i < 12; i++) {
        const res = await runMain(
          ["issue", "--profile", due.profileId, "--cn", "paced.example.com", "--ttl", "30d", "--out-dir", join(root, `d${i}`), "--quiet"],
          { env: { ...AUTH_ENV, INFISICAL_DOMAIN: proxy.url } },
        );
        expect(res.code, res.stderr).toBe(0);
      }
      expect(proxy.maxInFlight()).toBe(1);
      // A slow network for the renewal: six directories are ready long before any answer.
      proxy.delayMs = 150;
      const res = await runMain(["renew", "--concurrency", "3", "--json", root], { cwd: work, env: { ...AUTH_ENV, INFISICAL_DOMAIN: proxy.url } });
      expect(res.code, res.stderr).toBe(0);
      expect((JSON.parse(res.stdout) as Array<{ status: string }>).map((r) => r.status)).toEqual(Array(12).fill("renewed"));
      // Six directories are worked on at once (twice --concurrency); three requests reach the server.
      expect(proxy.maxInFlight()).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it("a directory waiting for another run's lock holds up none of the others, the first in line included", async () => {
    // The first directory goes ahead alone until its checks pass (fleet.ts); waiting for a lock
    // must let the others go, or a held lock would stall the whole run for --lock-timeout.
    const [held, free] = [join(work, "held-first"), join(work, "free-second")];
    await Promise.all([issued(due, held), issued(due, free)]);
    const lock = join(held, ".certctl", "renew.lock");
    mkdirSync(lock); // another run's live lock (fresh mtime)
    const released = new Promise((resolve) => setTimeout(resolve, 1500)).then(() => rmSync(lock, { recursive: true, force: true }));
    const res = await renew([held, free, "--json", "--lock-timeout", "20s"]);
    await released;
    expect(res.code, res.stderr).toBe(0);
    expect((JSON.parse(res.stdout) as Array<{ status: string }>).map((r) => r.status)).toEqual(["renewed", "renewed"]);
    const renewedAt = (dir: string) => Date.parse((JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as { renewedAt: string }).renewedAt);
    // The second was renewed while the first still waited (the lock went only after 1.5 s).
    expect(renewedAt(held) - renewedAt(free)).toBeGreaterThan(1000);
  });

  it("with no argument, . is expanded the same way", async () => {
    const root = join(work, "cwd-root");
    await issued(due, join(root, "web"));
    const res = await renew([], root);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^renewed +web  serial/m);
  });

  it("a directory with no certctl.json in it or below it: exit 7 for that argument, the others still renewed", async () => {
    const empty = join(work, "empty");
    mkdirSync(empty);
    const dir = join(work, "single");
    await issued(due, dir);
    const res = await renew([empty, dir]);
    expect(res.code).toBe(7);
    expect(res.stdout).toContain(`no certctl.json in ${empty} or its subdirectories`);
    expect(res.stdout).toMatch(/^renewed +.*single/m);
    expect(readdirSync(empty)).toEqual([]); // nothing written into it
  });
});

describe("last-failure.json and renew --metrics-file", () => {
  it("a failed renewal is recorded (list, check, metrics); the next successful run clears it and records the renewal", async () => {
    const root = join(work, "flaky-root");
    const dir = join(root, "flaky");
    await issued(due, dir);
    const metaFile = join(dir, "certctl.json");
    const good = readFileSync(metaFile, "utf8");
    const meta = JSON.parse(good) as { domain: string; renewedAt?: string; issuedAt: string };
    writeFileSync(metaFile, JSON.stringify({ ...meta, domain: `http://127.0.0.1:${await closedPort()}/api` }));
    const metrics = join(work, "flaky.prom");

    const failed = await renew([root, "--retries", "0", "--metrics-file", metrics]);
    expect(failed.code).toBe(6);
    const failure = JSON.parse(readFileSync(join(dir, ".certctl", "last-failure.json"), "utf8")) as { time: string; exitCode: number; message: string };
    expect(failure.exitCode).toBe(6);
    expect(failure.message).toMatch(/127\.0\.0\.1/);
    expect(failure.message).not.toContain(CREDENTIALS.clientSecret);
    const failedProm = parseExposition(readFileSync(metrics, "utf8"));
    expect(sampleOf(failedProm, "certctl_certificate_last_failure_timestamp_seconds", { name: "flaky" })?.value).toBe(Date.parse(failure.time) / 1000);
    expect(sampleOf(failedProm, "certctl_certificate_state", { name: "flaky", state: "due" })?.value).toBe(1);
    const listed = await runMain(["list", root, "--json"], { cwd: work });
    expect((JSON.parse(listed.stdout) as Array<{ lastFailure?: unknown }>)[0]!.lastFailure).toEqual(failure);
    const checked = await runMain(["check", root], { cwd: work });
    expect(checked.code).toBe(9);
    expect(checked.stdout).toMatch(/last renewal attempt failed .* \(exit 6\)/);

    // --dry-run writes nothing: the record stays as it was.
    writeFileSync(metaFile, good);
    expect((await renew([root, "--dry-run"])).code).toBe(0);
    expect(existsSync(join(dir, ".certctl", "last-failure.json"))).toBe(true);

    const fixed = await renew([root, "--metrics-file", metrics]);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(existsSync(join(dir, ".certctl", "last-failure.json"))).toBe(false);
    const prom = parseExposition(readFileSync(metrics, "utf8"));
    expect(sampleOf(prom, "certctl_certificate_last_failure_timestamp_seconds", { name: "flaky" })?.value).toBe(0);
    const renewedAt = (JSON.parse(readFileSync(metaFile, "utf8")) as { renewedAt: string }).renewedAt;
    expect(sampleOf(prom, "certctl_certificate_last_renewal_timestamp_seconds", { name: "flaky" })?.value).toBe(Date.parse(renewedAt) / 1000);
    expect(Date.parse(renewedAt)).toBeGreaterThan(Date.parse(meta.issuedAt));
    expect(readdirSync(work).filter((name) => name.includes("flaky.prom"))).toEqual(["flaky.prom"]);
  });

  it("--metrics-file whose directory does not exist: exit 7 before anything is sent", async () => {
    const dir = join(work, "nometrics");
    await issued(due, dir);
    const before = await due.stats();
    const res = await renew([dir, "--metrics-file", join(work, "missing", "x.prom")]);
    expect(res.code).toBe(7);
    expect(res.stderr).toContain("--metrics-file");
    expect(await due.stats()).toEqual(before);
  });
});
