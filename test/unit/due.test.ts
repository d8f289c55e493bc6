// The due rule on fixed dates: default one third of the lifetime (the rule inspect colours by), --renew-before as a time or
// a share, boundaries, expiry; and parsing of --renew-before.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { certificateValidity, decideDue, type RenewBefore } from "../../src/core/renew/due.js";
import { parseRenewBefore } from "../../src/cli/renew/renew-before.js";
import { UsageError } from "../../src/model/errors.js";
import { validityState } from "../../src/model/renewal.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse("2030-01-01T00:00:00Z");

function validity(lifetimeMs: number) {
  return { notBefore: new Date(T0), notAfter: new Date(T0 + lifetimeMs) };
}

const DEFAULT: RenewBefore = { kind: "default" };

describe("decideDue", () => {
  const cases: Array<{ name: string; lifetime: number; elapsed: number; rule: RenewBefore; due: boolean }> = [
    { name: "90d, fresh", lifetime: 90 * DAY, elapsed: 0, rule: DEFAULT, due: false },
    { name: "90d, 59d in (31d left > 30d)", lifetime: 90 * DAY, elapsed: 59 * DAY, rule: DEFAULT, due: false },
    { name: "90d, exactly 30d left is not less than a third", lifetime: 90 * DAY, elapsed: 60 * DAY, rule: DEFAULT, due: false },
    { name: "90d, 30d minus 1s left", lifetime: 90 * DAY, elapsed: 60 * DAY + 1000, rule: DEFAULT, due: true },
    { name: "30d, 25d in (5d left < 10d)", lifetime: 30 * DAY, elapsed: 25 * DAY, rule: DEFAULT, due: true },
    { name: "30d, 19d in (11d left)", lifetime: 30 * DAY, elapsed: 19 * DAY, rule: DEFAULT, due: false },
    { name: "10d: a third", lifetime: 10 * DAY, elapsed: 6 * DAY, rule: DEFAULT, due: false },
    { name: "9d: a third too, not a half (4d left ≥ 3d)", lifetime: 9 * DAY, elapsed: 5 * DAY, rule: DEFAULT, due: false },
    { name: "9d: 2d left < 3d", lifetime: 9 * DAY, elapsed: 7 * DAY, rule: DEFAULT, due: true },
    { name: "24h: 13h in (11h left ≥ 8h)", lifetime: 24 * HOUR, elapsed: 13 * HOUR, rule: DEFAULT, due: false },
    { name: "24h: 17h in (7h left < 8h)", lifetime: 24 * HOUR, elapsed: 17 * HOUR, rule: DEFAULT, due: true },
    { name: "expired is always due", lifetime: 90 * DAY, elapsed: 91 * DAY, rule: { kind: "duration", ms: DAY }, due: true },
    { name: "--renew-before 30d: 31d left", lifetime: 365 * DAY, elapsed: 334 * DAY, rule: { kind: "duration", ms: 30 * DAY }, due: false },
    { name: "--renew-before 30d: 29d left", lifetime: 365 * DAY, elapsed: 336 * DAY, rule: { kind: "duration", ms: 30 * DAY }, due: true },
    { name: "--renew-before 25%: 26% left", lifetime: 100 * DAY, elapsed: 74 * DAY, rule: { kind: "fraction", fraction: 0.25 }, due: false },
    { name: "--renew-before 25%: 24% left", lifetime: 100 * DAY, elapsed: 76 * DAY, rule: { kind: "fraction", fraction: 0.25 }, due: true },
    { name: "--renew-before longer than the lifetime: always due", lifetime: 7 * DAY, elapsed: 0, rule: { kind: "duration", ms: 30 * DAY }, due: true },
    { name: "not yet valid: not due", lifetime: 90 * DAY, elapsed: -5 * DAY, rule: DEFAULT, due: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = decideDue(validity(c.lifetime), new Date(T0 + c.elapsed), c.rule);
      expect(decision.due).toBe(c.due);
      expect(decision.remainingMs).toBe(c.lifetime - c.elapsed);
    });
  }

  it("the default rule is inspect's: due exactly when inspect says expiring, for every lifetime", () => {
    for (const lifetime of [6 * HOUR, 24 * HOUR, 5 * DAY, 9 * DAY, 10 * DAY, 90 * DAY]) {
      for (let step = 0; step < 40; step++) {
        const elapsed = (lifetime * step) / 40;
        const due = decideDue(validity(lifetime), new Date(T0 + elapsed), DEFAULT).due;
        expect(due, `${lifetime / HOUR}h lifetime, ${step}/40 in`).toBe(validityState(T0 + elapsed, T0, T0 + lifetime) === "expiring");
      }
    }
  });

  it("reports when a certificate becomes due", () => {
    const decision = decideDue(validity(90 * DAY), new Date(T0), DEFAULT);
    expect(decision.dueAt.toISOString()).toBe("2030-03-02T00:00:00.000Z");
    expect(decision.marginMs).toBe(30 * DAY);
    expect(decision.expired).toBe(false);
  });
});

describe("parseRenewBefore", () => {
  it.each([
    [undefined, { kind: "default" }],
    ["30d", { kind: "duration", ms: 30 * DAY }],
    ["12h", { kind: "duration", ms: 12 * HOUR }],
    ["2w", { kind: "duration", ms: 14 * DAY }],
    ["25%", { kind: "fraction", fraction: 0.25 }],
    [" 33.5 % ", { kind: "fraction", fraction: 0.335 }],
  ])("%s", (input, expected) => {
    expect(parseRenewBefore(input)).toEqual(expected);
  });

  it.each(["0%", "100%", "150%", "-5%", "abc", "30", "", "0d", "30x"])("refuses %j naming the flag", (input) => {
    expect(() => parseRenewBefore(input)).toThrow(UsageError);
    expect(() => parseRenewBefore(input)).toThrow(/--renew-before/);
  });
});

describe("certificateValidity", () => {
  it("reads the dates and serial of a real certificate", () => {
    const dir = mkdtempSync(join(tmpdir(), "certctl-due-"));
    const cert = join(dir, "c.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "k.pem"),
      "-out", cert, "-subj", "/CN=due", "-days", "30", "-set_serial", "0x0a1b2c"], { stdio: "ignore" });
    const v = certificateValidity(readFileSync(cert, "utf8"));
    expect(v.notAfter.getTime() - v.notBefore.getTime()).toBe(30 * DAY);
    expect(v.serialNumber).toBe("0a1b2c");
  });
});
