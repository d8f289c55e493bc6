// The bad-input battery (issue 5): every case in cases/bad-input.ts runs main(argv, io)
// in-process (argv-level: nothing here needs a process of its own) against its own counting server and must exit 2 (7 for an unreadable file) with a message
// naming the flag, with zero connections to the server and nothing created on disk.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCountingServer } from "../helpers/counting-server.js";
import { runMain } from "../helpers/run-main.js";
import { BAD_INPUT_CASES, type BadInputCase } from "./cases/bad-input.js";

const TOKEN = "tok-bad-input-7d1f0c";
let work: string;
let files: string;

function sh(cmd: string, args: string[]): Buffer {
  return execFileSync(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "certctl-bad-input-"));
  files = join(work, "files");
  mkdirSync(files);
  const f = (name: string) => join(files, name);
  sh("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("ec.key")]);
  sh("openssl", ["req", "-new", "-key", f("ec.key"), "-subj", "/CN=aaaa.example.com", "-out", f("good.csr")]);
  const good = readFileSync(f("good.csr"), "utf8");
  writeFileSync(f("garbage.csr"), "this is not a certificate request\n");
  writeFileSync(f("truncated.csr"), good.slice(0, Math.floor(good.length / 2)));
  // Same structure, one subject byte changed: parses, but the signature no longer covers it.
  const der = sh("openssl", ["req", "-in", f("good.csr"), "-outform", "DER"]);
  const at = der.indexOf(Buffer.from("aaaa.example.com"));
  der.write("bbbb", at);
  writeFileSync(f("tampered.csr"), `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE REQUEST-----\n`);
  const sans = Array.from({ length: 160 }, (_, i) => `DNS:host-${i}.a-rather-long-subdomain.example.com`).join(",");
  sh("openssl", ["req", "-new", "-key", f("ec.key"), "-subj", "/CN=big.example.com", "-addext", `subjectAltName=${sans}`, "-out", f("oversized.csr")]);
  sh("openssl", ["req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout", f("rsa1024.key"), "-subj", "/CN=weak.example.com", "-out", f("rsa1024.csr")]);
  sh("openssl", ["pkey", "-in", f("ec.key"), "-aes256", "-passout", "pass:pw", "-out", f("encrypted.key")]);
  sh("openssl", ["genpkey", "-algorithm", "ED25519", "-out", f("ed25519.key")]);
  writeFileSync(f("secret.txt"), "a-client-secret\n");
  writeFileSync(f("empty.txt"), "\n");
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function fill(value: string, out: string, url: string): string {
  return value.replaceAll("<out>", out).replaceAll("<files>", files).replaceAll("<url>", url);
}

describe("fixtures", () => {
  it("the oversized CSR is a valid CSR over the API's 4096 characters; the tampered one parses but fails its signature", () => {
    expect(readFileSync(join(files, "oversized.csr"), "utf8").length).toBeGreaterThan(4096);
    expect(() => sh("openssl", ["req", "-in", join(files, "oversized.csr"), "-noout", "-verify"])).not.toThrow();
    const check = spawnSync("openssl", ["req", "-in", join(files, "tampered.csr"), "-noout", "-verify"], { encoding: "utf8" });
    expect(check.stdout + check.stderr).toMatch(/verify failure/);
  });
});

describe("the battery is wide enough", () => {
  it("has at least 60 cases and covers every command and the global flags", () => {
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(60);
    const commands = new Set(BAD_INPUT_CASES.map((c) => c.argv.find((a) => !a.startsWith("-") && !/^(soon|-1|11|not a url|ftp|https?:|<files>)/.test(a))));
    for (const command of ["issue", "status", "renew", "revoke", "inspect", "completion", "dev-server"]) expect(commands).toContain(command);
    expect(BAD_INPUT_CASES.filter((c) => c.argv[0]?.startsWith("--")).length).toBeGreaterThanOrEqual(10);
    const names = BAD_INPUT_CASES.map((c) => c.fault);
    expect(new Set(names).size).toBe(names.length);
  });
});

// A few at a time (vitest's maxConcurrency, 5 by default): some cases wait on a file or the CSR check.
describe.concurrent("bad input: exit code, a message naming the flag, zero requests, nothing written", () => {
  it.each(BAD_INPUT_CASES.map((c) => [c.fault, c] as const))("%s", async (_name, testCase: BadInputCase) => {
    const server = await startCountingServer();
    const cwd = mkdtempSync(join(work, "case-"));
    const out = join(cwd, "out");
    try {
      const env: Record<string, string | undefined> = { INFISICAL_DOMAIN: server.url, INFISICAL_TOKEN: TOKEN };
      for (const [key, value] of Object.entries(testCase.env ?? {})) env[key] = value === undefined ? undefined : fill(value, out, server.url);
      const res = await runMain(testCase.argv.map((a) => fill(a, out, server.url)), {
        cwd, env, ...(testCase.stdin !== undefined ? { stdin: testCase.stdin } : {}),
      });
      expect({ code: res.code, stderr: res.stderr }).toMatchObject({ code: testCase.exit });
      expect(res.stderr).toMatch(testCase.message);
      // Under --json a script still gets exactly one JSON document on stdout, carrying the exit code.
      if (testCase.argv.includes("--json")) expect(JSON.parse(res.stdout)).toMatchObject({ error: { exitCode: testCase.exit } });
      expect(res.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
      expect(res.stderr + res.stdout).not.toContain(TOKEN);
      // Connection settings are checked before a key is generated (an RSA-4096 key takes seconds).
      const connectionSetting = testCase.argv[0]?.startsWith("--") || ["credentials", "transport safety"].includes(testCase.kind) || testCase.env !== undefined;
      if (connectionSetting && testCase.argv.includes("issue")) expect(res.stderr).not.toMatch(/generating/i);
      expect(server.connections()).toBe(0);
      expect(server.requests).toHaveLength(0);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
