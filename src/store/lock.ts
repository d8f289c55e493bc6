// One renewal at a time per directory. proper-lockfile creates the lock with mkdir (atomic)
// and refreshes its mtime while we hold it; a lock whose mtime stopped moving (its process
// died, even by kill -9) is stale and taken over. A second run waits a bounded time, then
// gives up so the caller can report the directory as skipped — never renewed twice.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { fileError } from "./atomic.js";
import { stateDir } from "./layout.js";

/** A lock not refreshed for this long belongs to a dead process. proper-lockfile refreshes at
 *  half of it; 10 s keeps takeover after a crash quick without risking a busy process losing it. */
const STALE_MS = 10_000;
const POLL_MS = 250;

export interface DirectoryLock {
  /** Whether the lock was lost while held (e.g. the lock folder was removed by hand). */
  readonly compromised: boolean;
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** How long to wait for another run to finish; 0 gives up at once. */
  waitMs: number;
  signal?: AbortSignal;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: () => void;
  /** Seams for tests (a crash test need not wait 10 s for staleness); defaults STALE_MS, POLL_MS. */
  staleMs?: number;
  pollMs?: number;
}

export function lockPath(dir: string): string {
  return join(stateDir(dir), "renew.lock");
}

/** The lock, or undefined when another run still held it after `waitMs`. */
export async function acquireDirectoryLock(dir: string, opts: AcquireOptions): Promise<DirectoryLock | undefined> {
  await mkdir(stateDir(dir), { recursive: true }).catch((error: unknown) => {
    throw fileError("create", stateDir(dir), error);
  });
  const deadline = Date.now() + opts.waitMs;
  let waited = false;
  const state = { compromised: false };
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const release = await lockfile.lock(dir, {
        lockfilePath: lockPath(dir),
        stale: opts.staleMs ?? STALE_MS,
        retries: 0,
        // Never throw from a timer: a lost lock is reported by the caller after its work.
        onCompromised: () => {
          state.compromised = true;
        },
      });
      return {
        get compromised() {
          return state.compromised;
        },
        release: async () => {
          await release().catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw fileError("lock", dir, error);
    }
    if (Date.now() >= deadline) return undefined;
    if (!waited) {
      waited = true;
      opts.onWait?.();
    }
    await sleep(Math.min(opts.pollMs ?? POLL_MS, Math.max(0, deadline - Date.now())), opts.signal);
  }
}

/** A sleep that ends early (throwing the abort reason) when the signal fires. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
