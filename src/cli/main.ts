// main(argv, io) → exit code. The one top-level catch: every typed error becomes the
// exit code of the README's table and a message here, and nowhere else.
import { CommanderError, type Command } from "commander";
import { processIo, type Io } from "../util/io.js";
import { CertctlError, ExitCode, type SignalReason } from "../model/errors.js";
import { buildProgram, packageVersion } from "./program.js";
import { overviewDocument, overviewLines, usageHint, usageMessage } from "../ui/usage.js";

interface RunState {
  exitCode: number;
  json: boolean;
  /** Set when commander reports a usage error: what to run next. */
  usageHint?: string;
}

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

  const run: RunState = { exitCode: ExitCode.ok, json: argv.includes("--json") };
  try {
    const program = buildProgram(io, controller.signal, run);
    teachUsageErrors(program, run);
    if (isBareInvocation(argv, program)) {
      // `certctl` alone is someone finding their way: a short overview, not the full help (that
      // is `certctl --help`), and not an error.
      const doc = overviewDocument(program, packageVersion());
      io.stdout.write(run.json ? JSON.stringify(doc, null, 2) + "\n" : overviewLines(doc).join("\n") + "\n");
      return ExitCode.ok;
    }
    await program.parseAsync(helpForUnknownCommand(argv, program), { from: "user" });
    return run.exitCode;
  } catch (error) {
    return report(error, io, run);
  } finally {
    process.off("SIGINT", sigint);
    process.off("SIGTERM", sigterm);
  }
}

function report(error: unknown, io: Io, run: RunState): number {
  const { json } = run;
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return ExitCode.ok;
    if (error.code === "commander.help") return ExitCode.ok;
    // The message (with commander's "Did you mean" suggestion) is already on stderr.
    if (json) {
      const doc = { exitCode: ExitCode.usage, type: "UsageError", message: usageMessage(error.message), ...(run.usageHint ? { hint: run.usageHint } : {}) };
      io.stdout.write(JSON.stringify({ error: doc }) + "\n");
    }
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

/** commander's usage errors in certctl's voice, each followed by the help to read next. */
function teachUsageErrors(program: Command, run: RunState): void {
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      outputError: (text, write) => {
        run.usageHint = usageHint(command);
        write(`certctl: ${usageMessage(text)}\n${run.usageHint}\n`);
      },
    });
  }
}

/** Only known global flags (with their values), no command, no --help/--version. */
function isBareInvocation(argv: string[], program: Command): boolean {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (!token.startsWith("-") || token === "-" || token === "--") return false;
    const flag = token.split("=", 1)[0];
    const option = program.options.find((o) => o.long === flag || o.short === flag);
    // Unknown flags, --help and --version are commander's to answer.
    if (!option || option.long === "--version") return false;
    if ((option.required || option.optional) && !token.includes("=")) {
      if (i + 1 >= argv.length) return false;
      i++;
    }
  }
  return true;
}

/** `certctl help isue` is a typo like `certctl isue`: answer it with the same suggestion, not the full help. */
function helpForUnknownCommand(argv: string[], program: Command): string[] {
  const [first, second] = argv;
  if (first !== "help" || second === undefined || second.startsWith("-")) return argv;
  const known = program.commands.some((c) => c.name() === second || c.aliases().includes(second));
  return known ? argv : argv.slice(1);
}
