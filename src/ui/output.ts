// Results on stdout, progress and warnings on stderr. Under --json stdout holds exactly
// one JSON document; under --quiet stdout holds nothing.
import type { ChalkInstance } from "chalk";
import type { Io } from "../util/io.js";
import { colorLevel, makeChalk } from "./color.js";
import { startProgress, type Progress, type ProgressStep } from "./progress.js";

export type OutputMode = "human" | "json" | "quiet";

/** What output needs of a command's context: the streams and the output flags. */
export interface OutputContext {
  io: Io;
  globals: { json?: boolean; quiet?: boolean; color: boolean };
}

export interface Output {
  readonly mode: OutputMode;
  /** Colours for stdout text (identity functions when colour is off). */
  readonly style: ChalkInstance;
  /** Colours for stderr text. */
  readonly errStyle: ChalkInstance;
  /** The final result: `human()` lines on stdout, or `doc` as JSON, or nothing. */
  result(doc: unknown, human: () => string | string[]): void;
  /** A progress or status line on stderr; silent under --json and --quiet. */
  info(message: string): void;
  /** A warning on stderr; silent only under --quiet. */
  warn(message: string): void;
  /** A spinner on a terminal, plain lines otherwise, nothing under --json/--quiet. */
  progress(text: string | ProgressStep): Progress;
}

export function createOutput(ctx: OutputContext): Output {
  const { io, globals } = ctx;
  const mode: OutputMode = globals.json ? "json" : globals.quiet ? "quiet" : "human";
  const style = makeChalk(colorLevel({ color: globals.color, isTTY: io.stdoutIsTTY, env: io.env }));
  const errStyle = makeChalk(colorLevel({ color: globals.color, isTTY: io.stderrIsTTY, env: io.env }));
  return {
    mode,
    style,
    errStyle,
    result(doc, human) {
      if (mode === "json") io.stdout.write(JSON.stringify(doc, null, 2) + "\n");
      else if (mode === "human") {
        const text = human();
        const lines = Array.isArray(text) ? text : [text];
        if (lines.length > 0) io.stdout.write(lines.join("\n") + "\n");
      }
    },
    info(message) {
      if (mode === "human") io.stderr.write(message + "\n");
    },
    warn(message) {
      if (mode !== "quiet") io.stderr.write(`${errStyle.yellow("warning:")} ${message}\n`);
    },
    progress(text) {
      return startProgress({
        enabled: mode === "human",
        spinner: io.stderrIsTTY && mode === "human",
        stream: io.stderr,
        style: errStyle,
        text,
      });
    },
  };
}
