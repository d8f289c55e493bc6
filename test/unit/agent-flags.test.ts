// certctl agent's wiring: argv values → AgentParams, and bad values refused naming the flag.
import { describe, expect, it } from "vitest";
import { parseAgentFlags } from "../../src/cli/agent/run.js";
import { UsageError } from "../../src/model/errors.js";

const base = { config: "certctl.yaml", interval: "1h", randomDelay: "0", logFormat: "text", concurrency: "4" };

describe("certctl agent flags", () => {
  it("turns flags into params", () => {
    expect(parseAgentFlags({ ...base, interval: "30m", randomDelay: "5m", logFormat: "json", once: true }, "/etc/certctl")).toEqual({
      file: "/etc/certctl/certctl.yaml", intervalMs: 1_800_000, randomDelayMs: 300_000, logFormat: "json", once: true, concurrency: 4,
    });
    expect(parseAgentFlags(base, "/").randomDelayMs).toBe(0);
  });

  it.each([
    [{ interval: "soon" }, "--interval"],
    [{ interval: "0" }, "--interval"],
    [{ randomDelay: "-5m" }, "--random-delay"],
    [{ concurrency: "0" }, "--concurrency"],
    [{ config: " " }, "--config"],
  ])("refuses %o naming %s", (flags, flag) => {
    expect(() => parseAgentFlags({ ...base, ...flags }, "/")).toThrow(UsageError);
    expect(() => parseAgentFlags({ ...base, ...flags }, "/")).toThrow(flag);
  });
});
