// check's judgement and its words: summarize (levels, order, counts), the Nagios line, the text lines.
import { describe, expect, it } from "vitest";
import { summarize } from "../../src/core/fleet/survey.js";
import type { DirectoryState } from "../../src/core/fleet/state.js";
import { checkLines, nagiosLine, nagiosUnknown } from "../../src/ui/check.js";
import { makeChalk } from "../../src/ui/color.js";

const DAY = 86_400;
const plain = makeChalk(0);

function state(name: string, s: DirectoryState["state"], days: number | undefined, extra: Partial<DirectoryState> = {}): DirectoryState {
  const base: DirectoryState = { input: `certs/${name}`, dir: `/etc/certctl/certs/${name}`, name, state: s };
  if (days !== undefined) {
    base.secondsLeft = days * DAY;
    base.notAfter = new Date(Date.parse("2026-11-30T00:00:00Z") + days * DAY * 1000).toISOString();
    base.dueAt = "2026-11-20T00:00:00.000Z";
  }
  return { ...base, ...extra };
}

describe("summarize", () => {
  it("all ok: level ok, the soonest expiry named", () => {
    const summary = summarize([state("web", "ok", 41), state("api", "ok", 60)]);
    expect(summary).toMatchObject({ total: 2, level: "ok", attention: [] });
    expect(summary.next?.name).toBe("web");
    expect(nagiosLine(summary)).toBe("CERTCTL OK - 2 certificates, next expiry web in 41 days | certificates=2;;;0 ok=2;;;0 due=0;;;0 pending=0;;;0 revoked=0;;;0 expired=0;;;0 broken=0;;;0 next_expiry=3542400s");
    expect(checkLines(summary, plain)).toEqual(["ok: 2 certificates, next expiry web in 41 days"]);
  });

  it("due and pending warn; expired, revoked and broken are critical and come first", () => {
    const summary = summarize([
      state("due", "due", 5), state("new", "pending", undefined, { pendingRequestId: "3f2c" }),
      state("old", "expired", -2), state("gone", "revoked", 20, { reason: "keyCompromise" }), state("web", "ok", 41),
      state("bad", "broken", undefined, { reason: "missing chain.pem" }),
    ]);
    expect(summary.level).toBe("critical");
    expect(summary.counts).toEqual({ ok: 1, due: 1, pending: 1, revoked: 1, expired: 1, broken: 1 });
    // Critical first (no date sorts first, then the soonest), then the warnings the same way.
    expect(summary.attention.map((s) => s.name)).toEqual(["bad", "old", "gone", "new", "due"]);
    expect(summary.next?.name).toBe("old");
    expect(nagiosLine(summary)).toMatch(/^CERTCTL CRITICAL - 5 of 6 certificates need attention: bad broken \(missing chain\.pem\), old expired \(expired 2 days ago\), gone revoked \(keyCompromise\) and 2 more \| certificates=6;;;0 ok=1;;;0 due=1;;;0 pending=1;;;0 revoked=1;;;0 expired=1;;;0 broken=1;;;0 next_expiry=-172800s$/);
    expect(summarize([state("due", "due", 5), state("web", "ok", 41)]).level).toBe("warning");
  });

  it("the Nagios line stays one line: newlines and | in a reason cannot start perfdata or a second line", () => {
    const line = nagiosLine(summarize([state("x", "broken", undefined, { reason: "a|b\nc" })]));
    expect(line.split("\n")).toHaveLength(1);
    expect(line.split("|")).toHaveLength(2);
    expect(line).toContain("x broken (a/b c)");
    expect(nagiosUnknown("cannot read /x:\nno")).toBe("CERTCTL UNKNOWN - cannot read /x: no");
  });

  it("text: one line per directory needing attention with its input, then the summary", () => {
    const lines = checkLines(summarize([
      state("due", "due", 5, { lastFailure: { time: "2026-11-30T03:00:00.000Z", exitCode: 6, message: "unavailable" } }),
      state("web", "ok", 41),
    ]), plain);
    expect(lines).toEqual([
      "due      certs/due  5 days left (not after 2026-12-05 00:00:00 UTC), due since 2026-11-20 00:00:00 UTC; last renewal attempt failed 2026-11-30 03:00:00 UTC (exit 6)",
      "1 of 2 certificates needs attention; next expiry due in 5 days",
    ]);
  });
});
