// certctl list and check end to end: main() in-process against in-process dev servers (spawned
// only where the process is the subject: what it loads, and a process whose clock is moved). One
// directory of certificate directories holds every state: ok, due (a server that backdates by 25
// of 30 days), revoked (certctl revoke), pending (an approval profile and --no-wait, for a first
// issue and for a renewal) and broken (a foreign key, a missing file). Expired is the same files
// read by a process whose clock is 31 days on (a test-side preload).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/cli.js";
import { startLocalDevServerHandle, type LocalDevServerHandle as DevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";
import { loadedSources } from "../helpers/loaded-sources.js";
import { parseExposition, sampleOf } from "../helpers/prom.js";

const CREDENTIALS = { clientId: "fleet-e2e-client", clientSecret: "fleet-e2e-secret-0123456789abcdef" };
const AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };
const CLOCK_PRELOAD = fileURLToPath(new URL("./fleet-clock-preload.mjs", import.meta.url));
const DAY = 86_400_000;

let fresh: DevServerHandle;
let due: DevServerHandle;
let work: string;
let certs: string;
const ids: Record<string, string> = {};

/** In-process; with nodeArgs (the clock preload) a process of its own. */
function cli(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<CliResult> {
  return nodeArgs.length > 0 ? runCli(args, { cwd: work, env, nodeArgs }) : runMain(args, { cwd: work, env });
}

async function issue(server: DevServerHandle, dir: string, extra: string[] = [], profile = server.profileId): Promise<CliResult> {
  const name = dir.split("/").pop()!;
  return runMain(
    ["issue", "--profile", profile, "--cn", `${name}.example.com`, "--dns", `${name}.example.com`, "--ttl", "30d", "--out-dir", dir, "--quiet", ...extra],
    { env: { ...AUTH_ENV, INFISICAL_DOMAIN: server.url } },
  );
}

async function issued(server: DevServerHandle, dir: string): Promise<void> {
  const res = await issue(server, dir);
  expect(res.code, res.stderr).toBe(0);
}

/** issue --no-wait on the approval profile: exit 5 and the request id. */
async function pendingIssue(server: DevServerHandle, dir: string): Promise<string> {
  const res = await issue(server, dir, ["--no-wait", "--json"], server.profile("approval"));
  expect(res.code, res.stderr).toBe(5);
  return (JSON.parse(res.stdout) as { error: { certificateRequestId: string } }).error.certificateRequestId;
}

function pendingIds(dir: string): string[] {
  return readdirSync(join(dir, ".certctl", "pending")).filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5));
}

interface StateDoc {
  dir: string;
  name: string;
  state: string;
  reason?: string;
  subject?: string;
  altNames?: string[];
  notAfter?: string;
  secondsLeft?: number;
  profile?: string;
  server?: string;
  pendingRequestId?: string;
  lastFailure?: { time: string; exitCode: number; message: string };
  lastRenewal?: string;
}

function byName(res: CliResult): Record<string, StateDoc> {
  expect(res.stderr).toBe("");
  return Object.fromEntries((JSON.parse(res.stdout) as StateDoc[]).map((doc) => [doc.name, doc]));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-fleet-e2e-"));
  const start = (backdateMs: number) => startLocalDevServerHandle({ credentials: CREDENTIALS, backdateMs });
  [fresh, due] = await Promise.all([start(0), start(25 * DAY)]);

  certs = join(work, "certs");
  mkdirSync(certs);
  const at = (name: string) => join(certs, name);
  await Promise.all([issued(fresh, at("ok")), issued(due, at("due")), issued(fresh, at("revoked")), issued(fresh, at("broken-key")), issued(fresh, at("broken-missing"))]);
  ids.pendingNew = await pendingIssue(fresh, at("pending-new"));

  // A renewal waiting for approval: an approval-profile certificate, due, renewed with --no-wait.
  const first = await pendingIssue(due, at("pending-renewal"));
  await due.approve(first);
  const finished = await runMain(["status", first, "--out-dir", at("pending-renewal")], { env: { ...AUTH_ENV, INFISICAL_DOMAIN: due.url } });
  expect(finished.code, finished.stderr).toBe(0);
  expect((await cli(["renew", at("pending-renewal"), "--no-wait"], AUTH_ENV)).code).toBe(5);
  ids.pendingRenewal = pendingIds(at("pending-renewal"))[0]!;

  const revoked = await cli(["revoke", "--out-dir", at("revoked"), "--reason", "superseded", "--yes"], AUTH_ENV);
  expect(revoked.code, revoked.stderr).toBe(0);
  // A key that belongs to another certificate; a set with a file gone.
  rmSync(join(at("broken-key"), "key.pem"));
  cpSync(join(at("ok"), "key.pem"), join(at("broken-key"), "key.pem"), { dereference: true });
  rmSync(join(at("broken-missing"), "chain.pem"));
  // Not certificate directories: skipped by the expansion.
  mkdirSync(join(certs, "notes"));
  mkdirSync(join(certs, ".hidden"));
  cpSync(at("ok"), join(certs, ".hidden", "copy"), { recursive: true, verbatimSymlinks: true });
}, 120_000);

afterAll(async () => {
  await Promise.all([fresh?.stop(), due?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("certctl list", () => {
  it("--json: every certificate directory below the argument, each in its state, sorted by name", async () => {
    const res = await cli(["list", certs, "--json"]);
    expect(res.code).toBe(0);
    const docs = byName(res);
    expect(Object.keys(docs)).toEqual(["broken-key", "broken-missing", "due", "ok", "pending-new", "pending-renewal", "revoked"]);
    expect(Object.fromEntries(Object.values(docs).map((d) => [d.name, d.state]))).toEqual({
      "broken-key": "broken", "broken-missing": "broken", "due": "due", "ok": "ok",
      "pending-new": "pending", "pending-renewal": "pending", "revoked": "revoked",
    });
    expect(docs["broken-key"]!.reason).toMatch(/key\.pem does not match the certificate/);
    expect(docs["broken-missing"]!.reason).toBe("missing chain.pem");
    expect(docs["pending-new"]!.pendingRequestId).toBe(ids.pendingNew);
    expect(docs["pending-new"]!.subject).toBe("CN=pending-new.example.com");
    expect(docs["pending-renewal"]!.pendingRequestId).toBe(ids.pendingRenewal);
    expect(docs["revoked"]!.reason).toMatch(/^superseded$/i);
    expect(docs.ok).toMatchObject({
      dir: join(certs, "ok"), subject: "CN=ok.example.com", altNames: ["DNS:ok.example.com"], profile: fresh.profileId, server: fresh.url,
    });
    const okLeft = docs.ok!.secondsLeft!;
    expect(okLeft).toBeGreaterThan(29 * 86_400);
    expect(okLeft).toBeLessThanOrEqual(30 * 86_400);
    expect(docs.due!.secondsLeft!).toBeLessThan(6 * 86_400);
    expect(Date.parse(docs.ok!.notAfter!)).toBe(Date.parse(JSON.parse(readFileSync(join(certs, "ok", "certctl.json"), "utf8")).notAfter));
  });

  it("a table with aligned columns, details under a row, colour only on a terminal or with FORCE_COLOR", async () => {
    const res = await cli(["list", certs]);
    expect(res.code).toBe(0);
    expect(res.stdout).not.toMatch(/\x1b\[/);
    const lines = res.stdout.trimEnd().split("\n");
    const header = lines[0]!;
    expect(header).toMatch(/^NAME\s+STATE\s+LEFT\s+NOT AFTER\s+PROFILE\s+SERVER\s+SUBJECT \/ SANS$/);
    const rows = lines.filter((line) => /^\S/.test(line)).slice(1);
    expect(rows).toHaveLength(7);
    for (const column of ["STATE", "LEFT", "PROFILE", "SERVER"]) {
      const at = header.indexOf(column);
      for (const row of rows) expect(row[at - 1], `${column} in ${row}`).toBe(" ");
      for (const row of rows) expect(row[at], `${column} in ${row}`).not.toBe(" ");
    }
    expect(rows.find((r) => r.startsWith("ok "))).toMatch(/^ok\s+ok\s+(29|30) days\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+\S+\s+http:\/\/127\.0\.0\.1:\d+\s+CN=ok\.example\.com; DNS:ok\.example\.com$/);
    expect(res.stdout).toContain(`request ${ids.pendingNew} pending since`);
    expect(res.stdout).toContain(`certctl status ${ids.pendingNew} --out-dir ${join(certs, "pending-new")} resumes it`);
    expect(res.stdout).toContain("broken: missing chain.pem");
    // The reason as `certctl revoke --reason` spells it (and its own output says it), not the API's enum.
    expect(res.stdout).toMatch(/^ +revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(superseded\)$/m);
    const coloured = await cli(["list", certs], { FORCE_COLOR: "1" });
    expect(coloured.stdout).toMatch(/\x1b\[31mbroken/);
    expect(coloured.stdout).toMatch(/\x1b\[32mok/);
  });

  it("reads only local files: no credentials, no request, no HTTP or x509 code loaded", async () => {
    const before = [await fresh.stats(), await due.stats()];
    const run = await loadedSources(["list", certs, "--json"], { cwd: work });
    expect(run.code, run.stderr).toBe(0);
    expect(run.sources.some((s) => s.endsWith("src/core/fleet/state.ts"))).toBe(true);
    expect(run.sources.filter((s) => /node_modules\/(undici|@peculiar|asn1js|proper-lockfile)\//.test(s) || s.includes("src/api/"))).toEqual([]);
    expect([await fresh.stats(), await due.stats()]).toEqual(before);
  });

  it("an argument with no certificate in or below it: exit 7 naming it", async () => {
    const res = await cli(["list", join(certs, "notes")]);
    expect(res.code).toBe(7);
    expect(res.stderr).toContain(`no certctl.json in ${join(certs, "notes")} or its subdirectories`);
    expect(res.stdout).toBe("");
    const missing = await cli(["list", join(work, "nowhere")]);
    expect(missing.code).toBe(7);
    expect(missing.stderr).toContain(join(work, "nowhere"));
  });
});

describe("certctl check", () => {
  it("exit 9 with one line per directory that needs attention and a summary; exit 0 when all are ok", async () => {
    const res = await cli(["check", certs]);
    expect(res.code).toBe(9);
    const lines = res.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(7); // six need attention, then the summary
    expect(lines[6]).toMatch(/^6 of 7 certificates need attention; next expiry due in \d+ days$/);
    expect(res.stdout).toMatch(new RegExp(`^pending +${join(certs, "pending-renewal")}  request ${ids.pendingRenewal} pending since`, "m"));
    expect(res.stdout).toMatch(new RegExp(`^due +${join(certs, "due")}  \\d+ days left`, "m"));
    expect(res.stdout).not.toMatch(/^ok /m);

    const ok = await cli(["check", join(certs, "ok")]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 1 certificate, next expiry ok in (29|30) days\n$/);
    const quiet = await cli(["check", certs, "--quiet"]);
    expect([quiet.code, quiet.stdout]).toEqual([9, ""]);
  });

  it("critical states are listed before warnings", async () => {
    const res = await cli(["check", certs]);
    const states = res.stdout.trimEnd().split("\n").slice(0, 6).map((l) => l.split(/\s+/)[0]);
    expect(states).toEqual(["broken", "broken", "revoked", ...states.slice(3)]);
    expect(res.stdout).toMatch(/^revoked\s.*revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(superseded\)/m);
    expect(states.slice(3).sort()).toEqual(["due", "pending", "pending"]);
  });

  it("--json: the status, the counts and every directory's state", async () => {
    const res = await cli(["check", certs, "--json"]);
    expect(res.code).toBe(9);
    const doc = JSON.parse(res.stdout) as { status: string; level: string; counts: Record<string, number>; certificates: StateDoc[] };
    expect(doc).toMatchObject({ status: "attention", level: "critical", total: 7, counts: { ok: 1, due: 1, pending: 2, revoked: 1, expired: 0, broken: 2 } });
    expect(doc.certificates.map((c) => c.name)).toContain("pending-new");
  });

  it("--format nagios: one line with perfdata, and the plugin codes 0 / 1 / 2 / 3", async () => {
    const ok = await cli(["check", join(certs, "ok"), "--format", "nagios"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^CERTCTL OK - 1 certificate, next expiry ok in (29|30) days \| certificates=1;;;0 ok=1;;;0 due=0;;;0 pending=0;;;0 revoked=0;;;0 expired=0;;;0 broken=0;;;0 next_expiry=\d+s\n$/);

    const warning = await cli(["check", join(certs, "ok"), join(certs, "due"), join(certs, "pending-new"), "--format", "nagios"]);
    expect(warning.code).toBe(1);
    expect(warning.stdout).toMatch(new RegExp(`^CERTCTL WARNING - 2 of 3 certificates need attention: pending-new pending \\(request ${ids.pendingNew}\\), due due \\(\\d+ days left\\) \\| .*due=1;;;0 pending=1;;;0 .*\\n$`));

    const critical = await cli(["check", certs, "--format", "nagios"]);
    expect(critical.code).toBe(2);
    // Critical first (the two broken sets in the order they expire), then revoked; the warnings are counted.
    expect(critical.stdout).toMatch(/^CERTCTL CRITICAL - 6 of 7 certificates need attention: (broken-key|broken-missing) broken \(.*\), (broken-key|broken-missing) broken \(.*\), revoked revoked \(superseded\) and 3 more \| certificates=7;;;0 /i);
    expect(critical.stdout).toContain("broken-missing broken (missing chain.pem)");
    expect(critical.stdout).toContain("broken-key broken (key.pem does not match the certificate's public key)");

    const unknown = await cli(["check", join(work, "nowhere"), "--format", "nagios"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toMatch(/^CERTCTL UNKNOWN - .*nowhere does not exist\n$/);
    for (const res of [ok, warning, critical, unknown]) expect(res.stdout.split("\n")).toHaveLength(2);

    const both = await cli(["check", certs, "--format", "nagios", "--json"]);
    expect(both.code).toBe(3);
    expect(both.stdout).toMatch(/^CERTCTL UNKNOWN - --format nagios cannot be used with --json/);
  });

  it("a certificate past its notAfter is expired (CRITICAL), read by a process whose clock is 31 days on", async () => {
    const env = { CERTCTL_TEST_CLOCK_SHIFT_MS: String(31 * DAY) };
    const res = await cli(["check", join(certs, "ok"), "--json"], env, ["--import", CLOCK_PRELOAD]);
    expect(res.code).toBe(9);
    const [doc] = (JSON.parse(res.stdout) as { certificates: StateDoc[] }).certificates;
    expect(doc).toMatchObject({ name: "ok", state: "expired" });
    expect(doc!.secondsLeft!).toBeLessThan(0);
    const nagios = await cli(["check", join(certs, "ok"), "--format", "nagios"], env, ["--import", CLOCK_PRELOAD]);
    expect(nagios.code).toBe(2);
    expect(nagios.stdout).toMatch(/^CERTCTL CRITICAL - 1 of 1 certificate needs attention: ok expired \(expired (\d+ hours|\d+ days) ago\)/);
  });
});

describe("the Prometheus textfile", () => {
  it("check --metrics-file writes every directory's series atomically, in the exposition format", async () => {
    const dir = join(work, "textfile");
    mkdirSync(dir);
    const file = join(dir, "certctl.prom");
    const res = await cli(["check", certs, "--quiet", "--metrics-file", file]);
    expect(res.code).toBe(9);
    expect(readdirSync(dir)).toEqual(["certctl.prom"]); // no temporary file left behind
    const prom = parseExposition(readFileSync(file, "utf8"));
    for (const name of [
      "certctl_certificate_not_after_timestamp_seconds", "certctl_certificate_seconds_left", "certctl_certificate_state",
      "certctl_certificate_last_renewal_timestamp_seconds", "certctl_certificate_last_failure_timestamp_seconds", "certctl_check_timestamp_seconds",
    ]) {
      expect(prom.type.get(name)).toBe("gauge");
      expect(prom.help.get(name)).toBeTruthy();
    }
    const ok = { dir: join(certs, "ok"), name: "ok" };
    const notAfter = Date.parse(JSON.parse(readFileSync(join(certs, "ok", "certctl.json"), "utf8")).notAfter) / 1000;
    expect(sampleOf(prom, "certctl_certificate_not_after_timestamp_seconds", ok)?.value).toBe(notAfter);
    expect(sampleOf(prom, "certctl_certificate_seconds_left", ok)!.value).toBeGreaterThan(29 * 86_400);
    for (const [name, state] of [["ok", "ok"], ["due", "due"], ["revoked", "revoked"], ["pending-new", "pending"], ["broken-key", "broken"]]) {
      const series = prom.samples.filter((s) => s.name === "certctl_certificate_state" && s.labels.name === name);
      expect(series.map((s) => s.labels.state).sort()).toEqual(["broken", "due", "expired", "ok", "pending", "revoked"]);
      expect(series.filter((s) => s.value === 1).map((s) => s.labels.state)).toEqual([state]);
    }
    // A pending first issue has no certificate yet: no expiry series rather than a made-up one.
    expect(sampleOf(prom, "certctl_certificate_not_after_timestamp_seconds", { name: "pending-new" })).toBeUndefined();
    expect(sampleOf(prom, "certctl_certificate_last_failure_timestamp_seconds", ok)?.value).toBe(0);
    const checked = prom.samples.find((s) => s.name === "certctl_check_timestamp_seconds")!.value;
    expect(Math.abs(checked - Date.now() / 1000)).toBeLessThan(120);
  });

  it("--metrics-file in a directory that does not exist: exit 7 before anything is read or written", async () => {
    const res = await cli(["check", certs, "--metrics-file", join(work, "no-such-dir", "certctl.prom")]);
    expect(res.code).toBe(7);
    expect(res.stderr).toContain("--metrics-file");
    expect(res.stdout).toBe("");
  });
});
