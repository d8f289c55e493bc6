// certctl agent end to end: the agent process itself is the subject. It is spawned as a user or
// a unit file would run it, driven by a declarative file with `certificates:` entries, against
// `certctl dev-server` processes whose request counters tell what it sent. No fixed sleeps:
// every wait is on a log line (--log-format json), a file, or the process's exit.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv, runCli } from "../helpers/cli.js";
import { startDevServer, type DevServerHandle } from "../helpers/devserver.js";
import { until } from "../helpers/wait.js";
import { listPending } from "../../src/store/pending.js";

const LOGIN = "POST /api/v1/auth/universal-auth/login";
const TOKEN_RENEW = "POST /api/v1/auth/token/renew";
const ISSUE = "POST /api/v1/cert-manager/certificates";
const CREDENTIALS = { clientId: "agent-e2e-client", clientSecret: "agent-e2e-secret-0123456789abcdef" };

let work: string;
let secretFile: string;
let server: DevServerHandle;
let shortTokens: DevServerHandle;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-agent-e2e-"));
  secretFile = join(work, "client-secret");
  writeFileSync(secretFile, CREDENTIALS.clientSecret, { mode: 0o600 });
  const start = (...args: string[]) => startDevServer(["--client-id", CREDENTIALS.clientId, "--client-secret-file", secretFile, ...args]);
  [server, shortTokens] = await Promise.all([start(), start("--token-ttl", "3s", "--token-max-ttl", "8s")]);
}, 60_000);

/** Every agent a test started: one left behind by a failed wait must not outlive its test. */
const started = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  started.clear();
});
afterAll(async () => {
  await Promise.all([server?.stop(), shortTokens?.stop()]);
});

let counter = 0;
function newDir(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** A certctl file: the server and auth in the file itself (the agent's environment has none). */
function certctlFile(target: DevServerHandle, entries: string): string {
  return `version: 1
server: {domain: "${target.url}"}
auth:
  client-id: ${CREDENTIALS.clientId}
  client-secret-file: ${secretFile}
defaults:
  directory: certs
  profile: default
  project: ${target.projectId}
  ttl: 30d
certificates:
${entries}`;
}

const entry = (name: string, extra = "") => `  - name: ${name}\n    cn: ${name}.example.com\n${extra}`;

/** Requests the server answered, its dev endpoints left out. */
async function requests(target: DevServerHandle): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await target.stats()).filter(([route]) => !route.includes("/dev/")));
}

function metaOf(dir: string): { certificateId: string; serialNumber: string } {
  return JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as { certificateId: string; serialNumber: string };
}

/** Marks a directory revoked in its certctl.json: due at once, whatever its dates say. Written
 * atomically (temp file + rename): the running agent must never read half a file. */
function makeDue(dir: string): void {
  const file = join(dir, "certctl.json");
  writeFileSync(`${file}.tmp`, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), revokedAt: new Date().toISOString() }, null, 2));
  renameSync(`${file}.tmp`, file);
}

type Line = Record<string, string>;

interface Agent {
  child: ChildProcessWithoutNullStreams;
  lines(): Line[];
  /** Lines that were not one JSON object (there must be none). */
  raw(): string[];
  waitFor(what: string, predicate: (line: Line, index: number) => boolean, timeoutMs?: number): Promise<Line>;
  /** Resolves once `n` more cycle lines were logged after this call. */
  cyclesAfterNow(n: number): Promise<Line>;
  exited: Promise<number | null>;
}

function startAgent(file: string, cwd: string, args: string[] = []): Agent {
  const child = spawn(process.execPath, [BIN, "agent", "-f", file, "--interval", "1s", "--log-format", "json", ...args], { cwd, env: cleanEnv(), stdio: ["pipe", "pipe", "pipe"] });
  started.add(child);
  let buffer = "";
  const parsed: Line[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        parsed.push(JSON.parse(line) as Line);
      } catch {
        raw.push(line);
      }
    }
    waiters.forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor: Agent["waitFor"] = (what, predicate, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = parsed.find(predicate);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no log line for ${what} within ${timeoutMs} ms; log:\n${[...parsed.map((l) => JSON.stringify(l)), ...raw].join("\n")}`));
      }, timeoutMs);
      waiters.add(check);
      void exited.then(() => setImmediate(() => {
        if (!waiters.has(check)) return;
        waiters.delete(check);
        clearTimeout(timer);
        reject(new Error(`the agent exited before ${what}; log:\n${[...parsed.map((l) => JSON.stringify(l)), ...raw].join("\n")}`));
      }));
      check();
    });
  return {
    child,
    exited,
    lines: () => parsed,
    raw: () => raw,
    waitFor,
    cyclesAfterNow(n) {
      const from = parsed.length;
      return waitFor(`${n} more cycle(s)`, (l, i) => i >= from && l.event === "cycle" && parsed.slice(from, i + 1).filter((x) => x.event === "cycle").length >= n);
    },
  };
}

async function stop(agent: Agent): Promise<void> {
  agent.child.kill("SIGTERM");
  expect(await agent.exited).toBe(0);
  expect(agent.lines().at(-1)).toMatchObject({ event: "stop" });
  expect(agent.raw()).toEqual([]);
}

describe("certctl agent -f <file with certificates:>", () => {
  it("issues the entries, then sends nothing; renews a due one; SIGHUP adds an entry and keeps the old file when the new one is invalid; SIGTERM exits 0; a restart issues nothing", async () => {
    const dir = newDir("converge");
    const hookLog = join(dir, "hook.log");
    const file = join(dir, "certctl.yaml");
    const web = entry("web", `    deploy-hook: echo "$CERTCTL_EVENT $CERTCTL_SERIAL" >> ${hookLog}\n`);
    writeFileSync(file, certctlFile(server, web + entry("api")));
    const before = await requests(server);

    const agent = startAgent(file, dir);
    const plan = await agent.waitFor("web planned", (l) => l.event === "plan" && l.certificate === "web");
    expect(plan.message).toMatch(/^create: no certctl\.json in /);
    const issued = await agent.waitFor("web issued", (l) => l.event === "issued" && l.certificate === "web");
    expect(issued).toMatchObject({ level: "info", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), message: expect.stringMatching(/^issued: serial [0-9a-f]+/) });
    await agent.waitFor("api issued", (l) => l.event === "issued" && l.certificate === "api");
    await agent.waitFor("the first cycle", (l) => l.event === "cycle");
    expect(readFileSync(hookLog, "utf8")).toBe(`issued ${metaOf(join(dir, "certs/web")).serialNumber}\n`);
    const afterFirst = await requests(server);
    expect((afterFirst[ISSUE] ?? 0) - (before[ISSUE] ?? 0)).toBe(2);
    expect((afterFirst[LOGIN] ?? 0) - (before[LOGIN] ?? 0)).toBe(1);

    // Idle cycles read only local files.
    await agent.cyclesAfterNow(2);
    expect(await requests(server)).toEqual(afterFirst);

    // A due certificate (here: marked revoked) is renewed; the hook hears "renewed".
    const webId = metaOf(join(dir, "certs/web")).certificateId;
    makeDue(join(dir, "certs/web"));
    await agent.waitFor("web renewed", (l) => l.event === "renewed" && l.certificate === "web");
    expect(metaOf(join(dir, "certs/web")).certificateId).not.toBe(webId);
    expect(readFileSync(hookLog, "utf8").trim().split("\n").at(-1)).toBe(`renewed ${metaOf(join(dir, "certs/web")).serialNumber}`);

    // An invalid file on SIGHUP: the old one stays in force, and the log says why.
    writeFileSync(file, certctlFile(server, web + entry("api") + "    colour: red\n"));
    agent.child.kill("SIGHUP");
    const refused = await agent.waitFor("the reload refused", (l) => l.event === "reload" && l.level === "error");
    expect(refused.message).toMatch(/^kept the previous file: certctl\.yaml:\d+: .*colour/);
    await agent.cyclesAfterNow(1);

    // SIGHUP with an added entry: issued on the reload's cycle, nothing else sent again.
    const beforeMail = await requests(server);
    writeFileSync(file, certctlFile(server, web + entry("api") + entry("mail")));
    agent.child.kill("SIGHUP");
    await agent.waitFor("the reload", (l) => l.event === "reload" && l.level === "info");
    await agent.waitFor("mail issued", (l) => l.event === "issued" && l.certificate === "mail");
    const afterMail = await requests(server);
    expect((afterMail[ISSUE] ?? 0) - (beforeMail[ISSUE] ?? 0)).toBe(1);
    expect(afterMail[LOGIN]).toBe(beforeMail[LOGIN]); // the kept login, not a new one
    await stop(agent);

    // A restart reads its state from the directories: nothing due, nothing sent, not even a login.
    const stopped = await requests(server);
    const again = startAgent(file, dir);
    await again.waitFor("two cycles", () => again.lines().filter((l) => l.event === "cycle").length >= 2);
    await stop(again);
    expect(again.lines().filter((l) => l.event === "issued" || l.event === "renewed")).toEqual([]);
    expect(again.lines().filter((l) => l.event === "plan").map((l) => `${l.certificate} ${l.message!.split(":")[0]}`)).toEqual(["web unchanged", "api unchanged", "mail unchanged"]);
    expect(await requests(server)).toEqual(stopped);
  }, 180_000);

  it("a failing entry does not stop the others: it backs off, its failure hook runs, hook output stays JSON", async () => {
    const dir = newDir("failing");
    const failLog = join(dir, "failed.log");
    const file = join(dir, "certctl.yaml");
    writeFileSync(file, certctlFile(server,
      entry("good", `    deploy-hook: echo "deployed $CERTCTL_EVENT $CERTCTL_SERIAL"\n`) +
      entry("bad", `    profile: no-such-profile\n    failure-hook: echo "$CERTCTL_EVENT $CERTCTL_NAME $CERTCTL_MESSAGE" >> ${failLog}\n`)));

    const agent = startAgent(file, dir);
    const failed = await agent.waitFor("bad failed", (l) => l.event === "failed" && l.certificate === "bad");
    expect(failed).toMatchObject({ level: "error", message: expect.stringMatching(/no-such-profile.*\(exit 4\); next try in 60s$/) });
    await agent.waitFor("good issued", (l) => l.event === "issued" && l.certificate === "good");
    const serial = metaOf(join(dir, "certs/good")).serialNumber;
    // What the deploy hook printed is a log line of its own, as JSON.
    await agent.waitFor("the hook's output", (l) => l.event === "hook-output" && l.message === `deployed issued ${serial}`);
    expect(readFileSync(failLog, "utf8")).toMatch(/^failed bad .*no-such-profile/);
    await agent.waitFor("the first cycle", (l) => l.event === "cycle");
    // The agent lives on; the failed entry waits out its backoff instead of being tried every second.
    const next = await agent.cyclesAfterNow(1);
    expect(next.message).toBe("2 certificate(s): 0 changed, 0 failed, 1 waiting to retry");
    expect(agent.child.exitCode).toBeNull();
    await stop(agent);
    expect(agent.lines().filter((l) => l.event === "failed")).toHaveLength(1);
    for (const line of agent.lines()) expect(Object.keys(line).sort()).toEqual(expect.arrayContaining(["event", "level", "message", "time"]));
  }, 120_000);

  it("a request held for approval: SIGTERM during the wait exits 0 and keeps it; the restart resumes it and sends no new request; a pending past its wait backs off without a failure hook", async () => {
    const dir = newDir("approval");
    const failLog = join(dir, "failed.log");
    const file = join(dir, "certctl.yaml");
    const held = (wait: string) => certctlFile(server, entry("held", `    profile: approval\n    wait-timeout: ${wait}\n    failure-hook: echo failed >> ${failLog}\n`));
    writeFileSync(file, held("10m"));
    const before = await requests(server);

    const agent = startAgent(file, dir);
    const requestId = await until("the pending record", async () => (await listPending(join(dir, "certs/held")))[0]);
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    expect(agent.raw()).toEqual([]);
    expect(agent.lines().filter((l) => l.event === "issued" || l.event === "failed")).toEqual([]);
    expect(await listPending(join(dir, "certs/held"))).toEqual([requestId]);

    // Still unapproved, with a short wait: pending (a warning), backing off, no failure hook.
    writeFileSync(file, held("1s"));
    const waiting = startAgent(file, dir);
    const pending = await waiting.waitFor("held pending", (l) => l.event === "pending" && l.certificate === "held");
    expect(pending).toMatchObject({ level: "warn", message: expect.stringMatching(/\(exit 5\); next try in 60s$/) });
    await stop(waiting);
    expect(existsSync(failLog)).toBe(false);

    await server.approve(requestId);
    const again = startAgent(file, dir);
    const plan = await again.waitFor("held planned", (l) => l.event === "plan" && l.certificate === "held");
    expect(plan.message).toContain(`request ${requestId} is pending: resumed, nothing new sent`);
    await again.waitFor("held issued", (l) => l.event === "issued" && l.certificate === "held");
    await stop(again);
    const after = await requests(server);
    expect((after[ISSUE] ?? 0) - (before[ISSUE] ?? 0)).toBe(1);
    expect(existsSync(join(dir, "certs/held/cert.pem"))).toBe(true);
  }, 120_000);

  it("keeps its token alive past several TTLs: renews it at 2/3 of the TTL and logs in again near the max TTL", async () => {
    const dir = newDir("tokens");
    const file = join(dir, "certctl.yaml");
    writeFileSync(file, certctlFile(shortTokens, entry("one")));
    const start = await requests(shortTokens);

    const agent = startAgent(file, dir);
    await agent.waitFor("one issued", (l) => l.event === "issued" && l.certificate === "one");
    // 3 s tokens, 8 s max TTL: renewals, then a fresh login, then renewals of that one — in that order
    // (a wake-up that came after the token expired would log in without renewing: not what this shows).
    const tokenEvents = () => agent.lines().filter((l) => l.event === "token").map((l) => (/logged in again/.test(l.message ?? "") ? "login" : /renewed/.test(l.message ?? "") ? "renew" : "other"));
    const inOrder = (wanted: string[]) => {
      let at = 0;
      for (const event of tokenEvents()) if (event === wanted[at]) at++;
      return at >= wanted.length;
    };
    await agent.waitFor("a token renewal, then a fresh login, then a renewal of that one", () => inOrder(["renew", "login", "renew"]), 60_000);
    // Well past several TTLs, the kept token still works: an entry added now is issued with it.
    writeFileSync(file, certctlFile(shortTokens, entry("one") + entry("two")));
    agent.child.kill("SIGHUP");
    await agent.waitFor("two issued", (l) => l.event === "issued" && l.certificate === "two");
    await stop(agent);
    const stats = await requests(shortTokens);
    const delta = (route: string) => (stats[route] ?? 0) - (start[route] ?? 0);
    expect(delta(TOKEN_RENEW)).toBeGreaterThanOrEqual(2);
    expect(delta(LOGIN)).toBeGreaterThanOrEqual(2);
    expect(delta(ISSUE)).toBe(2);
    expect(agent.lines().filter((l) => l.level === "error")).toEqual([]);
  }, 120_000);

  it("runs the Infisical agent's certificate-agent-config.yaml and follows a certificate-id's server-side renewals", async () => {
    const dir = newDir("infisical-agent");
    const env = { INFISICAL_DOMAIN: server.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };
    const made = await runCli(["issue", "--profile", server.profileId, "--cn", "managed.example.com", "--server-keygen", "--out-dir", "server-side", "--quiet"], { cwd: dir, env });
    expect(made.code, made.stderr).toBe(0);
    const id = metaOf(join(dir, "server-side")).certificateId;
    const idFile = join(dir, "client-id");
    writeFileSync(idFile, CREDENTIALS.clientId);
    writeFileSync(join(dir, "certificate-agent-config.yaml"), `version: v2
infisical: {address: "${server.url}"}
auth: {type: universal-auth, config: {client-id: ${idFile}, client-secret: ${secretFile}}}
certificates:
  - certificate-id: ${id}
    file-output:
      certificate: {path: host/managed.crt}
      private-key: {path: host/managed.key}
  - project-slug: certctl-dev
    profile-name: default
    attributes: {common-name: legacy.example.com, ttl: 30d}
    file-output: {certificate: {path: host/legacy.crt}, private-key: {path: host/legacy.key}}
    post-hooks: {on-issuance: {command: "echo $CERTCTL_EVENT >> ${join(dir, "legacy-hook.log")}"}}
`);
    const agent = startAgent("certificate-agent-config.yaml", dir);
    expect((await agent.waitFor("the conversion", (l) => l.event === "config")).message).toContain("the Infisical agent's format, converted");
    await agent.waitFor("managed fetched", (l) => l.event === "issued" && l.certificate === "managed");
    await agent.waitFor("legacy issued", (l) => l.event === "issued" && l.certificate === "legacy.example.com");
    expect(readFileSync(join(dir, "host/managed.crt"), "utf8")).toBe(readFileSync(join(dir, "server-side/cert.pem"), "utf8"));
    expect(readFileSync(join(dir, "legacy-hook.log"), "utf8")).toBe("issued\n");
    expect(existsSync(join(dir, "host/legacy.key"))).toBe(true);

    // The server renews the certificate (here: certctl renew on the server-side copy); the agent follows on its next cycle.
    expect((await runCli(["renew", "server-side", "--force", "--quiet"], { cwd: dir, env })).code).toBe(0);
    const renewedId = metaOf(join(dir, "server-side")).certificateId;
    const followed = await agent.waitFor("managed followed", (l) => l.event === "renewed" && l.certificate === "managed");
    expect(followed.message).toContain(`${id} → ${renewedId}`);
    expect(readFileSync(join(dir, "host/managed.crt"), "utf8")).toBe(readFileSync(join(dir, "server-side/cert.pem"), "utf8"));
    await stop(agent);
  }, 120_000);

  it("logs in with the file's machine-identity method: kubernetes in a certctl file, and the Infisical agent's kubernetes auth", async () => {
    const dir = newDir("kubernetes");
    const identity = (server as unknown as { machineIdentity: { identityId: string; jwtMintUrl: string } }).machineIdentity;
    const minted = await fetch(identity.jwtMintUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ aud: identity.identityId }) });
    writeFileSync(join(dir, "sa-token"), ((await minted.json()) as { jwt: string }).jwt);
    writeFileSync(join(dir, "identity"), identity.identityId);
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(server, entry("k8s")).replace(
      /auth:\n(  .*\n)+?defaults:/, "auth: {method: kubernetes, identity-id-file: identity, service-account-token-file: sa-token}\ndefaults:"));
    writeFileSync(join(dir, "certificate-agent-config.yaml"), `version: v1
infisical: {address: "${server.url}"}
auth: {type: kubernetes, config: {identity-id: identity, service-account-token-path: sa-token}}
certificates:
  - project-slug: certctl-dev
    profile-name: default
    attributes: {common-name: k8s-agent.example.com, ttl: 30d}
`);
    const logins = async () => (await requests(server))["POST /api/v1/auth/kubernetes-auth/login"] ?? 0;
    const before = await logins();
    for (const file of ["certctl.yaml", "certificate-agent-config.yaml"]) {
      const res = await runCli(["agent", "-f", file, "--once", "--log-format", "json"], { cwd: dir });
      expect(res.code, res.stderr).toBe(0);
      const lines = res.stderr.trim().split("\n").map((l) => JSON.parse(l) as Line);
      expect(lines.filter((l) => l.event === "issued")).toHaveLength(1);
    }
    expect(await logins()).toBe(before + 2);
    expect(existsSync(join(dir, "certs/k8s/cert.pem"))).toBe(true);
    expect(existsSync(join(dir, "certctl.d/k8s-agent.example.com/cert.pem"))).toBe(true);
  }, 120_000);

  it("names a field of another login method in the file: exit 2 with its line, nothing sent", async () => {
    const dir = newDir("auth-mismatch");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(server, entry("web")).replace("auth:\n", "auth:\n  jwt-file: some.jwt\n"));
    const before = await requests(server);
    const res = await runCli(["agent", "-f", "certctl.yaml", "--once"], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/certctl\.yaml:4: .*jwt-file applies to method jwt or oidc, not universal-auth/);
    expect(await requests(server)).toEqual(before);
  });

  it("refuses a file that fails validation at start: exit 2, the line and field named, nothing sent", async () => {
    const dir = newDir("invalid");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(server, entry("web", "    dns: [bad..name]\n")));
    const before = await requests(server);
    const res = await runCli(["agent", "-f", "certctl.yaml", "--once"], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/certctl\.yaml:\d+: certificates\[0\] \(web\): dns\[0\]/);
    expect(await requests(server)).toEqual(before);
  });
});
