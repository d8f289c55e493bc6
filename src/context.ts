// What every command receives: the process's streams and environment (a seam so tests
// can run a command in a temp dir with captured output), the global options, and a
// signal that is aborted on SIGINT/SIGTERM.
import type { Readable, Writable } from "node:stream";

export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
}

/** Global flags, as commander hands them over (strings until resolved). */
export interface GlobalOptions {
  domain?: string;
  token?: string;
  clientId?: string;
  clientSecretFile?: string;
  cacert?: string;
  timeout: string;
  retries: string;
  insecureHttp?: boolean;
  json?: boolean;
  quiet?: boolean;
  /** false with --no-color */
  color: boolean;
}

/** The reason an interrupted run was aborted with. */
export interface SignalReason {
  signal: "SIGINT" | "SIGTERM";
}

export function isSignalReason(value: unknown): value is SignalReason {
  return typeof value === "object" && value !== null && "signal" in value;
}

export interface CommandContext {
  io: Io;
  globals: GlobalOptions;
  signal: AbortSignal;
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
  };
}
