// What a renew run leaves behind for list, check and the metrics file: a directory whose attempt
// failed gets `.certctl/last-failure.json` (when, exit code, why); one that renewed or was found
// not due has it removed. Best effort: the note must never turn a renewal into a failure.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../../model/errors.js";
import { clearFailure, recordFailure } from "../../store/failure.js";
import { METADATA_FILE } from "../../store/metadata.js";
import type { DirResult } from "../renew/plan.js";

export async function recordOutcomes(results: readonly DirResult[], now: Date): Promise<void> {
  await Promise.all(results.map((result) => recordOutcome(result, now).catch(() => undefined)));
}

async function recordOutcome(result: DirResult, now: Date): Promise<void> {
  switch (result.outcome) {
    case "renewed":
    case "not-due":
      return clearFailure(result.dir);
    case "failed":
    case "hook-failed":
      // Still pending is the pending state, not a failure; and a directory that is not a
      // certificate directory (a typo, a missing path) gets nothing written into it.
      if (result.exitCode === ExitCode.pending) return;
      if (!existsSync(join(result.dir, METADATA_FILE))) return;
      return recordFailure(result.dir, { time: now.toISOString(), exitCode: result.exitCode, message: result.reason ?? `exit ${result.exitCode}` });
    default:
      return; // skipped, interrupted, would-renew: nothing was decided about this directory
  }
}
