import { describe, expect, it } from "vitest";
import { parseDuration, toServerTtl } from "../../src/model/duration.js";

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
