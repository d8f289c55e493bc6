// Spawn the real CLI (bin/certctl.js → dist/) as a user or a script would.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WAIT_DEADLINE_MS } from "./wait.js";

export const BIN = fileURLToPath(new URL("../../bin/certctl.js", import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to a clean environment (no INFISICAL_* from the developer's shell leaks in). */
  env?: Record<string, string | undefined>;
  input?: string;
  /** Kill a run still going after this long (a hang, not a slow machine: RSA-3072 keygen took 60 s under load). */
  timeoutMs?: number;
  /** Options for node itself, before the script (e.g. --import of a loader hook). */
  nodeArgs?: string[];
}

/** Environment without any INFISICAL_* / CERTCTL_* variables of the machine running the tests. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(INFISICAL_|CERTCTL_|HTTPS?_PROXY|NO_PROXY|FORCE_COLOR|NO_COLOR)/i.test(key)) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], {
      cwd: opts.cwd ?? process.cwd(),
      env: cleanEnv(opts.env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timeoutMs = opts.timeoutMs ?? WAIT_DEADLINE_MS;
    const timer = setTimeout(() => {
      stderr += `\n[runCli: killed after ${timeoutMs} ms]\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
  });
}
