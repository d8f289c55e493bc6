// Work over many directories with a bounded number in flight: a fleet run must pace itself
// rather than trip Infisical's per-minute rate limits. Every directory is tried (one failure
// does not stop the others); an interruption stops new ones from starting while the ones in
// flight finish their current step.
import type { InfisicalApi } from "../../api/infisical.js";
import { isSignalReason } from "../../model/errors.js";
import { ExitCode, mostSevere } from "../../model/errors.js";
import { sleep } from "../../util/sleep.js";
import type { Writable } from "node:stream";
import { failedResult, planDirectory, planResult, type DirPlan, type DirResult, type RenewParams } from "./plan.js";
import type { RenewServer } from "./request.js";
import type { IssueProgress } from "../request/record.js";
import { runDeployHook, type HookResult } from "../hooks.js";
import { discoverDirectories } from "../fleet/discover.js";
import { recordOutcomes } from "../fleet/outcomes.js";

export interface FleetOptions<I, R> {
  concurrency: number;
  signal: AbortSignal;
  /** The result for an item never started because the run was interrupted. */
  notStarted: (item: I) => R;
  /** The result for an item whose worker threw (workers should return failures, not throw). */
  failed: (item: I, error: unknown) => R;
  /** Called as each item finishes, in completion order (for streaming lines). */
  onResult?: (result: R, index: number) => void;
}

/** Results in the order of `items`. */
export async function runFleet<I, R>(items: readonly I[], worker: (item: I, index: number) => Promise<R>, opts: FleetOptions<I, R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      const item = items[index] as I;
      let result: R;
      if (opts.signal.aborted) result = opts.notStarted(item);
      else {
        try {
          result = await worker(item, index);
        } catch (error) {
          result = opts.failed(item, error);
        }
      }
      results[index] = result;
      opts.onResult?.(result, index);
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}

/** Calls `emit` in index order: a result waits until every earlier one has been reported. */
function inArgumentOrder<R>(total: number, emit: ((result: R) => void) | undefined): (index: number, result: R) => void {
  const known = new Array<R | undefined>(total);
  let next = 0;
  return (index, result) => {
    known[index] = result;
    while (next < total && known[next] !== undefined) {
      const ready = known[next]!;
      next += 1; // not inside emit?.(…): an absent emit would skip its arguments and loop forever
      emit?.(ready);
    }
  };
}

/** 0 when every code is 0; otherwise the most severe code, and 130/143 when the run was interrupted. */
export function fleetExitCode(codes: Iterable<number>, signal?: AbortSignal): number {
  const all = [...codes];
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    all.push(isSignalReason(reason) && reason.signal === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint);
  }
  return mostSevere(all);
}

// ---- certctl renew over many directories -------------------------------------------------

/** Directories worked on at once per request in flight (see renewDirectories). */
const LOCAL_LANES_PER_REQUEST = 2;

export type RenewProgress = IssueProgress | { kind: "waiting-for-lock" } | { kind: "delay"; ms: number } | { kind: "hook"; which: "pre" | "post" };

/** What a renew run needs from its surroundings: clock, signal, environment, a client per server, and its listeners. */
export interface RenewDeps {
  cwd: string;
  now: () => Date;
  signal: AbortSignal;
  /** certctl's environment, which hooks inherit minus the secrets. */
  env: NodeJS.ProcessEnv;
  /** Where the hooks' output goes (certctl's stderr). */
  hookOutput: Writable;
  /** A client for the server a directory's certificate came from (its recorded API root). */
  connect(recordedDomain: string): Promise<RenewServer & { api: InfisicalApi }>;
  /**
   * Throws when a directory's recorded server may not be used in this run (another server is in
   * effect). Asked while planning, before anything is sent, so a dry run says what the real run
   * would refuse; connect() refuses the same way.
   */
  checkServer?(recordedDomain: string): void;
  random?: () => number;
  onProgress?: (input: string, event: RenewProgress) => void;
  onResult?: (result: DirResult) => void;
}

export interface RenewRunResult {
  results: DirResult[];
  exitCode: number;
  /** The --pre-hook/--post-hook runs (absent when not given or not run). */
  hooks: { pre?: HookResult; post?: HookResult };
}

/**
 * Plan every directory from local files; if anything is due (and this is not a dry run), wait
 * the random delay, then renew the due ones with bounded concurrency. Every directory is tried.
 */
export async function renewDirectories(params: RenewParams, deps: RenewDeps): Promise<RenewRunResult> {
  const now = deps.now();
  // A directory without certctl.json stands for its subdirectories that have one (DESIGN-ops.md).
  const targets = await discoverDirectories(params.dirs, deps.cwd);
  const planned = await Promise.all(targets.map(async ({ input, dir, error: notManaged }) => {
    try {
      if (notManaged) throw notManaged;
      return await planDirectory(input, deps.cwd, now, params);
    } catch (error) {
      return failedResult(input, dir, error);
    }
  }));
  const checked = planned.map((p) => ("meta" in p && p.renew ? serverCheck(p, params.dryRun, deps) : p));
  const results: DirResult[] = checked.map((p) => ("meta" in p ? (p.renew && !params.dryRun ? undefined : planResult(p, params.dryRun, params.names)) : p)) as DirResult[];
  const due = checked.flatMap((p, index) => ("meta" in p && p.renew && !params.dryRun ? [{ plan: p, index }] : []));
  // Lines stream in argument order (a cron log reads like the command line), each as soon as it
  // and every one before it are known.
  const report = inArgumentOrder(results.length, deps.onResult);
  results.forEach((result, index) => result && report(index, result));
  const hooks: RenewRunResult["hooks"] = {};
  if (due.length === 0) {
    if (!params.dryRun) await recordOutcomes(results, deps.now());
    return { results, exitCode: fleetExitCode(results.map((r) => r.exitCode)), hooks };
  }

  // Something is due: load the renewing half now, so that it loads while the login is on the wire.
  const renewer = import("./directory.js");
  renewer.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  const clients = new Map<string, Promise<RenewServer & { api: InfisicalApi }>>();
  try {
    if (params.randomDelayMs > 0) {
      const ms = Math.floor((deps.random ?? Math.random)() * params.randomDelayMs);
      deps.onProgress?.(due[0]!.plan.input, { kind: "delay", ms });
      await sleep(ms, deps.signal).catch(() => undefined);
    }
    if (params.preHook !== undefined) hooks.pre = await runRunHook("pre", params.preHook, params, deps);
    const notStarted = (item: { plan: DirPlan }): DirResult => ({
      input: item.plan.input, dir: item.plan.dir, outcome: "interrupted", exitCode: interruptCode(deps.signal),
      reason: "not started: certctl was interrupted",
    });
    // The first directory goes ahead alone until it has passed its checks: its login then goes on
    // the wire while the others make their keys, instead of after all of their first steps.
    let firstChecked!: () => void;
    const headStart = new Promise<void>((resolve) => (firstChecked = resolve));
    const renewed = await runFleet(due, async ({ plan }, index) => {
      if (index > 0) {
        await headStart;
        if (deps.signal.aborted) return notStarted({ plan }); // stopped while the first one went ahead
      }
      try {
        const domain = plan.meta.domain;
        if (!clients.has(domain)) clients.set(domain, deps.connect(domain));
        const [server, { renewDirectory }] = await Promise.all([clients.get(domain)!, renewer]);
        return await renewDirectory(plan, params, server, index === 0 ? { ...deps, onChecked: firstChecked } : deps);
      } finally {
        if (index === 0) firstChecked(); // whatever became of it (a failed connection included)
      }
    }, {
      // The server sees at most --concurrency requests (deps.connect's client holds the rest in
      // line); twice as many directories are worked on, so that one directory's key, checks and
      // files overlap with the others' requests instead of leaving a place on the wire empty.
      concurrency: params.concurrency * LOCAL_LANES_PER_REQUEST,
      signal: deps.signal,
      notStarted,
      failed: (item, error) => failedResult(item.plan.input, item.plan.dir, error),
      onResult: (result, i) => report(due[i]!.index, result),
    });
    due.forEach(({ index }, i) => (results[index] = renewed[i]!));
  } finally {
    for (const client of clients.values()) await client.then((c) => c.api.close(), () => undefined);
  }
  // Once per run, like certbot's: a post-hook restarts what the pre-hook stopped, or reloads once for all.
  const anyRenewed = results.some((r) => r.outcome === "renewed" || r.outcome === "hook-failed");
  if (params.postHook !== undefined && anyRenewed) hooks.post = await runRunHook("post", params.postHook, params, deps);
  await recordOutcomes(results, deps.now());
  const hookCodes = [hooks.pre, hooks.post].map((hook) => (hook && !hook.ok ? ExitCode.hook : ExitCode.ok));
  return { results, exitCode: fleetExitCode([...results.map((r) => r.exitCode), ...hookCodes], deps.signal), hooks };
}

/** A due directory whose recorded server is refused fails here (a dry run: "would be refused"). */
function serverCheck(plan: DirPlan, dryRun: boolean, deps: RenewDeps): DirPlan | DirResult {
  try {
    deps.checkServer?.(plan.meta.domain);
    return plan;
  } catch (error) {
    const result = failedResult(plan.input, plan.dir, error);
    if (dryRun) result.reason = `would be refused: ${result.reason ?? ""}`;
    return result;
  }
}

async function runRunHook(which: "pre" | "post", command: string, params: RenewParams, deps: RenewDeps): Promise<HookResult> {
  deps.onProgress?.("", { kind: "hook", which });
  return runDeployHook({
    command, label: `${which}-hook`, cwd: deps.cwd, timeoutMs: params.hookTimeoutMs, env: deps.env, output: deps.hookOutput, signal: deps.signal,
  });
}

function interruptCode(signal: AbortSignal): number {
  const reason: unknown = signal.reason;
  return isSignalReason(reason) && reason.signal === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint;
}
