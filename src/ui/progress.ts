// Progress on stderr: an ora spinner on a terminal, one plain line per change otherwise.
// ora costs ~60 ms to import, so it is loaded only when a spinner will really spin.
import type { Writable } from "node:stream";

export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  enabled: boolean;
  spinner: boolean;
  stream: Writable;
  color: boolean;
  text: string;
}

const SILENT: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

export function startProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled) return SILENT;
  return opts.spinner ? spinnerProgress(opts) : plainProgress(opts);
}

function plainProgress(opts: ProgressOptions): Progress {
  let last = "";
  const line = (text: string) => {
    if (text !== last) opts.stream.write(text + "\n");
    last = text;
  };
  line(opts.text);
  return {
    update: line,
    succeed: (text) => text && line(text),
    fail: (text) => text && line(text),
    stop() {},
  };
}

function spinnerProgress(opts: ProgressOptions): Progress {
  type Spinner = import("ora").Ora;
  let spinner: Spinner | undefined;
  let text = opts.text;
  let ended: { kind: "succeed" | "fail" | "stop"; text?: string | undefined } | undefined;
  const finish = (s: Spinner) => {
    if (!ended) return;
    if (ended.kind === "succeed") s.succeed(ended.text);
    else if (ended.kind === "fail") s.fail(ended.text);
    else s.stop();
  };
  void import("ora").then(({ default: ora }) => {
    spinner = ora({ text, stream: opts.stream as NodeJS.WriteStream, isEnabled: true, color: "cyan" }).start();
    if (!opts.color) spinner.color = "white";
    finish(spinner);
  });
  return {
    update(next) {
      text = next;
      if (spinner) spinner.text = next;
    },
    succeed(next) {
      ended = { kind: "succeed", text: next };
      if (spinner) finish(spinner);
    },
    fail(next) {
      ended = { kind: "fail", text: next };
      if (spinner) finish(spinner);
    },
    stop() {
      ended = { kind: "stop" };
      if (spinner) finish(spinner);
    },
  };
}
