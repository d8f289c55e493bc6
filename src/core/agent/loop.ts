// The agent loop: run a cycle, sleep an interval with jitter, repeat — and between cycles keep
// the access token alive, retry certificates whose backoff ran out, and re-read the file on
// SIGHUP. A cycle is a function passed in (apply-cycle.ts: apply over the file's entries), so the
// loop is tested with a fake cycle and a fake clock. It never prints: it emits events.
import { createBackoff, BACKOFF_BASE_MS } from "./backoff.js";
import type { AgentClock, AgentEvent, CycleInfo, CycleReason, CycleResult, RunCycle } from "./types.js";

/** The interval varies by up to this fraction either way, so hosts started together drift apart. */
export const INTERVAL_JITTER = 0.05;

export interface AgentLoopParams {
  runCycle: RunCycle;
  intervalMs: number;
  /** Each cycle (the first included) waits a uniform [0, randomDelayMs) more: spreads a fleet across a window. */
  randomDelayMs: number;
  /** One cycle, then return. */
  once: boolean;
  clock: AgentClock;
  random: () => number;
  /** Stop (SIGTERM/SIGINT): the cycle in flight finishes its current write; no new one starts. */
  signal: AbortSignal;
  /** Calls the listener on each SIGHUP; returns an unsubscribe. */
  onHangup?: (listener: () => void) => () => void;
  /** Re-reads the file; a throw keeps the previous one (logged). */
  reload?: () => Promise<void>;
  /** The access token's keeper, when the run logged in. */
  token?: { dueAt(): number | undefined; refresh(): Promise<string> };
  log: (event: AgentEvent) => void;
  /** Told after each cycle (tests count cycles; nothing else needs it). */
  onCycle?: (result: CycleResult, cycle: number) => void;
}

export interface AgentLoopResult {
  cycles: number;
  /** Certificates that failed in the last cycle. */
  failing: number;
}

export async function runAgentLoop(params: AgentLoopParams): Promise<AgentLoopResult> {
  const { clock, signal, log } = params;
  const backoff = createBackoff({ baseMs: BACKOFF_BASE_MS, capMs: Math.max(BACKOFF_BASE_MS, params.intervalMs) });
  let reloadPending = false;
  let wake: AbortController | undefined;
  const unsubscribe = params.onHangup?.(() => {
    reloadPending = true;
    wake?.abort();
  });

  /** Sleeps until `until` or a SIGHUP or the stop signal, whichever is first; never throws. */
  const sleepUntil = async (until: number) => {
    const ms = until - clock.now();
    if (ms <= 0 || signal.aborted || reloadPending) return;
    // One controller per nap, aborted by the stop signal through a listener removed afterwards:
    // AbortSignal.any() on the long-lived stop signal would keep every nap's signal alive (RSS
    // grew 57 → 143 MB over 10,000 cycles with it; scripts/bench/agent-rss.mjs).
    const nap = new AbortController();
    const stopNap = () => nap.abort(signal.reason);
    signal.addEventListener("abort", stopNap, { once: true });
    wake = nap;
    try {
      await clock.sleep(ms, nap.signal).catch(() => undefined);
    } finally {
      signal.removeEventListener("abort", stopNap);
      wake = undefined;
    }
  };

  let cycles = 0;
  let failing = 0;
  // After a refresh that left the token due (it failed, or the server's clock disagrees), hold off
  // a minute rather than spin.
  let tokenHoldUntil = 0;
  const tokenDueAt = () => {
    const due = params.token?.dueAt();
    return due === undefined ? undefined : Math.max(due, tokenHoldUntil);
  };
  let reason: CycleReason = "start";
  try {
    if (params.randomDelayMs > 0 && !params.once) await sleepUntil(clock.now() + Math.floor(params.random() * params.randomDelayMs));
    while (!signal.aborted) {
      if (reloadPending) {
        reloadPending = false;
        reason = "reload";
        try {
          await params.reload?.();
          backoff.retryNow(clock.now());
          log({ level: "info", event: "reload", message: "re-read the file and the credential files it names; certificates waiting after a failure are tried now" });
        } catch (error) {
          log({ level: "error", event: "reload", message: `kept the previous file: ${messageOf(error)}` });
        }
      }
      const result = await cycle(params, { reason, backingOff: backoff.waiting(clock.now()) });
      cycles++;
      failing = record(result, backoff, clock.now(), log);
      params.onCycle?.(result, cycles);
      if (params.once || signal.aborted) break;

      const jitter = 1 + INTERVAL_JITTER * (2 * params.random() - 1);
      const nextCycleAt = clock.now() + Math.round(params.intervalMs * jitter) + Math.floor(params.random() * params.randomDelayMs);
      reason = "interval";
      while (!signal.aborted && !reloadPending && clock.now() < nextCycleAt) {
        const retryAt = backoff.nextRetryAt(clock.now());
        const tokenAt = tokenDueAt();
        await sleepUntil(Math.min(nextCycleAt, retryAt ?? Infinity, tokenAt ?? Infinity));
        if (signal.aborted) break;
        if (tokenAt !== undefined && clock.now() >= tokenAt) {
          await refreshToken(params);
          if ((params.token?.dueAt() ?? Infinity) <= clock.now()) tokenHoldUntil = clock.now() + BACKOFF_BASE_MS;
        }
        if (retryAt !== undefined && clock.now() >= retryAt && clock.now() < nextCycleAt) {
          reason = "retry";
          break;
        }
      }
    }
  } finally {
    unsubscribe?.();
  }
  log({ level: "info", event: "stop", message: signal.aborted ? "stopping: signal received, current work finished" : `done after ${cycles} cycle(s)` });
  return { cycles, failing };
}

/** A cycle that throws (it should not) is logged and counted as no progress; the agent lives on. */
async function cycle(params: AgentLoopParams, info: CycleInfo): Promise<CycleResult> {
  try {
    return await params.runCycle(params.signal, info);
  } catch (error) {
    params.log({ level: "error", event: "cycle", message: `cycle failed: ${messageOf(error)}` });
    return { certificates: [] };
  }
}

/** Logs what changed, moves the backoff, and returns how many certificates failed (or are still pending). */
function record(result: CycleResult, backoff: ReturnType<typeof createBackoff>, now: number, log: AgentLoopParams["log"]): number {
  // Counted in the one pass (no per-cycle arrays): the loop runs for months (scripts/bench/agent-rss.mjs).
  let failed = 0;
  let pending = 0;
  let changed = 0;
  let waiting = 0;
  let stopped = 0;
  backoff.retain(new Set(result.certificates.map((c) => c.dir)));
  for (const c of result.certificates) {
    if (c.event === "failed" || c.event === "pending") {
      if (c.event === "failed") failed++;
      else pending++;
      const waitMs = backoff.failed(c.dir, now);
      log({ level: c.event === "failed" ? "error" : "warn", event: c.event, certificate: c.certificate, message: `${c.message ?? c.event}; next try in ${Math.round(waitMs / 1000)}s` });
    } else if (c.event === "issued" || c.event === "renewed" || c.event === "reinstalled") {
      changed++;
      backoff.succeeded(c.dir);
      log({ level: "info", event: c.event, certificate: c.certificate, message: c.message ?? c.event });
    } else if (c.event === "unchanged") {
      backoff.succeeded(c.dir);
    } else if (c.event === "interrupted") {
      stopped++;
    } else {
      waiting++;
    }
  }
  const more = (pending > 0 ? `, ${pending} pending` : "") + (waiting > 0 ? `, ${waiting} waiting to retry` : "") +
    (stopped > 0 ? `, ${stopped} left for the next start` : "");
  log({ level: failed + pending > 0 ? "warn" : "info", event: "cycle", message: `${result.certificates.length} certificate(s): ${changed} changed, ${failed} failed${more}` });
  return failed + pending;
}

async function refreshToken(params: AgentLoopParams): Promise<void> {
  try {
    const what = await params.token!.refresh();
    if (what !== "unchanged") params.log({ level: "info", event: "token", message: what === "renewed" ? "renewed the access token" : "logged in again (token near its max TTL)" });
  } catch (error) {
    // The next cycle logs in again if it must; a refresh failure is not fatal.
    params.log({ level: "warn", event: "token", message: `could not renew the access token: ${messageOf(error)}` });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
