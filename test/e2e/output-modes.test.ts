// Output modes on every command, through pipes as scripts see them: --json is exactly one JSON
// document on stdout (errors included) that jq reads, --quiet leaves stdout empty, human text
// has no escape codes in a pipe unless FORCE_COLOR asks for them, and progress stays on stderr.
// No TTY here, so commands run in-process through main(argv, io) with pipe-like streams; only
// dev-server is spawned (it runs until a signal, and stopping cleanly is the point).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { BIN, cleanEnv, type CliResult } from "../helpers/cli.js";
import { listeningPort } from "../helpers/proc.js";
import { runMain } from "../helpers/run-main.js";
import { needs } from "../helpers/needs.js";
import { ANY_ESCAPE, COLOR_SGR } from "../helpers/tty.js";

let server: RunningDevServer;
let work: string;
let env: Record<string, string>;
let counter = 0;
const dir = (name: string) => join(work, `${name}-${++counter}`);
const JQ = needs("jq");

function certctl(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return runMain(args, { cwd: work, env: { ...env, ...extra } });
}

/** stdout must be one JSON document and nothing else. */
function oneDocument(stdout: string): Record<string, unknown> {
  expect(stdout.trim()).not.toBe("");
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** What `… | jq -r <filter>` prints. */
function jq(filter: string, input: string): string {
  const res = spawnSync("jq", ["-r", filter], { input, encoding: "utf8" });
  expect(res.status, res.stderr).toBe(0);
  return res.stdout.trim();
}

async function issueInto(out: string, args: string[] = []): Promise<CliResult> {
  const res = await certctl(["issue", "--profile", server.info.profileId, "--cn", "modes.localhost", "--dns", "modes.localhost", "--out-dir", out, ...args]);
  expect(res.code, res.stderr).toBe(0);
  return res;
}

beforeAll(async () => {
  ({ server, env } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-modes-e2e-"));
});
afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("--json: one document on stdout, nothing else there, no progress anywhere", () => {
  it.skipIf(JQ.missing)(`issue, inspect, status, renew --dry-run, revoke and completion pipe into jq${JQ.why}`, async () => {
    const out = dir("json");
    const issued = await issueInto(out, ["--json"]);
    expect(issued.stderr).toBe("");
    const serial = jq(".serialNumber", issued.stdout);
    expect(serial).toMatch(/^[0-9a-f]+$/);
    expect(jq(".files.key", issued.stdout)).toBe(join(out, "key.pem"));

    const inspected = await certctl(["inspect", "--json", join(out, "cert.pem")]);
    expect(jq(".certificates[0].serialNumber", inspected.stdout)).toBe(serial);

    const status = await certctl(["status", jq(".certificateRequestId", issued.stdout), "--out-dir", out, "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(jq(".status", status.stdout)).toBe("issued");
    expect(status.stderr).toBe("");

    const renew = await certctl(["renew", "--dry-run", "--force", "--json", out]);
    expect(renew.code, renew.stderr).toBe(0);
    expect(jq(".[0].status", renew.stdout)).toBe("would-renew");
    expect(jq(".[0].serialNumber", renew.stdout)).toBe(serial);

    const revoke = await certctl(["revoke", "--out-dir", out, "--reason", "superseded", "--yes", "--json"]);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(jq(".status + \" \" + .serialNumber", revoke.stdout)).toBe(`revoked ${serial}`);

    const completion = await certctl(["completion", "bash", "--json"]);
    expect(jq(".shell", completion.stdout)).toBe("bash");
    for (const res of [issued, inspected, status, renew, revoke, completion]) {
      oneDocument(res.stdout);
      expect(res.stdout).not.toMatch(ANY_ESCAPE);
    }
  });

  it("errors are one {error} document too: bad value, unknown flag, auth failure, missing file", async () => {
    const cases: Array<[string[], Record<string, string>, number]> = [
      [["issue", "--json", "--profile", server.info.profileId, "--cn", "x.localhost", "--key-algorithm", "rsa1024"], {}, 2],
      [["issue", "--json", "--cnn", "x"], {}, 2],
      [["--json", "isue"], {}, 2],
      [["issue", "--json", "--profile", server.info.profileId, "--cn", "x.localhost", "--out-dir", dir("auth")], { INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "wrong" }, 3],
      [["inspect", "--json", join(work, "missing.pem")], {}, 7],
    ];
    for (const [args, extra, code] of cases) {
      const res = await certctl(args, extra);
      expect(res.code, `${args.join(" ")}: ${res.stderr}`).toBe(code);
      const doc = oneDocument(res.stdout) as { error: { exitCode: number; message: string } };
      expect(doc.error.exitCode).toBe(code);
      // The same words a person sees on stderr.
      expect(res.stderr).toContain(doc.error.message.split(" (Did you mean")[0]);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
  });

  // dev-server --json (its one JSON line, nothing on stderr, a clean stop) is devserver.test.ts's
  // "--json prints exactly one JSON line": a dev-server process costs two CA sets' keys.
  it("dev-server --quiet prints nothing and stops cleanly", async () => {
    const quiet = await devServer(["--quiet"]);
    expect(quiet.stdout).toBe("");
    expect(quiet.stderr).toBe("");
    expect(quiet.code).toBe(0);
  });
});

describe("--quiet: nothing on stdout", () => {
  it("issue, inspect, renew, status, completion: stdout and stderr empty on success; errors still on stderr", async () => {
    const out = dir("quiet");
    const issued = await issueInto(out, ["--quiet"]);
    const ran = [
      issued,
      await certctl(["--quiet", "inspect", join(out, "cert.pem")]),
      await certctl(["renew", "--quiet", out]),
      await certctl(["completion", "zsh", "--quiet"]),
    ];
    for (const res of ran) {
      expect(res.code).toBe(0);
      expect(res.stdout).toBe("");
      expect(res.stderr).toBe("");
    }
    const failed = await certctl(["inspect", "--quiet", join(work, "missing.pem")]);
    expect(failed.code).toBe(7);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/^certctl: cannot read .*missing\.pem/);
  });
});

describe("human text and colour in a pipe", () => {
  it("results on stdout, progress on stderr, not one escape code in either", async () => {
    const out = dir("human");
    const issued = await issueInto(out);
    expect(issued.stdout).toMatch(/^Issued modes\.localhost\n/);
    expect(issued.stdout).not.toMatch(/Requesting|Generating/);
    // Plain progress lines, one per step, in the order they happen.
    const host = new URL(server.info.url).host.replaceAll(".", "\\.");
    expect(issued.stderr).toMatch(new RegExp(`^Preparing the request\nGenerating the EC_prime256v1 key locally\n` +
      `Logging in to ${host}\nLogged in to ${host}\nRequesting the certificate from ${host}\nVerified key and chain; writing files\n$`));
    const inspected = await certctl(["inspect", join(out, "fullchain.pem")]);
    const renewed = await certctl(["renew", "--dry-run", out]);
    for (const res of [issued, inspected, renewed]) {
      expect(res.code).toBe(0);
      expect(res.stdout + res.stderr).not.toMatch(ANY_ESCAPE);
    }
  });

  it("FORCE_COLOR colours a pipe; NO_COLOR and --no-color win over it", async () => {
    const cert = join(dir("colour"), "cert.pem");
    await issueInto(join(cert, ".."));
    const forced = await certctl(["inspect", cert], { FORCE_COLOR: "1" });
    expect(forced.stdout).toMatch(COLOR_SGR);
    const both = await certctl(["inspect", cert], { FORCE_COLOR: "1", NO_COLOR: "1" });
    const flag = await certctl(["--no-color", "inspect", cert], { FORCE_COLOR: "1" });
    const zero = await certctl(["inspect", cert], { FORCE_COLOR: "0" });
    for (const res of [both, flag, zero]) {
      expect(res.code).toBe(0);
      expect(res.stdout).not.toMatch(ANY_ESCAPE);
      expect(res.stdout).toMatch(/^ {2}Subject: +CN=modes\.localhost$/m);
    }
    // NO_COLOR="" is "not set" (no-color.org): the forced colour stays.
    expect((await certctl(["inspect", cert], { FORCE_COLOR: "1", NO_COLOR: "" })).stdout).toMatch(COLOR_SGR);
  });
});

/** Starts `certctl dev-server <args>` on port 0, waits until it answers HTTP, stops it with SIGTERM. */
async function devServer(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, "dev-server", "--port", "0", ...args], { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  // --quiet says nothing, so the port it was given is read from the kernel's socket table, and
  // "started" is "answers on that port".
  const port = await listeningPort(child, () => `dev-server ${args.join(" ")} did not start: ${stderr}`);
  expect((await fetch(`http://127.0.0.1:${port}/api/v1/dev/stats`)).ok).toBe(true);
  child.kill("SIGTERM");
  return { code: await closed, stdout, stderr };
}

describe("a reader that goes away (`certctl … | head -1`)", () => {
  /** Spawns certctl with its stdout a pipe whose reading end is closed before certctl writes a byte. */
  async function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), cwd: work, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    return { code, stderr };
  }

  it("ends the output, not the run: no EPIPE stack trace, the renewals finish and exit 0 stands", async () => {
    const help = await withClosedStdout(["--help"]);
    expect(help.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(help.code).toBe(0);
    const dirs = [dir("reader-gone"), dir("reader-gone")];
    for (const d of dirs) await issueInto(d);
    const before = dirs.map((d) => JSON.parse(readFileSync(join(d, "certctl.json"), "utf8")).serialNumber as string);
    const renewed = await withClosedStdout(["renew", "--force", ...dirs]);
    expect(renewed.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(renewed.code).toBe(0);
    const after = dirs.map((d) => JSON.parse(readFileSync(join(d, "certctl.json"), "utf8")).serialNumber as string);
    after.forEach((serial, i) => expect(serial).not.toBe(before[i]));
  });
});
