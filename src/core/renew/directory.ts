// `certctl renew` for one due directory: renew it under the directory's lock, then run the deploy
// hook. Loaded only when something is due (key generation, CSR building, the API, locks).
import type { Writable } from "node:stream";
import { isSignalReason } from "../../model/errors.js";
import { ExitCode, HookError, InterruptedError } from "../../model/errors.js";
import type { InstallOptions } from "../../store/layout.js";
import { acquireDirectoryLock } from "../../store/lock.js";
import { metadataPaths } from "../../store/metadata.js";
import { wholeDays } from "./due.js";
import { runDeployHook, type HookResult } from "../hooks.js";
import { failedResult, planDirectory, planResult, type DirPlan, type DirResult, type RenewOptions } from "./plan.js";
import { requestRenewal, type RenewRequestDeps } from "./request.js";
import { formatDuration } from "../../model/duration.js";

export interface RenewDirDeps extends Omit<RenewRequestDeps, "installOptions"> {
  env: NodeJS.ProcessEnv;
  /** Where the deploy hook's output goes (certctl's stderr). */
  hookOutput: Writable;
  installOptions?: InstallOptions;
  onWaitingForLock?: () => void;
}

export async function renewDirectory(plan: DirPlan, opts: RenewOptions, deps: RenewDirDeps): Promise<DirResult> {
  let lock;
  try {
    lock = await acquireDirectoryLock(plan.dir, { waitMs: opts.lockWaitMs, signal: deps.signal, ...(deps.onWaitingForLock ? { onWait: deps.onWaitingForLock } : {}) });
  } catch (error) {
    if (!deps.signal.aborted) return failedResult(plan.input, plan.dir, error);
    const reason: unknown = deps.signal.reason;
    const signal = isSignalReason(reason) ? reason.signal : "SIGINT";
    return failedResult(plan.input, plan.dir, new InterruptedError(signal, "interrupted while waiting for another certctl run's lock; nothing was changed"));
  }
  if (!lock) {
    return {
      input: plan.input, dir: plan.dir, outcome: "skipped", exitCode: ExitCode.ok,
      reason: `another certctl run holds the lock on this directory (waited ${formatDuration(opts.lockWaitMs)}); left to it`,
    };
  }
  try {
    // What we read may be stale: another run may have renewed it while we waited for the lock.
    const current = { ...(await planDirectory(plan.dir, plan.dir, deps.now(), opts, plan)), input: plan.input };
    if (current.meta.certificateId !== plan.meta.certificateId || !current.renew) {
      const result = planResult({ ...current, renew: false }, false);
      result.reason = "renewed by another certctl run meanwhile";
      return result;
    }
    const paths = metadataPaths(current.dir, current.meta);
    const renewed = await requestRenewal(
      { dir: current.dir, meta: current.meta, paths, currentCertPem: current.certPem, reuseKey: opts.reuseKey, wait: opts.wait, waitTimeoutMs: opts.waitTimeoutMs },
      deps,
    );
    const { issued } = renewed;
    const result: DirResult = {
      input: plan.input, dir: plan.dir, outcome: "renewed", exitCode: ExitCode.ok,
      certificateId: issued.certificateId, serialNumber: issued.serialNumber, notAfter: issued.notAfter,
      daysLeft: wholeDays(Date.parse(issued.notAfter) - deps.now().getTime()),
      previousCertificateId: current.meta.certificateId, previousSerialNumber: current.validity.serialNumber,
      method: renewed.method, keySource: renewed.keySource,
    };
    if (renewed.fallbackReason !== undefined) result.fallbackReason = renewed.fallbackReason;
    if (opts.deployHook !== undefined) {
      const hook = await deploy(opts.deployHook, result, issued.files, opts, deps);
      result.hook = { ok: hook.ok, exitCode: hook.exitCode, ...(hook.reason !== undefined ? { reason: hook.reason } : {}) };
      if (!hook.ok) {
        // The new files stay: they are complete and verified; only the reload did not happen.
        const error = new HookError(`${hook.reason ?? "deploy hook failed"}; the new certificate is in place`);
        result.outcome = "hook-failed";
        result.exitCode = error.exitCode;
        result.reason = error.message;
      }
    }
    return result;
  } catch (error) {
    return failedResult(plan.input, plan.dir, error);
  } finally {
    await lock.release();
  }
}

async function deploy(command: string, result: DirResult, files: { cert: string; chain: string; fullchain: string; key?: string }, opts: RenewOptions, deps: RenewDirDeps): Promise<HookResult> {
  if (deps.signal.aborted) {
    return { ok: false, exitCode: null, signal: null, timedOut: false, reason: "deploy hook not run: certctl was interrupted" };
  }
  return runDeployHook({
    command,
    variables: {
      dir: result.dir, cert: files.cert, chain: files.chain, fullchain: files.fullchain,
      ...(files.key !== undefined ? { key: files.key } : {}),
      serialNumber: result.serialNumber ?? "", notAfter: result.notAfter ?? "",
    },
    timeoutMs: opts.hookTimeoutMs,
    env: deps.env,
    output: deps.hookOutput,
    signal: deps.signal,
  });
}
