// Under --log-format json, what hooks print becomes log events: line by line, split chunks joined,
// a last line without a newline flushed at the end of the cycle, a runaway line cut.
import { describe, expect, it } from "vitest";
import { hookOutputAsEvents } from "../../src/cli/agent/hook-output.js";
import type { AgentEvent } from "../../src/core/agent/types.js";

function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve) => stream.write(chunk, () => resolve()));
}

describe("hook output as agent events", () => {
  it("re-emits whole lines, joins split chunks, skips blank lines, and flushes a partial line", async () => {
    const events: AgentEvent[] = [];
    const { stream, flush } = hookOutputAsEvents((e) => events.push(e));
    await write(stream, "reloading ng");
    await write(stream, "inx\r\n\n  \nok\npartial");
    expect(events.map((e) => e.message)).toEqual(["reloading nginx", "ok"]);
    flush();
    expect(events.map((e) => e.message)).toEqual(["reloading nginx", "ok", "partial"]);
    expect(events.every((e) => e.event === "hook-output" && e.level === "info")).toBe(true);
  });

  it("cuts a line that never ends instead of buffering it without bound", async () => {
    const events: AgentEvent[] = [];
    const { stream } = hookOutputAsEvents((e) => events.push(e));
    await write(stream, "x".repeat(20_000));
    expect(events).toHaveLength(1);
    expect(events[0]!.message).toHaveLength(20_000);
  });
});
