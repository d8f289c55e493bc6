// With --log-format json every line on stderr must be one JSON object, so a log collector never
// meets a stray line: what hooks print is re-emitted line by line as `hook-output` events.
// With text logs the hooks write straight to stderr, as in `certctl renew`.
import { Writable } from "node:stream";
import type { AgentEvent } from "../../core/agent/types.js";

/** A long line without a newline is flushed at this size, so a hook cannot grow the buffer. */
const MAX_LINE = 16_384;

/** `flush` emits a last line a hook left without a newline (called after each cycle). */
export function hookOutputAsEvents(log: (event: AgentEvent) => void): { stream: Writable; flush(): void } {
  let buffer = "";
  const emit = (line: string) => {
    if (line.trim() !== "") log({ level: "info", event: "hook-output", message: line.replace(/\r$/, "") });
  };
  const flush = () => {
    emit(buffer);
    buffer = "";
  };
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      buffer += typeof chunk === "string" ? chunk : chunk.toString("utf8");
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        emit(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
      if (buffer.length > MAX_LINE) {
        emit(buffer);
        buffer = "";
      }
      done();
    },
    final(done) {
      flush();
      done();
    },
  });
  return { stream, flush };
}
