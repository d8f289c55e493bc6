// Progress on stderr: an ora spinner on a terminal, one plain line per change otherwise.
// ora costs ~60 ms to import, so it is loaded only when a spinner will really spin.
//
// A spinner needs a terminal of a known, sensible width. ora divides by `columns` to know how many
// lines to erase: a terminal reporting 0 columns (`script` without `stty`) made that Infinity, and
// the erase loop never ended — certctl ignored SIGTERM and grew to 400 MB. So a terminal narrower
// than MIN_SPINNER_COLUMNS (or of unknown width) gets plain lines, also when it shrinks mid-run,
// and the spinner's line is cut to the width, so it never wraps and erasing it is one line.
import type { Writable } from "node:stream";
import type { ChalkInstance } from "chalk";
import { formatDuration } from "../model/duration.js";
import { escapeControlsOneLine } from "../util/terminal.js";

/** One step of a long operation: "Waiting for approval (pending_approval) · 12s · <detail>". */
/** cli-spinners' "dots", ora's default. */
const DOTS = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface ProgressStep {
  text: string;
  /** Shown after the elapsed time: the server's pendingMessage, say. */
  detail?: string | null | undefined;
  /** When the step began (ms since epoch); the spinner then shows the time elapsed, second by second. */
  since?: number | undefined;
}

export interface UpdateOptions {
  /** Going back to an earlier step: the spinner shows it again, a log does not repeat the line. */
  redraw?: boolean;
}

export interface Progress {
  update(step: string | ProgressStep, opts?: UpdateOptions): void;
  /** Stop with a ✔ line left on stderr. */
  succeed(text?: string): void;
  /** Stop with a ✖ line left on stderr. */
  fail(text?: string): void;
  /** Stop and erase the spinner line; call it before anything is written to stdout or an error is shown. */
  stop(): void;
}

export interface ProgressOptions {
  enabled: boolean;
  spinner: boolean;
  stream: Writable;
  /** Colours for the stream (level 0: none at all, spinner frames included). */
  style: ChalkInstance;
  text: string | ProgressStep;
  now?: () => number;
}

const SILENT: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

/** Narrower than this, a spinner line would wrap on every update; plain lines read better. */
export const MIN_SPINNER_COLUMNS = 20;

/**
 * Columns a spinner line leaves free: the frame and its space, and two for the `^C` a terminal
 * echoes on Ctrl-C, which would otherwise wrap a full line so that erasing it leaves it behind.
 */
const SPINNER_MARGIN = 5;

/** The stream's width when a spinner can use it; undefined for 0, 1, a missing or a nonsense value. */
export function spinnerColumns(stream: Writable): number | undefined {
  const columns = (stream as { columns?: unknown }).columns;
  return typeof columns === "number" && Number.isInteger(columns) && columns >= MIN_SPINNER_COLUMNS ? columns : undefined;
}

export function startProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled) return SILENT;
  return opts.spinner && spinnerColumns(opts.stream) !== undefined ? spinnerProgress(opts) : plainProgress(opts);
}

/** Cut a line to `width` characters (code points), marking the cut with "…". */
function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

function toStep(step: string | ProgressStep): ProgressStep {
  return typeof step === "string" ? { text: step } : step;
}


/**
 * One step as a line. The detail usually comes from a server (a pendingMessage), so the line is
 * passed through escapeControlsOneLine: whatever a step says, it reaches the terminal without control codes.
 */
export function renderStep(step: ProgressStep, now: number, showElapsed = true): string {
  const parts = [step.text];
  if (showElapsed && step.since !== undefined) parts.push(formatDuration(Math.max(0, now - step.since), "elapsed"));
  if (step.detail) parts.push(step.detail);
  return escapeControlsOneLine(parts.join(" · "));
}

function plainProgress(opts: ProgressOptions): Progress {
  const now = opts.now ?? Date.now;
  // One line per change: a poll that says the same thing again prints nothing, so a log of a
  // ten-minute wait stays a few lines long. The elapsed time is shown once it means something.
  let last = "";
  const line = (step: ProgressStep, redraw = false) => {
    const key = renderStep(step, 0, false);
    if (key === last) return;
    last = key;
    if (redraw) return;
    const elapsed = step.since !== undefined && now() - step.since >= 1000;
    opts.stream.write(renderStep(step, now(), elapsed) + "\n");
  };
  line(toStep(opts.text));
  return {
    update: (step, o) => line(toStep(step), o?.redraw === true),
    succeed: (text) => text && opts.stream.write(`${opts.style.green("✔")} ${text}\n`),
    fail: (text) => text && opts.stream.write(`${opts.style.red("✖")} ${text}\n`),
    stop() {},
  };
}

function spinnerProgress(opts: ProgressOptions): Progress {
  type Spinner = import("ora").Ora;
  const now = opts.now ?? Date.now;
  let spinner: Spinner | undefined;
  let step = toStep(opts.text);
  let ended = false;
  // Set once the terminal became too narrow (or lost its width): plain lines from then on.
  let plain: Progress | undefined;
  // The elapsed time must move even when nothing new happens (a long approval wait).
  let ticker: NodeJS.Timeout | undefined;
  const render = () => {
    if (plain) return;
    const columns = spinnerColumns(opts.stream);
    if (columns === undefined) {
      degrade();
      return;
    }
    // Frame, space, text and one spare column: the line never wraps.
    if (spinner) spinner.text = fit(renderStep(step, now()), columns - SPINNER_MARGIN);
  };
  const degrade = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    spinner?.stop();
    spinner = undefined;
    plain = plainProgress({ ...opts, text: step });
  };
  const setTicker = () => {
    if (step.since !== undefined && !ticker) ticker = setInterval(render, 1000).unref();
    if (step.since === undefined && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
  setTicker();
  void import("ora").then(({ default: ora }) => {
    // Ended before ora loaded, or the terminal lost its width: nothing to start.
    if (ended || plain) return;
    const columns = spinnerColumns(opts.stream);
    if (columns === undefined) {
      degrade();
      return;
    }
    spinner = ora({
      text: fit(renderStep(step, now()), columns - SPINNER_MARGIN),
      stream: opts.stream as NodeJS.WriteStream,
      isEnabled: true,
      // Coloured by our own chalk (--no-color, NO_COLOR, FORCE_COLOR, TTY): ora's would also turn
      // itself off whenever CI is set in the environment, even on a real terminal.
      spinner: { interval: 80, frames: DOTS.map((frame) => opts.style.cyan(frame)) },
      color: false,
      // ora would put stdin in raw mode; certctl may be reading a CSR or a confirmation from it,
      // and the terminal's own Ctrl-C handling is what main.ts listens for.
      discardStdin: false,
    }).start();
  });
  const end = (symbol?: string, text?: string) => {
    if (ended) return;
    ended = true;
    if (plain) {
      if (symbol && text) opts.stream.write(`${symbol} ${text}\n`);
      return;
    }
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    // stop() clears the line and shows the cursor again before anything else is written.
    spinner?.stop();
    spinner = undefined;
    if (symbol && text) opts.stream.write(`${symbol} ${text}\n`);
  };
  return {
    update(next, o) {
      if (ended) return;
      step = toStep(next);
      if (plain) return plain.update(step, o);
      setTicker();
      render();
    },
    succeed: (text) => end(opts.style.green("✔"), text),
    fail: (text) => end(opts.style.red("✖"), text),
    stop: () => end(),
  };
}
