// The agent loop with a fake cycle and a fake clock: intervals and jitter, --random-delay,
// per-certificate backoff, SIGHUP, stopping, token renewal, and a cycle that throws.
import { describe, expect, it } from "vitest";
import { runAgentLoop, type AgentLoopParams } from "../../src/core/agent/loop.js";
import { createBackoff } from "../../src/core/agent/backoff.js";
import type { AgentClock, AgentEvent, CycleInfo, CycleResult } from "../../src/core/agent/types.js";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Time moves only when the loop sleeps; `onSleep` lets a test act at a given moment. */
function fakeClock(start = 0): AgentClock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    async sleep(ms: number, signal: AbortSignal) {
      if (signal.aborted) throw signal.reason;
      clock.t += ms;
    },
  };
  return clock;
}

interface Harness {
  params: AgentLoopParams;
  clock: ReturnType<typeof fakeClock>;
  calls: Array<{ at: number; info: CycleInfo }>;
  events: AgentEvent[];
  stop: AbortController;
  hangup: () => void;
}

function harness(cycle: (n: number, info: CycleInfo, h: Harness) => CycleResult, overrides: Partial<AgentLoopParams> = {}, maxCycles = 10): Harness {
  const clock = fakeClock();
  const stop = new AbortController();
  let listener: (() => void) | undefined;
  const h: Harness = {
    clock, calls: [], events: [], stop,
    hangup: () => listener?.(),
    params: {
      intervalMs: HOUR, randomDelayMs: 0, once: false, clock, random: () => 0.5, signal: stop.signal,
      onHangup: (l) => ((listener = l), () => (listener = undefined)),
      log: (e) => h.events.push(e),
      runCycle: async (_signal, info) => {
        h.calls.push({ at: clock.t, info });
        const result = cycle(h.calls.length, info, h);
        if (h.calls.length >= maxCycles) stop.abort();
        return result;
      },
      ...overrides,
    },
  };
  return h;
}

const ok = (dir = "/certs/web"): CycleResult => ({ certificates: [{ certificate: "web", dir, event: "unchanged", exitCode: 0 }] });
const failed = (dir = "/certs/web"): CycleResult => ({ certificates: [{ certificate: "web", dir, event: "failed", exitCode: 6, message: "unavailable" }] });

describe("agent loop", () => {
  it("checks once per interval (random 0.5: no jitter) until stopped, and returns after the current cycle", async () => {
    const h = harness(() => ok(), {}, 4);
    const result = await runAgentLoop(h.params);
    expect(result.cycles).toBe(4);
    expect(h.calls.map((c) => c.at)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR]);
    expect(h.calls.map((c) => c.info.reason)).toEqual(["start", "interval", "interval", "interval"]);
    expect(h.events.at(-1)).toMatchObject({ event: "stop", message: expect.stringContaining("signal") });
  });

  it("jitters the interval by at most 5 % either way", async () => {
    const draws = [0, 1];
    const low = harness(() => ok(), { random: () => draws[0]! }, 2);
    await runAgentLoop(low.params);
    const high = harness(() => ok(), { random: () => draws[1]! }, 2);
    await runAgentLoop(high.params);
    expect(low.calls[1]!.at).toBe(0.95 * HOUR);
    expect(high.calls[1]!.at).toBe(1.05 * HOUR);
  });

  it("--random-delay delays the first cycle by a uniform draw in [0, delay), and every later one too", async () => {
    const h = harness(() => ok(), { randomDelayMs: 10 * MIN, random: () => 0.5 }, 2);
    await runAgentLoop(h.params);
    expect(h.calls.map((c) => c.at)).toEqual([5 * MIN, 5 * MIN + HOUR + 5 * MIN]);
  });

  it("--once runs one cycle without the random delay", async () => {
    const h = harness(() => ok(), { once: true, randomDelayMs: HOUR });
    expect((await runAgentLoop(h.params)).cycles).toBe(1);
    expect(h.calls.map((c) => c.at)).toEqual([0]);
  });

  it("backs a failing certificate off 1m, 2m, 4m … capped at the interval, and forgets it on success", async () => {
    const h = harness((n) => (n <= 8 ? failed() : ok()), { intervalMs: 10 * MIN }, 10);
    await runAgentLoop(h.params);
    const gaps = h.calls.slice(1).map((c, i) => c.at - h.calls[i]!.at);
    expect(gaps.slice(0, 5)).toEqual([MIN, 2 * MIN, 4 * MIN, 8 * MIN, 10 * MIN]);
    expect(h.calls.slice(1, 4).map((c) => c.info.reason)).toEqual(["retry", "retry", "retry"]);
    // The cycle is told which directories to leave alone until their backoff ends.
    expect(h.calls[0]!.info.backingOff.size).toBe(0);
    expect(h.events.filter((e) => e.event === "failed")).toHaveLength(8);
    expect(h.events.find((e) => e.event === "failed")).toMatchObject({ level: "error", certificate: "web", message: "unavailable; next try in 60s" });
  });

  it("keeps other certificates on the interval while one backs off", () => {
    const backoff = createBackoff({ baseMs: MIN, capMs: HOUR });
    backoff.failed("/a", 0);
    expect([...backoff.waiting(30_000)]).toEqual(["/a"]);
    expect(backoff.waiting(MIN).size).toBe(0);
    backoff.retain(new Set(["/b"]));
    expect(backoff.size).toBe(0);
  });

  it("SIGHUP re-reads the file and runs a cycle at once; a bad file keeps the old one and the loop goes on", async () => {
    let reloads = 0;
    const h = harness((n, _info, self) => {
      if (n === 1 || n === 2) self.hangup();
      return ok();
    }, {
      reload: async () => {
        reloads++;
        if (reloads === 2) throw new Error("line 3: certificates[0].name is required");
      },
    }, 4);
    await runAgentLoop(h.params);
    expect(reloads).toBe(2);
    expect(h.calls.map((c) => [c.at, c.info.reason])).toEqual([[0, "start"], [0, "reload"], [0, "reload"], [HOUR, "interval"]]);
    expect(h.events.filter((e) => e.event === "reload").map((e) => e.level)).toEqual(["info", "error"]);
  });

  it("a cycle that throws is logged and the agent lives on", async () => {
    const h = harness((n) => {
      if (n === 1) throw new Error("boom");
      return ok();
    }, {}, 2);
    expect((await runAgentLoop(h.params)).cycles).toBe(2);
    expect(h.events.find((e) => e.event === "cycle")).toMatchObject({ level: "error", message: "cycle failed: boom" });
  });

  it("stopping while asleep ends the loop without another cycle", async () => {
    const stop = new AbortController();
    const clock: AgentClock = {
      now: () => 0,
      sleep: (_ms, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    };
    const h = harness(() => ok(), { clock, signal: stop.signal });
    const running = runAgentLoop(h.params);
    await new Promise((r) => setImmediate(r));
    stop.abort();
    expect((await running).cycles).toBe(1);
  });

  it("renews the access token when it is due, between cycles", async () => {
    let due = 40 * MIN;
    const refreshedAt: number[] = [];
    const h = harness(() => ok(), {
      token: {
        dueAt: () => due,
        refresh: async () => {
          refreshedAt.push(h.clock.t);
          due = h.clock.t + 40 * MIN;
          return "renewed";
        },
      },
    }, 3);
    await runAgentLoop(h.params);
    expect(refreshedAt).toEqual([40 * MIN, 80 * MIN, 120 * MIN]);
    expect(h.calls.map((c) => c.at)).toEqual([0, HOUR, 2 * HOUR]);
    expect(h.events.filter((e) => e.event === "token")).toHaveLength(3);
  });

  it("a token refresh that fails is retried a minute later, not in a spin", async () => {
    let tries = 0;
    const h = harness(() => ok(), {
      intervalMs: 10 * MIN,
      token: { dueAt: () => 0, refresh: async () => (tries++, Promise.reject(new Error("HTTP 503"))) },
    }, 2);
    await runAgentLoop(h.params);
    expect(tries).toBeLessThanOrEqual(11);
    expect(h.events.find((e) => e.event === "token")).toMatchObject({ level: "warn" });
  });
  it("a request still pending backs off like a failure, logged as a warning, and the summary names it and the waiting ones", async () => {
    const pending: CycleResult = { certificates: [{ certificate: "held", dir: "/certs/held", event: "pending", exitCode: 5, message: "still pending (exit 5)" }] };
    const h = harness((n, info) => (n === 1 ? pending : { certificates: [{ certificate: "held", dir: "/certs/held", event: info.backingOff.has("/certs/held") ? "skipped" : "unchanged", exitCode: 0 }] }), { intervalMs: 10 * MIN }, 3);
    await runAgentLoop(h.params);
    expect(h.events.find((e) => e.event === "pending")).toEqual({ level: "warn", event: "pending", certificate: "held", message: "still pending (exit 5); next try in 60s" });
    expect(h.calls.map((c) => [c.at, c.info.reason])).toEqual([[0, "start"], [MIN, "retry"], [MIN + 10 * MIN, "interval"]]);
    expect(h.events.filter((e) => e.event === "cycle").map((e) => e.message)).toEqual([
      "1 certificate(s): 0 changed, 0 failed, 1 pending", "1 certificate(s): 0 changed, 0 failed", "1 certificate(s): 0 changed, 0 failed",
    ]);
  });

  it("SIGHUP tries a certificate that is backing off at once; a second failure still waits longer than the first", async () => {
    const h = harness((n, _info, self) => {
      if (n === 1) return failed();
      if (n === 2) {
        self.hangup(); // during the wait after the first failure
        return failed();
      }
      return ok();
    }, {}, 3);
    // Cycle 2 is the backoff's retry; the SIGHUP made during it brings cycle 3 forward with nothing held back.
    await runAgentLoop(h.params);
    expect(h.calls.map((c) => c.info.reason)).toEqual(["start", "retry", "reload"]);
    expect([...h.calls[2]!.info.backingOff]).toEqual([]);
    expect(h.calls[2]!.at).toBe(h.calls[1]!.at);
    const waits = h.events.filter((e) => e.event === "failed").map((e) => Number(/next try in (\d+)s/.exec(e.message)?.[1]));
    expect(waits[1]).toBeGreaterThan(waits[0]!);
  });

  it("a cycle cut short by a stop counts its unstarted certificates as left for the next start, not as waiting to retry", async () => {
    const h = harness(() => ({
      certificates: [
        { certificate: "web", dir: "/certs/web", event: "renewed", exitCode: 0, message: "renewed" },
        { certificate: "api", dir: "/certs/api", event: "interrupted", exitCode: 143, message: "not started" },
      ],
    }), {}, 1);
    await runAgentLoop(h.params);
    const summary = h.events.find((e) => e.event === "cycle")!.message;
    expect(summary).toBe("2 certificate(s): 1 changed, 0 failed, 1 left for the next start");
  });
});
