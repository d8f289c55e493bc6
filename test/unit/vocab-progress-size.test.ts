// Issue 12 item 18: on a terminal reporting 0 columns (`script` without `stty`) the spinner's
// erase loop never ended (ora divides by the width), so certctl ignored SIGTERM and grew to 400 MB.
// Progress must cope with any width — 0, 1, unknown, or shrinking mid-run — and never loop.
import { Writable } from "node:stream";
import { Chalk } from "chalk";
import { describe, expect, it, vi } from "vitest";
import { MIN_SPINNER_COLUMNS, spinnerColumns, startProgress } from "../../src/ui/progress.js";

/** A stand-in for a terminal's stderr: isTTY, a settable width, and the cursor calls ora makes. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  columns: number | undefined;
  rows = 24;
  text = "";
  cursorCalls = 0;
  constructor(columns: number | undefined) {
    super();
    this.columns = columns;
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  cursorTo(): boolean { this.cursorCalls++; return true; }
  moveCursor(): boolean { this.cursorCalls++; return true; }
  clearLine(): boolean { this.cursorCalls++; return true; }
}

const style = new Chalk({ level: 0 });

describe("spinnerColumns", () => {
  it.each([[0, undefined], [1, undefined], [undefined, undefined], [Number.NaN, undefined], [MIN_SPINNER_COLUMNS - 1, undefined], [80, 80]])(
    "columns %s → %s", (columns, expected) => expect(spinnerColumns(new FakeTerminal(columns))).toBe(expected),
  );
});

describe("progress on terminals of any size", () => {
  it.each([0, 1, undefined])("columns %s: plain lines, no spinner, no cursor games", async (columns) => {
    const stream = new FakeTerminal(columns);
    const progress = startProgress({ enabled: true, spinner: true, stream, style, text: "Requesting the certificate" });
    progress.update({ text: "Waiting for approval (pending_approval)", detail: "request 1234" });
    progress.succeed("Issued");
    await import("ora"); // had a spinner been started, it would have loaded by now
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.text).toBe("Requesting the certificate\nWaiting for approval (pending_approval) · request 1234\n✔ Issued\n");
    expect(stream.cursorCalls).toBe(0);
  });

  it("a terminal that shrinks to 0 columns mid-run: the spinner stops and plain lines follow, promptly", async () => {
    const stream = new FakeTerminal(80);
    const progress = startProgress({ enabled: true, spinner: true, stream, style, text: "Requesting the certificate" });
    await vi.waitFor(() => expect(stream.text).toContain("Requesting the certificate"));
    stream.columns = 0;
    progress.update({ text: "Waiting for approval (pending_approval)" });
    progress.update({ text: "Still waiting" });
    progress.fail("Refused");
    expect(stream.text).toMatch(/Waiting for approval \(pending_approval\)\nStill waiting\n✖ Refused\n$/);
    // Bounded: a handful of cursor moves to erase one line, not an endless loop.
    expect(stream.cursorCalls).toBeLessThan(50);
  });

  it("on a normal terminal the spinner line is cut to the width, so it never wraps", async () => {
    const stream = new FakeTerminal(30);
    const progress = startProgress({ enabled: true, spinner: true, stream, style, text: "x".repeat(100) });
    await vi.waitFor(() => expect(stream.text).toContain("xxxx"));
    progress.stop();
    const longest = Math.max(...stream.text.split(/[\r\n]|\u001b\[[0-9;?]*[A-Za-z]/).map((part) => [...part].length));
    expect(longest).toBeLessThanOrEqual(30);
  });

  it("server text in a step reaches the terminal without control characters", () => {
    const stream = new FakeTerminal(0);
    startProgress({ enabled: true, spinner: true, stream, style, text: { text: "Waiting", detail: "ok\u001b]0;pwned\u0007\u009b2J\r" } });
    expect(stream.text).toBe("Waiting · ok\\x1b]0;pwned\\x07\\x9b2J\\x0d\n");
  });
});
