// Work over many directories with a bounded number in flight: a fleet run must pace itself
// rather than trip Infisical's per-minute rate limits. Every directory is tried (one failure
// does not stop the others); an interruption stops new ones from starting while the ones in
// flight finish their current step.
import { isSignalReason } from "../context.js";
import { ExitCode, mostSevere } from "../errors.js";

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

/** 0 when every code is 0; otherwise the most severe code, and 130/143 when the run was interrupted. */
export function fleetExitCode(codes: Iterable<number>, signal?: AbortSignal): number {
  const all = [...codes];
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    all.push(isSignalReason(reason) && reason.signal === "SIGTERM" ? ExitCode.sigterm : ExitCode.sigint);
  }
  return mostSevere(all);
}
