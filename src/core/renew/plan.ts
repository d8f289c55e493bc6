// `certctl renew` for one directory, the planning half: read certctl.json and the certificate on
// disk and decide whether it is due. Planning reads only local files and loads nothing heavy, so a
// run where nothing is due sends no request and stays cheap; renewing is directory.ts.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CertctlError, ExitCode, FileError, UsageError, fileError } from "../../model/errors.js";
import { metadataPaths, readMetadata, type CertctlMetadata } from "../../store/metadata.js";
import { checkDirectoryTrust } from "../../store/trust.js";
import { listPending } from "../../store/pending.js";
import { renewWithCsrCommand, resumeCommand } from "../../model/commands.js";
import { DOMAIN_NAMES, type InputNames } from "../input-names.js";
import { certificateValidity, decideDue, wholeDays, type CertificateValidity, type DueDecision, type RenewBefore } from "./due.js";
import { formatDuration } from "../../model/duration.js";
import type { KeySource } from "./request.js";

/** Everything `certctl renew` was asked to do, checked before any file is read or request sent. */
export interface RenewParams {
  /** The directories as the user named them, in that order. */
  dirs: string[];
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
  /** At most this many directories in flight. */
  concurrency: number;
  /** Sleep a random time up to this before the first request (0: none). */
  randomDelayMs: number;
  /** Run once before the first renewal of this run, and once after it when something was renewed. */
  preHook?: string;
  postHook?: string;
  /** --trust-shared-dir: accept a certctl.json that a group or another user can write. */
  trustSharedDir?: boolean;
  /** renew --csr: the CSR to submit for a --csr directory (read before anything is sent). */
  csrPem?: string;
  /** How messages name the inputs (the cli passes its flags); domain words when absent. */
  names?: InputNames;
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
  /** Set when a request a previous run left pending was resumed (and nothing new was sent). */
  resumedRequestId?: string;
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
  /** Serial number and dates of the certificate on disk. */
  validity: CertificateValidity;
  decision: DueDecision;
  /** Due, revoked, or --force. */
  renew: boolean;
  /** A --csr directory's CSR to resubmit (renew --csr, or the one kept in certctl.json) and its public key. */
  csrPem?: string;
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

/**
 * Read certctl.json and the certificate it names; decide from the certificate's own dates.
 * `previous`: the plan made before the lock was taken; when the certificate file is still the
 * same text its dates are reused rather than parsed again.
 */
export async function planDirectory(input: string, cwd: string, now: Date, opts: Pick<RenewParams, "renewBefore" | "force" | "csrPem" | "trustSharedDir" | "names">, previous?: DirPlan): Promise<DirPlan> {
  const dir = resolve(cwd, input);
  // certctl.json names the server that receives the credentials and the files a renewal replaces.
  await checkDirectoryTrust(dir, { trustSharedDir: opts.trustSharedDir === true });
  const meta = await readMetadata(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") throw new FileError(`${dir} is not a directory`);
    throw error;
  });
  if (!meta && !existsSync(dir)) {
    throw new FileError(`${dir} does not exist`, { hint: "Name the directory certctl issue wrote to (it holds certctl.json)." });
  }
  if (!meta) {
    // The first issue is still pending: point at the request, not at a second `issue` (a second request).
    const [pending] = await listPending(dir);
    if (pending !== undefined) {
      throw new FileError(`no certctl.json in ${dir} yet: its first certificate request ${pending} is still pending`, {
        hint: `Finish it with: ${resumeCommand(pending, dir, { wait: true })}`,
      });
    }
    throw new FileError(`no certctl.json in ${dir}: not a directory certctl issue wrote to`, {
      hint: `Issue a certificate into ${dir} first (certctl issue), or name the directory that holds certctl.json.`,
    });
  }
  const certFile = metadataPaths(dir, meta).cert;
  let certPem: string;
  try {
    certPem = readFileSync(certFile, "utf8");
  } catch (error) {
    throw fileError("read the certificate", certFile, error);
  }
  let validity = previous?.certPem === certPem ? previous.validity : undefined;
  try {
    validity ??= certificateValidity(certPem);
  } catch {
    throw new FileError(`${certFile} is not a readable PEM certificate`);
  }
  const decision = decideDue(validity, now, opts.renewBefore);
  // A revoked certificate is replaced whatever its dates say: services must not keep serving it.
  const plan: DirPlan = { input, dir, meta, certPem, validity, decision, renew: decision.due || opts.force || meta.revokedAt !== undefined };
  if (opts.csrPem !== undefined && meta.mode !== "csr") {
    throw new UsageError(`${(opts.names ?? DOMAIN_NAMES).csr} applies only to directories issued from a CSR; ${dir} holds a ${meta.mode} certificate`);
  }
  if (meta.mode === "csr") {
    const csrPem = opts.csrPem ?? meta.csr;
    // Found while planning, so a dry run says what the real run would: no CSR, no renewal.
    if (csrPem === undefined && plan.renew) {
      throw new UsageError(`${dir} was issued from your own CSR and keeps no CSR to resubmit`, {
        hint: `Pass the CSR to resubmit: ${renewWithCsrCommand(input)}.`,
      });
    }
    if (csrPem !== undefined) plan.csrPem = csrPem;
  }
  return plan;
}

/** The result for a directory that is not renewed in this run (not due, or --dry-run). */
export function planResult(plan: DirPlan, dryRun: boolean, names: Pick<InputNames, "force"> = DOMAIN_NAMES): DirResult {
  const result: DirResult = {
    input: plan.input, dir: plan.dir, outcome: plan.renew ? "would-renew" : "not-due", exitCode: ExitCode.ok,
    certificateId: plan.meta.certificateId, serialNumber: plan.validity.serialNumber, notAfter: plan.validity.notAfter.toISOString(),
    daysLeft: wholeDays(plan.decision.remainingMs), dueAt: plan.decision.dueAt.toISOString(),
  };
  if (plan.renew && dryRun) {
    const why = plan.meta.revokedAt !== undefined ? "revoked" : plan.decision.expired ? "expired" : plan.decision.due ? `due: less than ${formatDuration(plan.decision.marginMs)} left` : `not due, but ${names.force === undefined ? "forced" : names.force}`;
    result.reason = `${why}; dry run, nothing sent`;
  }
  return result;
}

