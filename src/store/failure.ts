// `.certctl/last-failure.json`: the last attempt on a directory that failed (when, its exit code,
// why), so `list`, `check` and the metrics file can say a renewal is failing before the
// certificate runs out. Written by renew (and the agent) on a failed attempt and removed on
// success. The message is an error message certctl printed anyway: never a secret or a key.
import { tryLstat, tryRead } from "./probe.js";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { PUBLIC_MODE, writeFileAtomic } from "./atomic.js";
import { STATE_DIR_MODE, makeOwnDir } from "./dirs.js";
import { stateDir } from "./live.js";

export const LAST_FAILURE_FILE = "last-failure.json";

export interface LastFailure {
  /** ISO 8601. */
  time: string;
  exitCode: number;
  message: string;
}

function failureFile(dir: string): string {
  return join(stateDir(dir), LAST_FAILURE_FILE);
}

/**
 * The recorded failure, or undefined when there is none. A file that does not read as one is
 * treated as none: it is a note for the operator, and must never make a directory unusable.
 */
export async function readLastFailure(dir: string): Promise<LastFailure | undefined> {
  const text = tryRead(failureFile(dir));
  if (text === undefined) return undefined;
  try {
    const data = JSON.parse(text.toString("utf8")) as Partial<LastFailure>;
    if (typeof data.time !== "string" || Number.isNaN(Date.parse(data.time)) || typeof data.exitCode !== "number" || typeof data.message !== "string") return undefined;
    return { time: data.time, exitCode: data.exitCode, message: data.message };
  } catch {
    return undefined;
  }
}

/** Replace the record atomically; `.certctl/` is created with its usual mode when missing. */
export async function recordFailure(dir: string, failure: LastFailure): Promise<void> {
  await makeOwnDir(stateDir(dir), STATE_DIR_MODE);
  await writeFileAtomic(failureFile(dir), JSON.stringify(failure, null, 2) + "\n", PUBLIC_MODE);
}

export async function clearFailure(dir: string): Promise<void> {
  if (tryLstat(failureFile(dir)) === undefined) return; // the usual case: nothing to clear, no thread-pool trip
  await rm(failureFile(dir), { force: true });
}
