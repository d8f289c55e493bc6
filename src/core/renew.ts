// `certctl renew` for one directory: read certctl.json and the certificate on disk, decide
// whether it is due, and if so renew it under the directory's lock, then run the deploy hook.
// Planning reads only local files, so a run where nothing is due sends no request at all.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import { isSignalReason } from "../context.js";
import { CertctlError, ExitCode, FileError, HookError, InterruptedError } from "../errors.js";
import type { InstallOptions } from "../store/layout.js";
import { acquireDirectoryLock } from "../store/lock.js";
import { metadataPaths, readMetadata, type CertctlMetadata } from "../store/metadata.js";
import { certificateValidity, decideDue, wholeDays, type DueDecision, type RenewBefore } from "./due.js";
import { runDeployHook, type HookResult } from "./hooks.js";
import { requestRenewal, type KeySource, type RenewRequestDeps } from "./renew-request.js";
import { formatDuration } from "./duration.js";

export interface RenewOptions {
  renewBefore: RenewBefore;
  /** Renew even when not due. */
  force: boolean;
  dryRun: boolean;
  reuseKey: boolean;
  deployHook?: string;
  hookTimeoutMs: number;
  /** How long to wait for another run's lock on a directory before skipping it. */
  lockWaitMs: number;
  wait: boolean;
  waitTimeoutMs: number;
}

export type DirOutcome = "renewed" | "not-due" | "would-renew" | "skipped" | "failed" | "hook-failed" | "interrupted";

export interface DirResult {
  /** The directory as the user named it. */
  input: string;
  dir: string;
  outcome: DirOutcome;
  exitCode: number;
  /** Why it failed or was skipped, or why a not-due directory was left alone. */
  reason?: string;
  hint?: string;
  certificateId?: string;
  serialNumber?: string;
  notAfter?: string;
  daysLeft?: number;
  /** When a not-due certificate becomes due. */
  dueAt?: string;
  previousCertificateId?: string;
  previousSerialNumber?: string;
  method?: "renew" | "reissue";
  keySource?: KeySource;
  /** Set when the server refused to renew and a fresh certificate was issued instead. */
  fallbackReason?: string;
  hook?: { ok: boolean; exitCode: number | null; reason?: string };
}

/** A directory read and judged, with nothing sent. */
export interface DirPlan {
  input: string;
  dir: string;
  meta: CertctlMetadata;
  certPem: string;
  serialNumber: string;
  notAfter: Date;
  decision: DueDecision;
  /** Due, or --force. */
  renew: boolean;
}

export function failedResult(input: string, dir: string, error: unknown): DirResult {
  if (error instanceof CertctlError) {
    const result: DirResult = { input, dir, outcome: "failed", exitCode: error.exitCode, reason: [error.message, ...error.lines].join("; ") };
    if (error.hint) result.hint = error.hint;
    if (error.exitCode === ExitCode.sigint || error.exitCode === ExitCode.sigterm) result.outcome = "interrupted";
    return result;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { input, dir, outcome: "failed", exitCode: ExitCode.internal, reason: `internal error: ${message} (a bug in certctl; please report it)` };
}

/** Read certctl.json and the certificate it names; decide from the certificate's own dates. */
export async function planDirectory(input: string, cwd: string, now: Date, opts: Pick<RenewOptions, "renewBefore" | "force">): Promise<DirPlan> {
  const dir = resolve(cwd, input);
  const meta = await readMetadata(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") throw new FileError(`${dir} is not a directory`);
    throw error;
  });
  if (!meta) {
    throw new FileError(`no certctl.json in ${dir}: not a directory certctl issue wrote to`, {
      hint: "Run certctl issue --out-dir <dir> first, or name the directory that holds certctl.json.",
    });
  }
  const certFile = metadataPaths(dir, meta).cert;
  let certPem: string;
  try {
    certPem = await readFile(certFile, "utf8");
  } catch (error) {
    throw new FileError(`cannot read the certificate ${certFile}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
  let validity;
  try {
    validity = certificateValidity(certPem);
  } catch {
    throw new FileError(`${certFile} is not a readable PEM certificate`);
  }
  const decision = decideDue(validity, now, opts.renewBefore);
  return { input, dir, meta, certPem, serialNumber: validity.serialNumber, notAfter: validity.notAfter, decision, renew: decision.due || opts.force };
}

/** The result for a directory that is not renewed in this run (not due, or --dry-run). */
export function planResult(plan: DirPlan, dryRun: boolean): DirResult {
  const result: DirResult = {
    input: plan.input, dir: plan.dir, outcome: plan.renew ? "would-renew" : "not-due", exitCode: ExitCode.ok,
    certificateId: plan.meta.certificateId, serialNumber: plan.serialNumber, notAfter: plan.notAfter.toISOString(),
    daysLeft: wholeDays(plan.decision.remainingMs), dueAt: plan.decision.dueAt.toISOString(),
  };
  if (plan.renew && dryRun) {
    const why = plan.decision.expired ? "expired" : plan.decision.due ? `due: less than ${formatDuration(plan.decision.marginMs)} left` : "not due, but --force";
    result.reason = `${why}; dry run, nothing sent`;
  }
  return result;
}

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
    const current = { ...(await planDirectory(plan.dir, plan.dir, deps.now(), opts)), input: plan.input };
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
      previousCertificateId: current.meta.certificateId, previousSerialNumber: current.serialNumber,
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
