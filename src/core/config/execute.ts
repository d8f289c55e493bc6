// `certctl apply`'s execution: each planned entry acted on with the same core `issue` and
// `renew` use (issueCertificate, renewDirectory), one login shared by all, one entry's failure
// never stopping the others. Exit code: the most severe entry's.
import type { Readable, Writable } from "node:stream";
import type { InfisicalApi } from "../../api/infisical.js";
import type { Connection } from "../../api/config.js";
import { ExitCode, HookError, RefusedError } from "../../model/errors.js";
import { runDeployHook, type HookVariables } from "../hooks.js";
import { withoutPasswordVariables } from "../formats/passwords.js";
import { issueCertificate } from "../request/issue.js";
import type { IssueResult } from "../request/record.js";
import { renewDirectory } from "../renew/directory.js";
import { failedResult, type RenewParams } from "../renew/plan.js";
import { fleetExitCode, runFleet, type RenewProgress } from "../renew/fleet.js";
import { isUuid } from "../attributes/attributes.js";
import { fetchCertificate, latestRenewal } from "./fetch.js";
import { outstandingRequest, resumeOutstanding, type KeptRequest } from "../renew/resume.js";
import type { ApplyEntry } from "./entry.js";
import { dropFormatLinks, reinstallFormats } from "./reinstall.js";
import { metadataPaths } from "../../store/metadata.js";
import { runFailureHook } from "./failure-hook.js";
import type { Plan, PlanAction, PlanItem } from "./plan.js";

export type ApplyOutcome = "created" | "renewed" | "replaced" | "reinstalled" | "unchanged" | "failed" | "hook-failed" | "interrupted";

export interface ApplyResult {
  name: string;
  dir: string;
  action: PlanAction;
  outcome: ApplyOutcome;
  exitCode: number;
  reasons: string[];
  certificateId?: string;
  serialNumber?: string;
  notAfter?: string;
  error?: string;
  hint?: string;
  hook?: { ok: boolean; reason?: string };
}

export interface ApplyDeps {
  /** Where certctl runs: a failure hook's directory when the entry's does not exist. */
  cwd: string;
  /** One connection for the whole run (the file's server and auth). */
  connect(): Promise<{ api: InfisicalApi; connection: Connection }>;
  now: () => Date;
  signal: AbortSignal;
  stdin: Readable;
  /** certctl's environment, which hooks inherit minus the secrets. */
  env: NodeJS.ProcessEnv;
  hookOutput: Writable;
  concurrency?: number;
  onProgress?: (name: string, event: RenewProgress) => void;
  onResult?: (result: ApplyResult) => void;
}

/** The deps, with the environment hooks get (certctl's minus every password variable). */
type RunDeps = ApplyDeps & { hookEnv: NodeJS.ProcessEnv };

export async function executePlan(plan: Plan, given: ApplyDeps): Promise<{ results: ApplyResult[]; exitCode: number }> {
  // No hook sees a password variable any entry's formats name (password-env), now or as recorded.
  const hookEnv = withoutPasswordVariables(given.env, ...plan.items.flatMap((item) => [item.entry.params.formats, item.current?.meta.formats]));
  const deps: RunDeps = { ...given, hookEnv };
  let session: Promise<{ api: InfisicalApi; apiUrl: string }> | undefined;
  // Connected on the first entry that needs the server: an all-unchanged run sends nothing.
  const server = () => (session ??= deps.connect().then(({ api, connection }) => ({ api, apiUrl: connection.apiUrl })));
  try {
    const results = await runFleet<PlanItem, ApplyResult>(plan.items, (item) => act(item, server, deps), {
      concurrency: deps.concurrency ?? 4,
      signal: deps.signal,
      notStarted: (item): ApplyResult => ({ ...base(item), outcome: "interrupted", exitCode: ExitCode.sigint, error: "not started: certctl was interrupted" }),
      failed: (item, error) => failure(item, error),
      onResult: (result) => deps.onResult?.(result),
    });
    return { results, exitCode: fleetExitCode(results.map((r) => r.exitCode), deps.signal) };
  } finally {
    if (session) await session.then((s) => s.api.close(), () => undefined);
  }
}

function base(item: PlanItem): Pick<ApplyResult, "name" | "dir" | "action" | "reasons"> {
  return { name: item.entry.name, dir: item.entry.dir, action: item.action, reasons: item.reasons };
}

async function act(item: PlanItem, server: () => Promise<{ api: InfisicalApi; apiUrl: string }>, deps: RunDeps): Promise<ApplyResult> {
  const { entry } = item;
  if (item.action === "unchanged") return { ...base(item), outcome: "unchanged", exitCode: ExitCode.ok, ...current(item) };
  if (item.action === "broken") return { ...base(item), outcome: "failed", exitCode: item.exitCode ?? ExitCode.file, error: item.reasons.join("; ") };
  let result: ApplyResult;
  let kept: KeptRequest | undefined;
  try {
    if (item.action === "reinstall") return await reinstall(item, deps);
    const { api, apiUrl } = await server();
    if (item.action === "renew" || (item.action === "follow" && entry.certificateId === undefined)) {
      result = await renew(item, api, apiUrl, deps);
    } else if (entry.certificateId !== undefined) {
      result = await follow(item, api, apiUrl, deps);
    } else if (item.action === "create" && (kept = await outstandingRequest(entry.dir))) {
      const issued = await resumeOutstanding(entry.dir, kept, entry.params, { api, apiUrl }, { signal: deps.signal, now: deps.now, env: deps.env });
      result = await afterIssue(item, issued, "created", deps);
    } else {
      const issued = await issueCertificate(await resolved(entry, api), {
        connect: async () => ({ api: { ...api, close: async () => undefined }, connection: { apiUrl } as Connection }),
        stdin: deps.stdin, signal: deps.signal, now: deps.now, env: deps.env,
      });
      // A format the entry no longer asks for: its link would point into a version that is pruned later.
      if (item.current) await dropFormatLinks(entry.dir, metadataPaths(entry.dir, item.current.meta), entry.params.files);
      result = await afterIssue(item, issued, item.action === "create" ? "created" : "replaced", deps);
    }
  } catch (error) {
    result = failure(item, error);
  }
  if (result.outcome === "failed" && result.exitCode !== ExitCode.pending && entry.failureHook !== undefined && !deps.signal.aborted) {
    const hook = await runFailureHook({
      command: entry.failureHook, name: entry.name, dir: entry.dir, message: result.error ?? "failed", cwd: deps.cwd,
      timeoutMs: entry.hookTimeoutMs, env: deps.hookEnv, output: deps.hookOutput, signal: deps.signal,
    });
    result.hook = { ok: hook.ok, ...(hook.reason !== undefined ? { reason: hook.reason } : {}) };
  }
  return result;
}

function current(item: PlanItem): Partial<ApplyResult> {
  const meta = item.current?.meta;
  return meta ? { certificateId: meta.certificateId, serialNumber: item.current!.validity.serialNumber, notAfter: item.current!.validity.notAfter.toISOString() } : {};
}

function failure(item: PlanItem, error: unknown): ApplyResult {
  const failed = failedResult(item.entry.name, item.entry.dir, error);
  const result: ApplyResult = { ...base(item), outcome: failed.outcome === "interrupted" ? "interrupted" : "failed", exitCode: failed.exitCode, error: failed.reason ?? "failed" };
  if (failed.hint !== undefined) result.hint = failed.hint;
  return result;
}

/** The agent's names (project slug, application name) looked up now, as the issue params need ids. */
async function resolved(entry: ApplyEntry, api: InfisicalApi): Promise<ApplyEntry["params"]> {
  const params = { ...entry.params };
  if (entry.projectSlug !== undefined) params.projectId = await api.resolveProjectId(entry.projectSlug);
  if (entry.applicationName !== undefined) {
    const applicationId = await api.resolveApplicationId(entry.applicationName);
    const profiles = await api.listApplicationProfiles(applicationId);
    const wanted = params.profile.toLowerCase();
    const found = profiles.find((p) => p.slug.toLowerCase() === wanted || (isUuid(wanted) && p.id.toLowerCase() === wanted));
    if (!found) {
      throw new RefusedError(`application '${entry.applicationName}' has no profile '${params.profile}'`, {
        hint: `Its profiles: ${profiles.map((p) => p.slug).join(", ") || "none"}.`,
      });
    }
    params.profile = found.id;
    params.applicationId = applicationId;
  }
  return params;
}

async function renew(item: PlanItem, api: InfisicalApi, apiUrl: string, deps: RunDeps): Promise<ApplyResult> {
  const { entry } = item;
  const params: RenewParams = {
    dirs: [entry.dir], renewBefore: entry.renewBefore, force: item.action === "follow", dryRun: false, reuseKey: false,
    hookTimeoutMs: entry.hookTimeoutMs, lockWaitMs: 0, wait: entry.params.wait, waitTimeoutMs: entry.params.waitTimeoutMs,
    concurrency: 1, randomDelayMs: 0,
  };
  if (entry.deployHook !== undefined) params.deployHook = entry.deployHook;
  const done = await renewDirectory({ ...item.current!, input: entry.name }, params, { api, apiUrl }, {
    cwd: entry.dir, now: deps.now, signal: deps.signal, env: { ...deps.hookEnv, CERTCTL_EVENT: "renewed" }, hookOutput: deps.hookOutput,
    connect: async () => ({ api, apiUrl }), onProgress: (_input, event) => deps.onProgress?.(entry.name, event),
  });
  const outcome: ApplyOutcome = done.outcome === "renewed" ? "renewed" : done.outcome === "hook-failed" ? "hook-failed"
    : done.outcome === "interrupted" ? "interrupted" : done.outcome === "failed" ? "failed" : "unchanged";
  const result: ApplyResult = { ...base(item), outcome, exitCode: done.exitCode };
  if (done.reason !== undefined && outcome !== "renewed") result.error = done.reason;
  if (done.hint !== undefined) result.hint = done.hint;
  for (const key of ["certificateId", "serialNumber", "notAfter"] as const) if (done[key] !== undefined) result[key] = done[key];
  if (done.hook) result.hook = { ok: done.hook.ok, ...(done.hook.reason !== undefined ? { reason: done.hook.reason } : {}) };
  return result;
}

/** The set rewritten with the entry's formats from what is on disk: no connection, nothing sent. */
async function reinstall(item: PlanItem, deps: RunDeps): Promise<ApplyResult> {
  const { meta, files } = await reinstallFormats(item.entry, item.current!.meta.certificateId, deps.env, deps.signal);
  return afterIssue(item, { certificateId: meta.certificateId, serialNumber: item.current!.validity.serialNumber, notAfter: meta.notAfter, files }, "reinstalled", deps);
}

/** certificate-id: fetch it (create), or look for a renewal the server made (follow). */
async function follow(item: PlanItem, api: InfisicalApi, apiUrl: string, deps: RunDeps): Promise<ApplyResult> {
  const { entry } = item;
  const recorded = item.current?.meta.certificateId;
  if (item.action === "follow" && recorded !== undefined) {
    const latest = await latestRenewal(api, recorded);
    if (latest.id === recorded) {
      const due = item.current!.renew;
      if (due && item.current!.meta.mode === "server-keygen") return renew(item, api, apiUrl, deps);
      const reasons = due ? [...item.reasons, "the server has not renewed it yet"] : ["the server has no newer renewal"];
      return { ...base(item), reasons, outcome: "unchanged", exitCode: ExitCode.ok, ...current(item) };
    }
  }
  const fetched = await fetchCertificate(entry, item.action === "follow" && recorded !== undefined ? recorded : entry.certificateId!, api, apiUrl, deps.signal, deps.now, deps.env);
  const outcome: ApplyOutcome = item.action === "create" ? "created" : item.action === "replace" ? "replaced" : "renewed";
  const result = await afterIssue(item, fetched, outcome, deps);
  if (fetched.hops.length > 1 && item.action === "follow") result.reasons = [`the server renewed it: ${fetched.hops.join(" → ")}`];
  else if (fetched.hops.length > 1) result.reasons = [...result.reasons, `followed the server's renewals: ${fetched.hops.join(" → ")}`];
  return result;
}

async function afterIssue(item: PlanItem, issued: Pick<IssueResult, "certificateId" | "serialNumber" | "notAfter" | "files">, outcome: ApplyOutcome, deps: RunDeps): Promise<ApplyResult> {
  const { entry } = item;
  const result: ApplyResult = {
    ...base(item), outcome, exitCode: ExitCode.ok, certificateId: issued.certificateId, serialNumber: issued.serialNumber, notAfter: issued.notAfter,
  };
  if (entry.deployHook === undefined) return result;
  const variables: HookVariables = {
    dir: entry.dir, cert: issued.files.cert, chain: issued.files.chain, fullchain: issued.files.fullchain,
    ...(issued.files.key !== undefined ? { key: issued.files.key } : {}), serialNumber: issued.serialNumber, notAfter: issued.notAfter,
  };
  const event = outcome === "created" ? "issued" : outcome === "reinstalled" ? "reinstalled" : "renewed";
  const hook = await runDeployHook({
    command: entry.deployHook, variables, timeoutMs: entry.hookTimeoutMs, env: { ...deps.hookEnv, CERTCTL_EVENT: event }, output: deps.hookOutput, signal: deps.signal,
  });
  result.hook = { ok: hook.ok, ...(hook.reason !== undefined ? { reason: hook.reason } : {}) };
  if (!hook.ok) {
    const error = new HookError(`${hook.reason ?? "deploy hook failed"}; the new ${outcome === "reinstalled" ? "files are" : "certificate is"} in place`);
    result.outcome = "hook-failed";
    result.exitCode = error.exitCode;
    result.error = error.message;
  }
  return result;
}

