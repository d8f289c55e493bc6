// The README's --random-delay sizing table is the script's output, and the script's model holds.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
// @ts-expect-error a plain JavaScript script without type declarations
import { binomialTail, minimumDelayMinutes } from "../../scripts/random-delay-table.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("random-delay sizing table", () => {
  it("the README's table is exactly what scripts/random-delay-table.js prints", () => {
    const printed = execFileSync(process.execPath, [`${ROOT}scripts/random-delay-table.js`], { encoding: "utf8" });
    const readme = readFileSync(`${ROOT}README.md`, "utf8");
    const match = /<!-- random-delay-table:start -->\n([\s\S]*?)<!-- random-delay-table:end -->/.exec(readme);
    expect(match?.[1]).toBe(printed);
  });

  it("computes binomial tails and delays that keep the busiest minute under the limit", () => {
    expect(binomialTail(10, 0.5, 10)).toBe(0);
    expect(binomialTail(2, 0.5, 0)).toBeCloseTo(0.75, 12);
    expect(binomialTail(10, 0.5, 4)).toBeCloseTo(1 - 386 / 1024, 12);
    // 10 hosts × 2 writes fit in one minute of 90; 45 is the most that fit.
    expect(minimumDelayMinutes(10, 2, 90)).toBe(1);
    expect(minimumDelayMinutes(45, 2, 90)).toBe(1);
    expect(minimumDelayMinutes(46, 2, 90)).toBeGreaterThan(1);
    // Never below the average: hosts × writes / limit minutes.
    for (const hosts of [100, 1000]) expect(minimumDelayMinutes(hosts, 5, 90)).toBeGreaterThanOrEqual(Math.ceil((hosts * 5) / 90));
  });
});
