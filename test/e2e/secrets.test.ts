// Secrets (issue 5): with CERTCTL_DEBUG=1, a sweep over every command that talks to a server
// (issue in all three key modes, status after approval, renew with a deploy hook, revoke,
// inspect of a key, and a server that echoes our secrets back in its errors) must never show
// the token, the client secret, an access token the server issued, or a private key body —
// in stdout, stderr, certctl.json, the pending records, or the hook's argv and environment.
// The client secret is never an argv value, so `ps` cannot show it.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { rootCommand } from "../../src/cli/program.js";
import { issueCommand } from "../../src/cli/issue/define.js";
import { BIN, cleanEnv, type CliResult } from "../helpers/cli.js";
import { needsFile } from "../helpers/needs.js";
import { runMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";
import { startFaultProxy, type FaultProxy } from "../helpers/counting-server.js";
import { apiError, startScriptedServer } from "../helpers/scripted-server.js";
import { keySecrets, metadataTexts, scan, scanTotals, type Secret } from "../helpers/secret-scan.js";

let server: RunningDevServer;
let proxy: FaultProxy;
let work: string;
let secretFile: string;
let env: Record<string, string>;
const STATIC_TOKEN = "st.static-token-5f0e9a1c2b7d";

beforeAll(async () => {
  ({ server } = await startLocalDevServer());
  proxy = await startFaultProxy(server.info.url);
  work = mkdtempSync(join(tmpdir(), "certctl-secrets-"));
  secretFile = join(work, "client-secret");
  writeFileSync(secretFile, server.info.clientSecret + "\n", { mode: 0o600 });
  env = {
    INFISICAL_DOMAIN: proxy.url,
    INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId,
    INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.info.clientSecret,
    CERTCTL_DEBUG: "1",
  };
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const profile = (slug: string) => server.info.profiles.find((p) => p.slug === slug)!.id;

/** Every access token the server issued so far, read from the Authorization headers certctl sent. */
function accessTokens(): Secret[] {
  const seen = new Set<string>();
  for (const req of proxy.requests) {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
    if (bearer) seen.add(bearer);
  }
  return [...seen].map((value, i) => ({ label: `access token ${i + 1}`, value }));
}

describe("no secret in argv", () => {
  it("there is no --client-secret flag anywhere; the secret comes from the environment or a file", async () => {
    const names = [rootCommand(), issueCommand()].flatMap((c) => c.options.map((o) => o.long));
    expect(names).toContain("--client-secret-file");
    expect(names).not.toContain("--client-secret");
    const res = await runMain(["--client-secret", "argv-secret-value-123", "issue", "--profile", profile("default"), "--cn", "a.example.com"], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown option '--client-secret'/);
    expect(res.stderr + res.stdout).not.toContain("argv-secret-value-123");
    const help = await runMain(["--help"]);
    expect(help.stdout).not.toMatch(/--client-secret(?!-file)/);
  });

  const PROC = needsFile("/proc/self/cmdline", "what ps shows is read from /proc on Linux");
  it.skipIf(PROC.missing)(`ps shows neither the client secret nor the access token of a running certctl${PROC.why}`, async () => {
    const out = join(work, "ps");
    const child = spawn(process.execPath, [BIN, "--client-secret-file", secretFile, "issue", "--profile", profile("approval"), "--cn", "ps.example.com", "--out-dir", out],
      { env: cleanEnv({ ...env, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: undefined }) });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    await until("the waiting line", () => /pending_approval/.test(stderr));
    // What `ps -ef` / `ps aux` shows is /proc/<pid>/cmdline.
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").join(" ");
    expect(cmdline).toContain("issue");
    const secrets = [{ label: "client secret", value: server.info.clientSecret }, ...accessTokens()];
    expect(secrets.length).toBeGreaterThan(1);
    expect(scan({ cmdline }, secrets)).toEqual([]);
    child.kill("SIGTERM");
    expect(await closed).toBe(143);
  });
});

describe("a sweep of every server-facing command with CERTCTL_DEBUG=1", () => {
  it("finds no token, client secret, access token or private key body anywhere", { timeout: 120_000 }, async () => {
    const runs: Array<[string, CliResult]> = [];
    const run = async (label: string, args: string[], extraEnv: Record<string, string | undefined> = {}, expected = 0) => {
      const res = await runMain(args, { env: { ...env, ...extraEnv }, cwd: work });
      expect(res.code, `${label}\n${res.stderr}`).toBe(expected);
      // Debug really was on for every run that talked to a server (inspect never does).
      if (!args.includes("inspect")) expect(res.stderr, label).toMatch(/certctl: debug: /);
      runs.push([label, res]);
      return res;
    };
    const csrFile = join(work, "ext.csr");
    execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(work, "ext.key"),
      "-subj", "/CN=csr.example.com", "-out", csrFile], { stdio: "pipe" });
    const dirs = { local: join(work, "local"), keygen: join(work, "keygen"), csr: join(work, "csr"), pending: join(work, "pending"), relogin: join(work, "relogin") };

    await Promise.all([
      run("issue local key", ["issue", "--profile", profile("default"), "--cn", "s1.example.com", "--out-dir", dirs.local]),
      run("issue --server-keygen --json", ["--json", "issue", "--profile", profile("default"), "--cn", "s2.example.com", "--server-keygen", "--out-dir", dirs.keygen]),
      run("issue --csr", ["issue", "--profile", profile("default"), "--csr", csrFile, "--out-dir", dirs.csr]),
      run("a refused --token, client credentials set (re-login)", ["--token", STATIC_TOKEN, "issue", "--profile", profile("default"), "--cn", "s4.example.com", "--out-dir", join(work, "relogin")]),
      run("a refused --token alone", ["--token", STATIC_TOKEN, "issue", "--profile", profile("default"), "--cn", "s5.example.com", "--out-dir", join(work, "refused")],
        { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: undefined, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: undefined }, 3),
      run("issue approval --no-wait", ["--client-secret-file", secretFile, "issue", "--profile", profile("approval"), "--cn", "s3.example.com", "--out-dir", dirs.pending, "--no-wait"],
        { INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "" }, 5),
    ]);
    const [id] = readdirSync(join(dirs.pending, ".certctl", "pending")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
    const pendingKey = readFileSync(join(dirs.pending, ".certctl", "pending", `${id}.key.pem`), "utf8");
    await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${id}/approve`, { method: "POST" });
    await run("status after approval", ["status", id!, "--out-dir", dirs.pending]);

    const hookLog = join(work, "hook.log");
    const hook = `printf '%s\\n' "argv: $0 $*" >> ${hookLog}; env >> ${hookLog}`;
    await run("renew --force with a deploy hook", ["renew", dirs.local, "--force", "--deploy-hook", hook]);
    expect(readFileSync(hookLog, "utf8")).toMatch(/CERTCTL_CERT_FILE=/);
    // Issue 16: inspect describes key.pem (type, public key), never its content; the sweep checks the latter.
    await run("inspect key.pem", ["inspect", join(dirs.local, "key.pem")], {}, 0);
    await run("revoke --yes", ["revoke", "--out-dir", dirs.keygen, "--reason", "superseded", "--yes"]);

    const texts: Record<string, string> = { "deploy hook argv and environment": readFileSync(hookLog, "utf8") };
    for (const [label, res] of runs) Object.assign(texts, { [`${label}: stdout`]: res.stdout, [`${label}: stderr`]: res.stderr });
    for (const dir of Object.values(dirs)) Object.assign(texts, metadataTexts(dir));

    const secrets: Secret[] = [
      { label: "client secret", value: server.info.clientSecret },
      { label: "static token", value: STATIC_TOKEN },
      ...accessTokens(),
      ...keySecrets("pending key", pendingKey),
    ];
    for (const [name, dir] of Object.entries(dirs)) {
      if (existsSync(join(dir, "key.pem"))) secrets.push(...keySecrets(`${name} key.pem`, readFileSync(join(dir, "key.pem"), "utf8")));
    }
    // The server-generated key came over the wire in the issue answer and the bundle: scan for that too.
    expect(secrets.filter((s) => s.label.startsWith("keygen key.pem")).length).toBeGreaterThan(2);
    expect(accessTokens().length).toBeGreaterThanOrEqual(1);
    expect(scan(texts, secrets)).toEqual([]);
    console.log(`secret sweep: ${runs.length} runs, ${Object.keys(texts).length} texts, ${secrets.length} secrets, ${scanTotals.found} found`);
  });

  it("a server that echoes our secrets back in its errors is redacted", async () => {
    const scripted = await startScriptedServer();
    const fakeKey = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgEchoedKeyBodyLine1\nEchoedKeyBodyLine2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n-----END PRIVATE KEY-----";
    try {
      scripted.on("POST /api/v1/auth/universal-auth/login", (req) => apiError(401, "UnauthorizedError", `bad login, you sent ${req.body}`));
      scripted.on("POST /api/v1/cert-manager/certificates", (req) =>
        apiError(400, "BadRequest", `rejected request with ${String(req.headers.authorization)} and key ${fakeKey}`));
      const withCreds = await runMain(["issue", "--profile", profile("default"), "--cn", "e.example.com", "--out-dir", join(work, "echo1")],
        { env: { ...env, INFISICAL_DOMAIN: scripted.url } });
      const withToken = await runMain(["issue", "--profile", profile("default"), "--cn", "e.example.com", "--out-dir", join(work, "echo2")],
        { env: { INFISICAL_DOMAIN: scripted.url, INFISICAL_TOKEN: STATIC_TOKEN, CERTCTL_DEBUG: "1" } });
      expect(withCreds.code).toBe(3);
      expect(withToken.code).toBe(4);
      expect(withCreds.stderr).toMatch(/bad login/);
      expect(withToken.stderr).toMatch(/rejected request with/);
      const found = scan({ creds: withCreds.stderr + withCreds.stdout, token: withToken.stderr + withToken.stdout }, [
        { label: "client secret", value: server.info.clientSecret },
        { label: "static token", value: STATIC_TOKEN },
        { label: "echoed key line 1", value: "EchoedKeyBodyLine1" },
        { label: "echoed key line 2", value: "EchoedKeyBodyLine2" },
      ]);
      expect(found).toEqual([]);
    } finally {
      await scripted.close();
    }
  });
});
