// Progress lines and usage messages on fixed clocks and fixed inputs (the terminal itself is
// exercised in test/e2e/tty.test.ts).
import { PassThrough } from "node:stream";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import type { IssueProgress } from "../../src/core/request/record.js";
import { trackIssueProgress } from "../../src/ui/issue-progress.js";
import { startProgress, type Progress } from "../../src/ui/progress.js";
import { formatDuration } from "../../src/model/duration.js";
import { usageMessage } from "../../src/ui/usage.js";

function plain(now: () => number) {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const progress = startProgress({ enabled: true, spinner: false, stream, style: new Chalk({ level: 0 }), text: "Preparing the request", now });
  return { progress, lines: () => text.split("\n").filter(Boolean) };
}

describe("formatDuration, elapsed style", () => {
  it.each([[0, "0s"], [999, "0s"], [12_400, "12s"], [65_000, "1m 05s"], [3_600_000 + 180_000, "1h 03m"], [-5, "0s"]])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms, "elapsed")).toBe(text);
  });
});

describe("plain progress (stderr is not a terminal)", () => {
  it("one line per change; the same status polled again prints nothing; elapsed shown once it is a second or more", () => {
    let clock = 1_000_000;
    const { progress, lines } = plain(() => clock);
    const view = trackIssueProgress(progress, () => clock);
    const pending: IssueProgress = { kind: "pending", requestId: "r1", status: "pending_approval", pendingMessage: "Waiting for approval from the PKI team", waiting: true };
    view.onProgress(pending);
    clock += 3000;
    view.onProgress({ ...pending, pendingMessage: null });
    clock += 9000;
    view.onProgress({ ...pending, status: "pending_validation", pendingMessage: null });
    expect(lines()).toEqual([
      "Preparing the request",
      "Waiting for approval (pending_approval, request r1) · Waiting for approval from the PKI team",
      // A later poll without a message keeps the one the server gave; the wait is one wait.
      "Waiting for validation (pending_validation, request r1) · 12s · Waiting for approval from the PKI team",
    ]);
  });

  it("a login on the way to a request goes back to the request without repeating its line", () => {
    const { progress, lines } = plain(() => 0);
    const view = trackIssueProgress(progress, () => 0);
    view.onProgress({ kind: "requesting", host: "ca.example:443" });
    view.onLogin("ca.example:443")();
    view.onProgress({ kind: "writing", mode: "local-key" });
    expect(lines().slice(1)).toEqual([
      "Requesting the certificate from ca.example:443",
      "Logging in to ca.example:443",
      "Verified key and chain; writing files",
    ]);
  });

  it("--no-wait says it is not waiting", () => {
    const { progress, lines } = plain(() => 0);
    trackIssueProgress(progress).onProgress({ kind: "pending", requestId: "r2", status: "pending", pendingMessage: null, waiting: false });
    expect(lines().at(-1)).toBe("Request r2 is pending; not waiting");
  });

  it("silent when disabled (--json, --quiet): nothing is written at all", () => {
    const stream = new PassThrough();
    let written = "";
    stream.on("data", (c: Buffer) => (written += c.toString()));
    const progress: Progress = startProgress({ enabled: false, spinner: true, stream, style: new Chalk({ level: 0 }), text: "x" });
    progress.update("y");
    progress.succeed("done");
    progress.stop();
    expect(written).toBe("");
  });
});

describe("usageMessage", () => {
  it.each([
    ["error: unknown option '--cnn'\n(Did you mean --cn?)\n", "unknown option '--cnn' (Did you mean --cn?)"],
    ["error: unknown command 'isue'\n(Did you mean issue?)\n", "unknown command 'isue' (Did you mean issue?)"],
    ["error: missing required argument 'file'\n", "missing required argument 'file'"],
  ])("%j", (input, output) => {
    expect(usageMessage(input)).toBe(output);
  });
});
