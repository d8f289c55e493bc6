// `certctl renew` for one due directory: renew it under the directory's lock, then run its deploy
// hook. Loaded only when something is due (key generation, CSR building, the API, locks).
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { ExitCode, HookError, InterruptedError, isSignalReason } from "../../model/errors.js";
import { formatDuration } from "../../model/duration.js";
import { preflightRenewal } from "../../store/layout.js";
import { acquireDirectoryLock } from "../../store/lock.js";
import { metadataPaths } from "../../store/metadata.js";
import { runDeployHook, type HookResult } from "../hooks.js";
import { withoutPasswordVariables } from "../formats/passwords.js";
import type { IssueResult } from "../request/record.js";
import { wholeDays } from "./due.js";
import type { RenewDeps } from "./fleet.js";
import { failedResult, planDirectory, planResult, type DirPlan, type DirResult, type RenewParams } from "./plan.js";
import { requestRenewal, type KeySource, type RenewServer } from "./request.js";
import { outstandingRequest, resumeOutstanding, type KeptRequest } from "./resume.js";

/**
 * `onChecked` is told once this directory has passed the checks that can fail without a request
 * (or is about to wait: for another run's lock, for a kept request), and again when it is done.
 */
export async function renewDirectory(plan: DirPlan, params: RenewParams, server: RenewServer, deps: RenewDeps & { onChecked?: () => void }): Promise<DirResult> {
  let lock;
  try {
    lock = await acquireDirectoryLock(plan.dir, {
      waitMs: params.lockWaitMs, signal: deps.signal,
      onWait: () => {
        deps.onChecked?.();
        deps.onProgress?.(plan.input, { kind: "waiting-for-lock" });
      },
    });
  } catch (error) {
    if (!deps.signal.aborted) return failedResult(plan.input, plan.dir, error);
    const reason: unknown = deps.signal.reason;
    const signal = isSignalReason(reason) ? reason.signal : "SIGINT";
    return failedResult(plan.input, plan.dir, new InterruptedError(signal, "interrupted while waiting for another certctl run's lock; nothing was changed"));
  }
  if (!lock) {
    return {
      input: plan.input, dir: plan.dir, outcome: "skipped", exitCode: ExitCode.ok,
      reason: `another certctl run holds the lock on this directory (waited ${formatDuration(params.lockWaitMs)}); left to it`,
    };
  }
  try {
    // What we read may be stale: another run may have renewed it while we waited for the lock.
    const current = { ...(await planDirectory(plan.dir, plan.dir, deps.now(), params, plan)), input: plan.input };
    // certctl.json names the paths: a renewal replaces only what certctl installed (nothing sent otherwise).
    await preflightRenewal(current.dir, metadataPaths(current.dir, current.meta), { writeKey: current.meta.mode !== "csr" });
    const kept = await outstandingRequest(plan.dir);
    if (kept) {
      deps.onChecked?.();
      return await resumed(current, kept, params, server, deps);
    }
    if (current.meta.certificateId !== plan.meta.certificateId || !current.renew) {
      const result = planResult({ ...current, renew: false }, false);
      result.reason = "renewed by another certctl run meanwhile";
      return result;
    }
    const renewed = await requestRenewal(current, params, server, {
      signal: deps.signal, now: deps.now, env: deps.env, onProgress: (event) => deps.onProgress?.(plan.input, event),
      ...(deps.onChecked ? { onChecked: deps.onChecked } : {}),
    });
    const { issued } = renewed;
    const result: DirResult = {
      input: plan.input, dir: plan.dir, outcome: "renewed", exitCode: ExitCode.ok,
      certificateId: issued.certificateId, serialNumber: issued.serialNumber, notAfter: issued.notAfter,
      daysLeft: wholeDays(Date.parse(issued.notAfter) - deps.now().getTime()),
      previousCertificateId: current.meta.certificateId, previousSerialNumber: current.validity.serialNumber,
      method: renewed.method, keySource: await keySourceSeen(renewed.keySource, current.certPem, issued),
    };
    if (renewed.fallbackReason !== undefined) result.fallbackReason = renewed.fallbackReason;
    return await withDeployHook(result, issued, current, params, deps);
  } catch (error) {
    return failedResult(plan.input, plan.dir, error);
  } finally {
    await lock.release();
    deps.onChecked?.();
  }
}

/** A previous run's request, resumed instead of sending a new one. */
async function resumed(current: DirPlan, kept: KeptRequest, params: RenewParams, server: RenewServer, deps: RenewDeps): Promise<DirResult> {
  const issued = await resumeOutstanding(current.dir, kept, params, server, {
    signal: deps.signal, now: deps.now, env: deps.env, onProgress: (event) => deps.onProgress?.(current.input, event),
  });
  const result: DirResult = {
    input: current.input, dir: current.dir, outcome: "renewed", exitCode: ExitCode.ok,
    certificateId: issued.certificateId, serialNumber: issued.serialNumber, notAfter: issued.notAfter,
    daysLeft: wholeDays(Date.parse(issued.notAfter) - deps.now().getTime()),
    previousCertificateId: current.meta.certificateId, previousSerialNumber: current.validity.serialNumber,
    method: "renew", resumedRequestId: kept.record.certificateRequestId,
  };
  // An approved renewal installed by a later run replaces the set like any other: the service must reload.
  return withDeployHook(result, issued, current, params, deps);
}

/** Runs the directory's deploy hook (renew --deploy-hook, else the recorded one) after its new set is in place. */
async function withDeployHook(result: DirResult, issued: IssueResult, current: DirPlan, params: RenewParams, deps: RenewDeps): Promise<DirResult> {
  const command = params.deployHook ?? current.meta.deployHook;
  if (command === undefined) return result;
  // A password variable the set's formats name (password-env) is a secret the hook never sees.
  const hook = await deploy(command, result, issued, params, { ...deps, env: withoutPasswordVariables(deps.env, current.meta.formats) });
  result.hook = { ok: hook.ok, exitCode: hook.exitCode, ...(hook.reason !== undefined ? { reason: hook.reason } : {}) };
  if (!hook.ok) {
    // The new files stay: they are complete and verified; only the reload did not happen.
    const error = new HookError(`${hook.reason ?? "deploy hook failed"}; the new certificate is in place`);
    result.outcome = "hook-failed";
    result.exitCode = error.exitCode;
    result.reason = error.message;
  }
  return result;
}

/** A server-made key is "the same" only when the new certificate carries the old public key: some builds ignore `reuse`. */
async function keySourceSeen(asked: KeySource, previousCertPem: string, issued: IssueResult): Promise<KeySource> {
  if (issued.mode !== "server-keygen") return asked;
  const spki = (pem: string) => new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });
  return spki(previousCertPem).equals(spki(await readFile(issued.files.cert, "utf8"))) ? "reused-server-key" : "new-server-key";
}

async function deploy(command: string, result: DirResult, issued: IssueResult, params: RenewParams, deps: RenewDeps): Promise<HookResult> {
  if (deps.signal.aborted) {
    return { ok: false, exitCode: null, signal: null, timedOut: false, reason: "deploy hook not run: certctl was interrupted" };
  }
  const { files } = issued;
  return runDeployHook({
    command,
    variables: {
      dir: result.dir, cert: files.cert, chain: files.chain, fullchain: files.fullchain,
      ...(files.key !== undefined ? { key: files.key } : {}),
      serialNumber: result.serialNumber ?? "", notAfter: result.notAfter ?? "",
    },
    timeoutMs: params.hookTimeoutMs,
    env: deps.env,
    output: deps.hookOutput,
    signal: deps.signal,
  });
}
