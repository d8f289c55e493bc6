// Lifecycle defects around status, hooks and revoke, against `certctl dev-server` (and a scripted
// hostile server where the dev server cannot misbehave). certctl and the servers run in-process
// (main(argv, io)); only the revoke prompt spawns certctl, in a terminal.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { DAY_MS, startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";
import { apiError, startScriptedServer } from "../helpers/scripted-server.js";
import { certctlCommand, hasTmux, startTty } from "../helpers/tty.js";

const CREDENTIALS = { clientId: "lifecycle-cmd-client", clientSecret: "lifecycle-cmd-secret-0123456789abcdef" };
const AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };

let work: string;
let due: LocalDevServerHandle;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-lifecycle-cmd-"));
  due = await startLocalDevServerHandle({ credentials: CREDENTIALS, backdateMs: 25 * DAY_MS });
});
afterAll(async () => {
  await due?.stop();
});

let counter = 0;
function newDir(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runMain(args, { cwd: work, env: { ...AUTH_ENV, INFISICAL_DOMAIN: due.url, ...env } });
}

async function issued(dir: string, extra: string[] = []): Promise<void> {
  const res = await cli(["issue", "--profile", due.profileId, "--cn", "cmd.example.com", "--dns", "cmd.example.com", "--ttl", "30d", "--out-dir", dir, "--quiet", ...extra]);
  expect(res.code, res.stderr).toBe(0);
}

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
}

describe("status", () => {
  it("a request id that is not a UUID is exit 2 and nothing is sent", async () => {
    const before = await due.stats();
    const res = await cli(["status", "not-a-uuid", "--out-dir", newDir("status-bad")]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("<certificateRequestId>");
    expect(await due.stats()).toEqual(before);
  });

  it("--json while pending prints the request document (status readable by jq) and exits 5; the wrong directory is not hinted", async () => {
    const dir = newDir("status-pending");
    const res = await cli(["issue", "--profile", due.profile("approval"), "--cn", "cmd.example.com", "--out-dir", dir, "--no-wait", "--json"]);
    expect(res.code).toBe(5);
    const id = (JSON.parse(res.stdout) as { error: { certificateRequestId: string } }).error.certificateRequestId;
    const json = await cli(["status", id, "--out-dir", dir, "--json"]);
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: "pending_approval", certificateRequestId: id, written: false });

    const elsewhere = newDir("status-elsewhere");
    const human = await cli(["status", id, "--out-dir", elsewhere]);
    expect(human.code).toBe(5);
    expect(human.stderr).not.toContain("--no-wait");
    expect(human.stderr).not.toContain(`--out-dir ${elsewhere}`);
    expect(human.stderr).toMatch(/No pending record for this request in/);
  });
});

describe("hooks", () => {
  it("--pre-hook and --post-hook run once per run over many directories; the deploy hook recorded at issue time runs per directory", async () => {
    const dirs = [newDir("hooks-a"), newDir("hooks-b"), newDir("hooks-c")];
    const log = join(work, `hooks-${counter}.log`);
    await Promise.all(dirs.map((dir) => issued(dir, ["--deploy-hook", `echo "deploy $CERTCTL_DIR" >> '${log}'`])));
    expect(JSON.parse(readFileSync(join(dirs[0]!, "certctl.json"), "utf8"))).toMatchObject({ deployHook: expect.stringContaining("deploy") });
    const res = await cli(["renew", ...dirs, "--pre-hook", `echo pre >> '${log}'`, "--post-hook", `echo post >> '${log}'`, "--concurrency", "3"]);
    expect(res.code, res.stderr).toBe(0);
    const seen = lines(log);
    expect(seen.filter((l) => l === "pre")).toHaveLength(1);
    expect(seen.filter((l) => l === "post")).toHaveLength(1);
    expect(seen[0]).toBe("pre");
    expect(seen.at(-1)).toBe("post");
    expect(seen.filter((l) => l.startsWith("deploy ")).sort()).toEqual(dirs.map((d) => `deploy ${d}`).sort());
  });

  it("renew --deploy-hook replaces the recorded one; no hook runs when nothing was renewed", async () => {
    const dir = newDir("hooks-override");
    const log = join(work, `hooks-override-${counter}.log`);
    await issued(dir, ["--deploy-hook", `echo recorded >> '${log}'`]);
    const res = await cli(["renew", dir, "--deploy-hook", `echo given >> '${log}'`, "--post-hook", `echo post >> '${log}'`]);
    expect(res.code, res.stderr).toBe(0);
    expect(lines(log)).toEqual(["given", "post"]);
    // Not due (the server backdates by 25 of 30 days, so only a short --renew-before leaves it alone): no hook runs.
    const again = await cli(["renew", dir, "--renew-before", "1h", "--pre-hook", `echo pre >> '${log}'`, "--post-hook", `echo post >> '${log}'`]);
    expect(again.code).toBe(0);
    expect(lines(log)).toEqual(["given", "post"]);
  });
});

describe("a server's request id is the server's fault", () => {
  it("a certificateRequestId that is not a UUID exits 4, is not printed, and names no file", async () => {
    const hostile = await startScriptedServer();
    try {
      hostile.on("POST /api/v1/auth/universal-auth/login", { body: { accessToken: "scripted-token-0123456789", expiresIn: 3600, tokenType: "Bearer" } });
      hostile.on("POST /api/v1/cert-manager/certificates", { body: { certificate: null, certificateRequestId: "../../x$(touch pwned)", status: "pending_approval", message: "wait" } });
      hostile.on("GET /api/v1/cert-manager/certificate-requests/*", apiError(404, "NotFound", "nope"));
      const dir = newDir("hostile-id");
      const res = await runMain(["issue", "--profile", "8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e", "--cn", "x.example.com", "--out-dir", dir, "--no-wait"], {
        cwd: work, env: { ...AUTH_ENV, INFISICAL_DOMAIN: hostile.url },
      });
      expect(res.code).toBe(4);
      expect(res.stdout + res.stderr).not.toContain("touch pwned");
      expect(existsSync(join(dir, ".certctl", "pending"))).toBe(false);
    } finally {
      await hostile.close();
    }
  });
});

describe.skipIf(!hasTmux())("revoke prompt (needs tmux for a terminal)", () => {
  it("Ctrl-C at the prompt exits 130; a declined prompt says it was cancelled and exits 2; nothing is revoked", async () => {
    const dir = newDir("revoke-prompt");
    await issued(dir);
    const env = { ...AUTH_ENV, INFISICAL_DOMAIN: due.url };
    const revokeArgs = ["revoke", "--out-dir", dir, "--reason", "superseded"];
    const before = (await due.stats())["POST /api/v1/cert-manager/certificates/:id/revoke"] ?? 0;

    const interrupted = startTty(certctlCommand(revokeArgs), { cwd: work, env });
    try {
      await interrupted.waitFor(/\[y\/N\]/);
      interrupted.sendKeys("C-c");
      expect(await interrupted.exitCode()).toBe(130);
      expect(interrupted.screen()).toMatch(/\[y\/N\]\s*\n.*cancelled/);
    } finally {
      interrupted.close();
    }

    const declined = startTty(certctlCommand(revokeArgs), { cwd: work, env });
    try {
      await declined.waitFor(/\[y\/N\]/);
      declined.sendKeys("n", "Enter");
      expect(await declined.exitCode()).toBe(2);
      expect(declined.screen()).toMatch(/cancelled/);
    } finally {
      declined.close();
    }
    expect((await due.stats())["POST /api/v1/cert-manager/certificates/:id/revoke"] ?? 0).toBe(before);
  });
});
