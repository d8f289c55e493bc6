// The process as a command sees it: streams, environment, working directory and which streams are
// terminals. A seam, so tests run a command in a temp dir with captured output.
import type { Readable, Writable } from "node:stream";
import { isatty } from "node:tty";

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

export function processIo(): Io {
  for (const stream of [process.stdout, process.stderr]) {
    if (!stream.listeners("error").includes(dropOutputToClosedReader)) stream.on("error", dropOutputToClosedReader);
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Read only by the commands that take stdin: making the stream costs ~10 ms at every start.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: isatty(0),
  };
}

/**
 * A reader that went away (`certctl --help | head -1`) ends the output, not the run: a renewal
 * in progress finishes, its exit code stands, and no stack trace is printed. Any other write
 * error is as fatal as before.
 */
function dropOutputToClosedReader(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
}
