// certctl revoke end to end: main() in-process against an in-process dev server (the prompt on a
// real terminal is in lifecycle-commands.test.ts); reason spellings as a table.
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVOCATION_REASONS } from "../../src/model/types.js";
import { parseRevocationReason } from "../../src/cli/revoke/run.js";
import { UsageError } from "../../src/model/errors.js";
import type { CliResult } from "../helpers/cli.js";
import { startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";

let server: LocalDevServerHandle;
let AUTH_ENV: Record<string, string>;
let work: string;
let counter = 0;

beforeAll(async () => {
  server = await startLocalDevServerHandle({ backdateMs: 25 * 86_400_000 });
  AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.clientSecret };
  work = mkdtempSync(join(tmpdir(), "certctl-revoke-e2e-"));
});
afterAll(async () => {
  await server?.stop();
});

/** The domain comes from certctl.json (for --out-dir) or INFISICAL_DOMAIN (for --certificate-id). */
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runMain(args, { cwd: work, env: { ...AUTH_ENV, ...env } });
}

async function issued(): Promise<{ dir: string; certificateId: string; serial: string }> {
  const dir = join(work, `cert-${++counter}`);
  mkdirSync(dir);
  const res = await cli(["issue", "--profile", server.profileId, "--cn", "revoke.example.com", "--ttl", "30d", "--out-dir", dir, "--quiet"], { INFISICAL_DOMAIN: server.url });
  expect(res.code).toBe(0);
  const meta = JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as { certificateId: string };
  const serial = serialOf(join(dir, "cert.pem"));
  return { dir, certificateId: meta.certificateId, serial };
}

/** The certificate's serial as OpenSSL prints it (node's X509Certificate is OpenSSL's parser), lowercase. */
function serialOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).serialNumber.toLowerCase();
}

async function requestCount(): Promise<number> {
  const all = await server.stats();
  return Object.entries(all).filter(([route]) => !route.includes("/dev/")).reduce((sum, [, n]) => sum + n, 0);
}

describe("revocation reasons", () => {
  it.each([
    ["key-compromise", "KEY_COMPROMISE"],
    ["KEY_COMPROMISE", "KEY_COMPROMISE"],
    ["Key_Compromise", "KEY_COMPROMISE"],
    ["superseded", "SUPERSEDED"],
    ["cessation-of-operation", "CESSATION_OF_OPERATION"],
    ["a-a-compromise", "A_A_COMPROMISE"],
    ["aa-compromise", "A_A_COMPROMISE"],
    ["certificate hold", "CERTIFICATE_HOLD"],
  ])("%s → %s", (input, expected) => {
    expect(parseRevocationReason(input)).toBe(expected);
  });

  it("every server reason round-trips from its friendly form", () => {
    for (const reason of REVOCATION_REASONS) expect(parseRevocationReason(reason.toLowerCase().replace(/_/g, "-"))).toBe(reason);
  });

  it.each(["", "compromised", "key-compromise-x", "remove"])("refuses %j naming --reason and the options", (input) => {
    expect(() => parseRevocationReason(input)).toThrow(UsageError);
    expect(() => parseRevocationReason(input)).toThrow(/--reason.*key-compromise/);
  });
});

describe("certctl revoke", () => {
  it("by directory: prints the serial and revokedAt; a second revoke exits 0 'already revoked'", async () => {
    const { dir, serial, certificateId } = await issued();
    const res = await cli(["revoke", "--out-dir", dir, "--reason", "key-compromise", "--yes"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`revoked certificate ${certificateId}`);
    expect(res.stdout).toContain(`serial      ${serial}`);
    expect(res.stdout).toMatch(/revoked at {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const again = await cli(["revoke", "--out-dir", dir, "--reason", "superseded", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already revoked");
  });

  it("by certificate id with KEY_COMPROMISE and --json", async () => {
    const { certificateId, serial } = await issued();
    const res = await cli(["revoke", "--certificate-id", certificateId, "--reason", "KEY_COMPROMISE", "--yes", "--json"], { INFISICAL_DOMAIN: server.url });
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as Record<string, string>;
    expect(doc).toMatchObject({ status: "revoked", certificateId, serialNumber: serial, reason: "KEY_COMPROMISE" });
    expect(Number.isNaN(Date.parse(doc.revokedAt!))).toBe(false);
  });

  it("a revoked certificate is renewed by a fresh issue, and the run says so", async () => {
    const { dir, serial } = await issued();
    expect((await cli(["revoke", "--out-dir", dir, "--reason", "superseded", "--yes"])).code).toBe(0);
    const res = await cli(["renew", dir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/issued fresh: the server refused to renew .*revoked/);
    const newSerial = serialOf(join(dir, "cert.pem"));
    expect(newSerial).not.toBe(serial);
  });

  it.each([
    [["--out-dir", "x", "--reason", "superseded"], /not a terminal; pass --yes/],
    [["--out-dir", "x", "--certificate-id", "abc", "--reason", "superseded", "--yes"], /exactly one of --out-dir/],
    [["--reason", "superseded", "--yes"], /exactly one of --out-dir/],
    [["--certificate-id", "abc", "--yes"], /--reason is required/],
    [["--certificate-id", "abc", "--reason", "oops", "--yes"], /invalid value 'oops' for --reason/],
    [["--certificate-id", "../../etc", "--reason", "superseded", "--yes"], /--certificate-id/],
  ])("%j → exit 2, no request sent", async (args, message) => {
    const before = await requestCount();
    const res = await cli(["revoke", ...args], { INFISICAL_DOMAIN: server.url });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(await requestCount()).toBe(before);
  });

  it("a directory without certctl.json → exit 7, no request", async () => {
    const before = await requestCount();
    const res = await cli(["revoke", "--out-dir", work, "--reason", "superseded", "--yes"]);
    expect(res.code).toBe(7);
    expect(res.stderr).toContain("no certctl.json");
    expect(await requestCount()).toBe(before);
  });
});
