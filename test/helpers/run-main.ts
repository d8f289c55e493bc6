// Run certctl in the test process: main(argv, io) with captured streams, its own environment and
// working directory. For argv-level tests (bad input, help, usage errors, JSON error documents,
// output without a TTY), where a spawned node per case costs ~150 ms quiet and seconds under load
// and tests nothing more. Spawn (helpers/cli.ts) when the process itself is the subject: signals,
// a TTY, a crash, locks held by another process, `ps`, the bin shim.
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { Io } from "../../src/util/io.js";
import { cleanEnv, type CliResult } from "./cli.js";

export interface MainOptions {
  /** Added to a clean environment, as in runCli (no INFISICAL_* / CERTCTL_* of the machine). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** What the command reads on stdin; empty by default (never the test process's own stdin). */
  stdin?: string;
  /** Which streams the command is told are terminals (a real pseudo-terminal needs tty.ts). */
  tty?: { stdout?: boolean; stderr?: boolean; stdin?: boolean };
}

/** main(argv, io) in-process; the result has the shape of runCli's (signal always null). */
export function runMain(argv: string[], opts: MainOptions = {}): Promise<CliResult> {
  return startMain(argv, opts).done;
}

export interface RunningMain {
  /** What the command wrote so far: wait on a line (helpers/wait.ts until) instead of sleeping. */
  stdout(): string;
  stderr(): string;
  done: Promise<CliResult>;
}

/** main(argv, io) in-process, watched while it runs (e.g. approve once `status --wait` printed pending_approval). */
export function startMain(argv: string[], opts: MainOptions = {}): RunningMain {
  const stdout = capture();
  const stderr = capture();
  const io: Io = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
    env: cleanEnv(opts.env),
    cwd: opts.cwd ?? process.cwd(),
    stdoutIsTTY: opts.tty?.stdout ?? false,
    stderrIsTTY: opts.tty?.stderr ?? false,
    stdinIsTTY: opts.tty?.stdin ?? false,
  };
  // Each overlapping run holds its own pair of listeners until it ends: not a leak, so no warning.
  if (++inFlight + 10 > process.getMaxListeners()) process.setMaxListeners(inFlight + 10);
  const done = main(argv, io).finally(() => inFlight--).then((code) => {
    if (inFlight === 0) checkSignalListeners(argv);
    return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
  });
  return { stdout: stdout.text, stderr: stderr.text, done };
}

let inFlight = 0;
const atStart = { SIGINT: process.listenerCount("SIGINT"), SIGTERM: process.listenerCount("SIGTERM") };
/** Listeners a module adds once per process (proper-lockfile's signal-exit hook releases locks on exit). */
const ONCE_PER_PROCESS = 1;

/**
 * main adds a SIGINT and a SIGTERM listener per run and must remove them: a leak would pile up
 * across the hundreds of runs in one worker (and swallow a real Ctrl-C). Runs may overlap
 * (describe.concurrent), so this is checked when none is in flight.
 */
function checkSignalListeners(argv: string[]): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const listeners = process.listeners(signal);
    const mains = listeners.filter((l) => l.name === signal.toLowerCase());
    if (mains.length > 0 || listeners.length > atStart[signal] + ONCE_PER_PROCESS) {
      throw new Error(`main(${JSON.stringify(argv)}) left ${signal} listeners behind: ${listeners.length} (${atStart[signal]} before any run)`);
    }
  }
}

function capture(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}
