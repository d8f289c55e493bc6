// main(argv, io) → exit code. The one top-level catch: every typed error becomes the
// exit code of CLI.md and a message here, and nowhere else.
import { CommanderError } from "commander";
import { processIo, type Io, type SignalReason } from "./context.js";
import { CertctlError, ExitCode } from "./errors.js";
import { buildProgram } from "./program.js";

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    // A second signal means "stop now", whatever is in flight.
    if (controller.signal.aborted) process.exit(signal === "SIGINT" ? ExitCode.sigint : ExitCode.sigterm);
    controller.abort({ signal } satisfies SignalReason);
  };
  const sigint = () => onSignal("SIGINT");
  const sigterm = () => onSignal("SIGTERM");
  process.on("SIGINT", sigint);
  process.on("SIGTERM", sigterm);

  const run = { exitCode: ExitCode.ok as number, json: argv.includes("--json") };
  try {
    const program = buildProgram(io, controller.signal, run);
    if (argv.length === 0) {
      io.stdout.write(program.helpInformation());
      return ExitCode.ok;
    }
    await program.parseAsync(argv, { from: "user" });
    return run.exitCode;
  } catch (error) {
    return report(error, io, run.json);
  } finally {
    process.off("SIGINT", sigint);
    process.off("SIGTERM", sigterm);
  }
}

function report(error: unknown, io: Io, json: boolean): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (with a "Did you mean" suggestion).
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.ok;
    if (error.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage;
  }
  if (error instanceof CertctlError) {
    const out = [`certctl: ${error.message}`, ...error.lines.map((line) => `  ${line}`)];
    if (error.hint) out.push(error.hint);
    io.stderr.write(out.join("\n") + "\n");
    if (json) io.stdout.write(JSON.stringify({ error: errorDocument(error) }) + "\n");
    return error.exitCode;
  }
  const debug = io.env.CERTCTL_DEBUG === "1";
  const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  io.stderr.write(
    `certctl: internal error: ${detail}\n` +
      "This is a bug in certctl; please report it with the command you ran" +
      (debug ? ".\n" : " (CERTCTL_DEBUG=1 shows a stack trace).\n"),
  );
  if (json) io.stdout.write(JSON.stringify({ error: { exitCode: ExitCode.internal, message: detail } }) + "\n");
  return ExitCode.internal;
}

function errorDocument(error: CertctlError): Record<string, unknown> {
  const doc: Record<string, unknown> = { exitCode: error.exitCode, type: error.name, message: error.message };
  if (error.lines.length > 0) doc.details = error.lines;
  if (error.hint) doc.hint = error.hint;
  for (const key of ["certificateRequestId", "status"] as const) {
    if (key in error) doc[key] = (error as unknown as Record<string, unknown>)[key];
  }
  return doc;
}
