import { describe, expect, it } from "vitest";
import { formatDuration, lifetimeTtl, parseDuration, serverTtl, toServerTtl } from "../../src/model/duration.js";

describe("toServerTtl", () => {
  it.each([
    ["30d", "30d"], ["90 days", "90d"], ["2w", "14d"], ["12h", "12h"], ["36h", "36h"],
    ["1.5d", "36h"], ["30D", "30d"], ["720h", "30d"], ["1y", "365d"],
  ])("%s → %s", (input, expected) => expect(toServerTtl("--ttl", input)).toBe(expected));

  it.each(["30", "0", "-1d", "30x", "P30D", "5m", "", "soon"])("refuses %j naming --ttl", (input) => {
    expect(() => toServerTtl("--ttl", input)).toThrowError(/--ttl/);
  });
});

describe("parseDuration", () => {
  it.each([["30s", 30_000], ["10m", 600_000], ["2 minutes", 120_000], ["1h", 3_600_000]])("%s", (input, ms) => {
    expect(parseDuration("--timeout", input)).toBe(ms);
  });
  it("allows zero only when asked", () => {
    expect(() => parseDuration("--random-delay", "0s")).toThrow();
    expect(parseDuration("--random-delay", "0s", { allowZero: true })).toBe(0);
  });
});

describe("serverTtl and lifetimeTtl: the one ttl serialisation", () => {
  it.each([[86_400_000, "1d"], [36 * 3_600_000, "36h"], [30 * 86_400_000, "30d"], [90 * 60_000, undefined], [0, undefined]])(
    "serverTtl(%i) = %s", (ms, ttl) => expect(serverTtl(ms)).toBe(ttl),
  );
  it.each([[90 * 86_400_000, "90d"], [6 * 3_600_000 + 29 * 60_000, "6h"], [10 * 60_000, "1h"], [25 * 3_600_000, "25h"]])(
    "lifetimeTtl(%i) = %s", (ms, ttl) => expect(lifetimeTtl(ms)).toBe(ttl),
  );
});

describe("formatDuration: the one duration formatter", () => {
  it.each([
    [30_000, "30s"], [1_500, "1.5s"], [300, "300 ms"], [90_000, "1m"], [3 * 3_600_000, "3h"], [10 * 86_400_000, "10d"], [-30_000, "30s"],
  ])("short %i → %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
  it.each([
    [29 * 86_400_000 + 5, "29 days"], [36 * 3_600_000, "36 hours"], [86_400_000, "24 hours"], [19 * 60_000, "19 minutes"], [1_000, "1 second"], [0, "0 seconds"],
  ])("words %i → %s", (ms, text) => expect(formatDuration(ms, "words")).toBe(text));
});
