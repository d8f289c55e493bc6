// The agent's log: one line per event on stderr, as text for a person or a journal
// (`2026-11-30T08:00:00.000Z INFO  renewed   web  serial 3f…`) or as one JSON object per line for
// a log collector (`{"time","level","event","certificate","message"}`). Under --quiet only
// warnings and errors are written.
import type { Writable } from "node:stream";
import type { AgentEvent } from "../core/agent/types.js";

export type LogFormat = "text" | "json";

export const LOG_FORMATS: readonly LogFormat[] = ["text", "json"];

export interface AgentLogLine extends AgentEvent {
  time: string;
}

export function formatAgentLine(line: AgentLogLine, format: LogFormat): string {
  if (format === "json") {
    const { time, level, event, certificate, message } = line;
    return JSON.stringify({ time, level, event, ...(certificate !== undefined ? { certificate } : {}), message });
  }
  const who = line.certificate !== undefined ? `${line.certificate}: ` : "";
  return `${line.time} ${line.level.toUpperCase().padEnd(5)} ${line.event.padEnd(7)} ${who}${line.message}`;
}

export function agentLogger(out: Writable, format: LogFormat, options: { quiet?: boolean; now?: () => Date } = {}): (event: AgentEvent) => void {
  const now = options.now ?? (() => new Date());
  return (event) => {
    if (options.quiet && event.level === "info") return;
    out.write(formatAgentLine({ time: now().toISOString(), ...event }, format) + "\n");
  };
}
