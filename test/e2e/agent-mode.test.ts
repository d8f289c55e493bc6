// certctl agent end to end: the real CLI as a child process against `certctl dev-server`
// processes. No fixed sleeps: every wait is on a log line, a file or the server's stats.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv, runCli } from "../helpers/cli.js";
import { startDevServer, type DevServerHandle } from "../helpers/devserver.js";

const LOGIN = "POST /api/v1/auth/universal-auth/login";
const TOKEN_RENEW = "POST /api/v1/auth/token/renew";

let work: string;
let server: DevServerHandle;
let shortTokens: DevServerHandle;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-agent-e2e-"));
  [server, shortTokens] = await Promise.all([startDevServer(), startDevServer(["--token-ttl", "2s", "--token-max-ttl", "5s"])]);
}, 60_000);
/** Every agent a test started: one left behind by a failed wait must not outlive the run. */
const started = new Set<ChildProcessWithoutNullStreams>();
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all([server?.stop(), shortTokens?.stop()]);
});

function envFor(target: DevServerHandle): Record<string, string> {
  return { INFISICAL_DOMAIN: target.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: target.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: target.clientSecret };
}

async function issue(target: DevServerHandle, dir: string, hook?: string): Promise<void> {
  const res = await runCli(["issue", "--profile", target.profileId, "--cn", "agent.localhost", "--ttl", "30d", "--out-dir", dir, "--quiet", ...(hook ? ["--deploy-hook", hook] : [])], { env: envFor(target) });
  expect(res.code, res.stderr).toBe(0);
}

/** Marks a directory revoked in its certctl.json: due at once, whatever its dates say. */
function makeDue(dir: string): void {
  const file = join(dir, "certctl.json");
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), revokedAt: new Date().toISOString() }, null, 2));
}

function certificateId(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as { certificateId: string }).certificateId;
}

/** Certificate renewals (the route's name carries its path pattern). */
function renewals(stats: Record<string, number>): number {
  return Object.entries(stats).filter(([route]) => route.startsWith("POST /api/v1/cert-manager/certificates/") && route.endsWith("/renew")).reduce((n, [, c]) => n + c, 0);
}

interface Agent {
  child: ChildProcessWithoutNullStreams;
  lines(): Array<Record<string, string>>;
  waitFor(what: string, predicate: (line: Record<string, string>) => boolean, timeoutMs?: number): Promise<Record<string, string>>;
  exited: Promise<number | null>;
}

function startAgent(file: string, target: DevServerHandle, args: string[] = []): Agent {
  const child = spawn(process.execPath, [BIN, "agent", "-f", file, "--interval", "1s", "--log-format", "json", ...args], { env: cleanEnv(envFor(target)), stdio: ["pipe", "pipe", "pipe"] });
  started.add(child);
  let buffer = "";
  const parsed: Array<Record<string, string>> = [];
  const waiters = new Set<() => void>();
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        parsed.push(JSON.parse(line) as Record<string, string>);
      } catch {
        parsed.push({ raw: line });
      }
    }
    waiters.forEach((w) => w());
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    lines: () => parsed,
    waitFor(what, predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = parsed.find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no log line for ${what} within ${timeoutMs} ms; log:\n${parsed.map((l) => JSON.stringify(l)).join("\n")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

describe("certctl agent", () => {
  it("converges, picks up a changed file on SIGHUP, exits 0 on SIGTERM, and re-issues nothing after a restart", async () => {
    const rootA = join(work, "a");
    const rootB = join(work, "b");
    mkdirSync(rootA);
    mkdirSync(rootB);
    const hookLog = join(work, "hook.log");
    await Promise.all([
      issue(server, join(rootA, "web"), `echo "$CERTCTL_EVENT $CERTCTL_SERIAL" >> ${hookLog}`),
      issue(server, join(rootA, "api")),
      issue(server, join(rootB, "mail")),
    ]);
    const before = { web: certificateId(join(rootA, "web")), api: certificateId(join(rootA, "api")), mail: certificateId(join(rootB, "mail")) };
    makeDue(join(rootA, "web"));
    makeDue(join(rootB, "mail"));
    const file = join(work, "certctl.yaml");
    writeFileSync(file, `version: 1\ndefaults:\n  directory: ${rootA}\n`);

    const agent = startAgent(file, server);
    const renewed = await agent.waitFor("web renewed", (l) => l.event === "renewed" && l.certificate === "web");
    expect(renewed).toMatchObject({ level: "info", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    await agent.waitFor("a cycle", (l) => l.event === "cycle");
    expect(certificateId(join(rootA, "web"))).not.toBe(before.web);
    expect(certificateId(join(rootA, "api"))).toBe(before.api);
    // The hook ran with the event name and the new certificate's variables.
    expect(readFileSync(hookLog, "utf8").trim()).toMatch(/^renewed [0-9a-f]+$/);

    writeFileSync(file, `version: 1\ndefaults:\n  directory: ${rootB}\n`);
    agent.child.kill("SIGHUP");
    await agent.waitFor("reload", (l) => l.event === "reload" && l.level === "info");
    await agent.waitFor("mail renewed", (l) => l.event === "renewed" && l.certificate === "mail");
    expect(certificateId(join(rootB, "mail"))).not.toBe(before.mail);

    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    expect(agent.lines().at(-1)).toMatchObject({ event: "stop" });

    // A restart reads its state from the directories: nothing is due, nothing is sent.
    const stats = await server.stats();
    writeFileSync(file, `version: 1\ndefaults:\n  directory: ${rootA}\n`);
    const again = startAgent(file, server);
    await again.waitFor("two cycles", () => again.lines().filter((l) => l.event === "cycle").length >= 2);
    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);
    expect(again.lines().filter((l) => l.event === "renewed" || l.event === "issued")).toEqual([]);
    const after = await server.stats();
    expect(Object.fromEntries(Object.entries(after).filter(([route]) => !route.includes("/dev/")))).toEqual(Object.fromEntries(Object.entries(stats).filter(([route]) => !route.includes("/dev/"))));
  }, 120_000);

  it("keeps its token alive past several TTLs: renews it at 2/3 of the TTL and logs in again near the max TTL", async () => {
    const root = join(work, "tokens");
    mkdirSync(root);
    await issue(shortTokens, join(root, "one"));
    await issue(shortTokens, join(root, "two"));
    makeDue(join(root, "one"));
    const file = join(work, "tokens.yaml");
    writeFileSync(file, JSON.stringify({ version: 1, defaults: { directory: root } }));
    const start = await shortTokens.stats();

    const agent = startAgent(file, shortTokens);
    await agent.waitFor("one renewed", (l) => l.event === "renewed" && l.certificate === "one");
    // 2 s tokens, 5 s max TTL: renewals, then a fresh login, then renewals of that one.
    await agent.waitFor("a token renewal", (l) => l.event === "token" && /renewed/.test(l.message ?? ""));
    await agent.waitFor("a fresh login", (l) => l.event === "token" && /logged in again/.test(l.message ?? ""), 30_000);
    await agent.waitFor("a renewal after it", () => {
      const token = agent.lines().filter((l) => l.event === "token").map((l) => l.message ?? "");
      const login = token.findIndex((m) => /logged in again/.test(m));
      return login >= 0 && token.slice(login + 1).some((m) => /renewed/.test(m));
    }, 30_000);
    // Well past several TTLs, the agent still works with the token it kept alive.
    makeDue(join(root, "two"));
    await agent.waitFor("two renewed", (l) => l.event === "renewed" && l.certificate === "two");
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    const stats = await shortTokens.stats();
    const delta = (route: string) => (stats[route] ?? 0) - (start[route] ?? 0);
    expect(delta(TOKEN_RENEW)).toBeGreaterThanOrEqual(2);
    expect(delta(LOGIN)).toBeGreaterThanOrEqual(2);
    expect(agent.lines().filter((l) => l.level === "error")).toEqual([]);
    expect(renewals(stats) - renewals(start)).toBe(2);
  }, 120_000);

  it("refuses a file without defaults.directory with exit 2, naming the key", async () => {
    const file = join(work, "empty.yaml");
    writeFileSync(file, "version: 1\n");
    const res = await runCli(["agent", "-f", file, "--once"], { env: envFor(server) });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("defaults.directory");
  });
});
