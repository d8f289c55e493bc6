// The agent e2e files' harness (agent-mode.test.ts, agent-auth.test.ts): two in-process dev
// servers (one with short-lived tokens), spawned agents killed after each test, a declarative
// file maker, and log-line waits (--log-format json). Call useAgentServers() at a file's top level.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { BIN, cleanEnv } from "./cli.js";
import { startLocalDevServerHandle, type LocalDevServerHandle } from "./local-devserver-handle.js";
import { certctlFileText } from "./certctl-file.js";

export const LOGIN = "POST /api/v1/auth/universal-auth/login";
export const TOKEN_RENEW = "POST /api/v1/auth/token/renew";
export const ISSUE = "POST /api/v1/cert-manager/certificates";
export const CREDENTIALS = { clientId: "agent-e2e-client", clientSecret: "agent-e2e-secret-0123456789abcdef" };

export let work: string;
export let secretFile: string;
export let server: LocalDevServerHandle;
export let shortTokens: LocalDevServerHandle;

/** The file's servers, started before its tests and stopped after; its agents killed after each test. */
export function useAgentServers(): void {
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-agent-e2e-"));
  secretFile = join(work, "client-secret");
  writeFileSync(secretFile, CREDENTIALS.clientSecret, { mode: 0o600 });
  // In the test process (the agent is the subject, spawned; the server only answers and counts).
  const start = (overrides: { tokenTtlMs?: number; tokenMaxTtlMs?: number } = {}) =>
    startLocalDevServerHandle({ credentials: { clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret }, ...overrides });
  [server, shortTokens] = await Promise.all([start(), start({ tokenTtlMs: 3_000, tokenMaxTtlMs: 8_000 })]);
}, 60_000);

afterEach(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  started.clear();
});
afterAll(async () => {
  await Promise.all([server?.stop(), shortTokens?.stop()]);
});
}

/** Every agent a test started: one left behind by a failed wait must not outlive its test. */
const started = new Set<ChildProcessWithoutNullStreams>();

let counter = 0;
export function newDir(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** A certctl file: the server and auth in the file itself (the agent's environment has none). */
export function certctlFile(target: LocalDevServerHandle, entries: string): string {
  return certctlFileText(target, { clientId: CREDENTIALS.clientId, secretFile }, entries);
}

export const entry = (name: string, extra = "") => `  - name: ${name}\n    cn: ${name}.example.com\n${extra}`;

/** Requests the server answered, its dev endpoints left out. */
export async function requests(target: LocalDevServerHandle): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await target.stats()).filter(([route]) => !route.includes("/dev/")));
}

export function metaOf(dir: string): { certificateId: string; serialNumber: string } {
  return JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as { certificateId: string; serialNumber: string };
}

/** Marks a directory revoked in its certctl.json: due at once, whatever its dates say. Written
 * atomically (temp file + rename): the running agent must never read half a file. */
export function makeDue(dir: string): void {
  const file = join(dir, "certctl.json");
  writeFileSync(`${file}.tmp`, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), revokedAt: new Date().toISOString() }, null, 2));
  renameSync(`${file}.tmp`, file);
}

export type Line = Record<string, string>;

export interface Agent {
  child: ChildProcessWithoutNullStreams;
  lines(): Line[];
  /** Lines that were not one JSON object (there must be none). */
  raw(): string[];
  waitFor(what: string, predicate: (line: Line, index: number) => boolean, timeoutMs?: number): Promise<Line>;
  /** Resolves once `n` more cycle lines were logged after this call. */
  cyclesAfterNow(n: number): Promise<Line>;
  exited: Promise<number | null>;
}

export function startAgent(file: string, cwd: string, args: string[] = []): Agent {
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

export async function stop(agent: Agent): Promise<void> {
  agent.child.kill("SIGTERM");
  expect(await agent.exited).toBe(0);
  expect(agent.lines().at(-1)).toMatchObject({ event: "stop" });
  expect(agent.raw()).toEqual([]);
}

