// One renewal at a time per directory. proper-lockfile creates the lock with mkdir (atomic)
// and refreshes its mtime while we hold it; a lock whose mtime stopped moving (its process
// died, even by kill -9) is stale and taken over. A second run waits a bounded time, then
// gives up so the caller can report the directory as skipped — never renewed twice.
import { rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import lockfile from "proper-lockfile";
import { fileError } from "./atomic.js";
import { FileError } from "../model/errors.js";
import { STATE_DIR_MODE, makeOwnDir, makeStateDir, makeUserDir } from "./dirs.js";
import { stateDir } from "./live.js";
import { sleep } from "../util/sleep.js";

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
/**
 * proper-lockfile's signal-exit hooks SIGXFSZ and, when it is the only listener, re-raises it with
 * the default action: a write over a file-size limit (ulimit -f) would then kill certctl mid-swap
 * instead of failing with EFBIG (exit 7, the old set intact). A listener of our own keeps Node's
 * own choice, which is to ignore the signal and let the write fail.
 */
function keepFileSizeErrors(): void {
  if (!process.listeners("SIGXFSZ").includes(ignoreSignal)) process.on("SIGXFSZ", ignoreSignal);
}
function ignoreSignal(): void {}

export async function acquireDirectoryLock(dir: string, opts: AcquireOptions): Promise<DirectoryLock | undefined> {
  keepFileSizeErrors();
  await makeStateDir(dir);
  const deadline = Date.now() + opts.waitMs;
  let waited = false;
  const state = { compromised: false };
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const release = await lockfile.lock(dir, {
        lockfilePath: lockPath(dir),
        // The lock is the lock folder itself (an explicit path): resolving `dir` through its links
        // first (proper-lockfile's default) only names its in-process record, at five
        // thread-pool trips per directory.
        realpath: false,
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

/**
 * `issue`'s hold on its out dir: the same lock as renew's, so concurrent `issue --force` runs (and a
 * renew) take turns and certctl.json always names the certificate that is live. Throws a FileError
 * when another run still holds it after `waitMs`. Folders created only to hold the lock are removed
 * again on release when nothing else was put in them, so an issue refused later leaves no trace.
 */
export async function acquireIssueLock(outDir: string, opts: AcquireOptions): Promise<DirectoryLock> {
  keepFileSizeErrors();
  const firstCreated = await makeUserDir(outDir);
  const stateCreated = await makeOwnDir(stateDir(outDir), STATE_DIR_MODE);
  const cleanUp = async () => {
    if (stateCreated) await rmdir(stateDir(outDir)).catch(() => undefined);
    if (firstCreated === undefined) return;
    // From the out dir up to the first folder made for it; rmdir only ever removes an empty one.
    for (let dir = outDir; ; dir = dirname(dir)) {
      if ((await rmdir(dir).then(() => true, () => false)) === false || dir === firstCreated || dirname(dir) === dir) break;
    }
  };
  let lock: DirectoryLock | undefined;
  try {
    lock = await acquireDirectoryLock(outDir, opts);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  if (!lock) {
    await cleanUp();
    throw new FileError(`another certctl run is writing ${outDir} (it held the lock for ${Math.round(opts.waitMs / 1000)} s); nothing was sent`, {
      hint: "Wait for it to finish and run the command again.",
    });
  }
  const held = lock;
  return {
    get compromised() {
      return held.compromised;
    },
    release: async () => {
      await held.release();
      await cleanUp();
    },
  };
}
