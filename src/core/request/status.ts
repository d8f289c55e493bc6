// `certctl status <requestId>`: follow a request, and once it is issued finish the set that
// `issue` or `renew` left pending in a directory, through the same settle step they use.
import { isPendingStatus, type CertificateRequestStatus } from "../../model/types.js";
import { RefusedError } from "../../model/errors.js";
import { preflightFileSet, preflightRenewal } from "../../store/layout.js";
import { readPending } from "../../store/pending.js";
import { checkDirectoryTrust } from "../../store/trust.js";
import type { FinalizeContext } from "./finalize.js";
import { canonicalSerial, recordPaths, type IssueProgress, type IssueResult, type RequestRecord } from "./record.js";
import { completeFinalRequest, refusedForFinalStatus, waitUntilFinal } from "./settle.js";
import type { InputNames } from "../input-names.js";

export interface StatusParams {
  requestId: string;
  /** Absolute. */
  outDir: string;
  wait: boolean;
  waitTimeoutMs: number;
  domainFlag?: string;
  /** How messages name the password sources (the cli passes its flags). */
  names?: InputNames;
  /** --trust-shared-dir: accept a directory that a group or another user can write. */
  trustSharedDir?: boolean;
}

export type StatusReport =
  | { kind: "written"; result: IssueResult }
  | { kind: "issued-elsewhere"; request: CertificateRequestStatus; requestId: string }
  /** Still pending, and this run does not wait (the JSON document says so rather than an error). */
  | { kind: "pending"; request: CertificateRequestStatus; requestId: string; kept: boolean };

function withCanonicalSerial(request: CertificateRequestStatus): CertificateRequestStatus {
  return request.serialNumber === null ? request : { ...request, serialNumber: canonicalSerial(request.serialNumber) };
}

export async function checkRequestStatus(
  params: StatusParams,
  deps: { api: FinalizeContext["api"]; signal: AbortSignal; env: NodeJS.ProcessEnv; onProgress?: (event: IssueProgress) => void; now?: () => Date },
): Promise<StatusReport> {
  const kept = await readPending(params.outDir, params.requestId);
  // The kept record names the files to write: used only from a directory no one else can write
  // (a directory without one, e.g. /tmp, is only asked about, so it is not refused).
  if (kept) await checkDirectoryTrust(params.outDir, { trustSharedDir: params.trustSharedDir === true });
  let request = withCanonicalSerial(await deps.api.getCertificateRequest(params.requestId));
  if (isPendingStatus(request.status)) {
    deps.onProgress?.({ kind: "pending", requestId: params.requestId, status: request.status, pendingMessage: request.pendingMessage ?? null, waiting: params.wait });
    if (!params.wait) return { kind: "pending", request, requestId: params.requestId, kept: kept !== undefined };
    request = withCanonicalSerial(await waitUntilFinal(deps.api, params.requestId, request.status, {
      wait: params.wait, timeoutMs: params.waitTimeoutMs, signal: deps.signal, outDir: params.outDir, domainFlag: params.domainFlag, onProgress: deps.onProgress,
    }));
  }
  if (!kept) {
    if (request.status !== "issued") throw refusedForFinalStatus(params.requestId, request.status, request.errorMessage);
    return { kind: "issued-elsewhere", request, requestId: params.requestId };
  }
  // The kept record says where the set goes; it is written there, not necessarily in --out-dir's files.
  const record: RequestRecord = { ...kept.record, outDir: params.outDir };
  if (request.status === "issued") {
    // A renewal's record may replace only what certctl installed there, like renew itself.
    const writeKey = record.mode !== "csr";
    if (record.previousCertificateId !== undefined) await preflightRenewal(record.outDir, recordPaths(record), { writeKey });
    else await preflightFileSet(recordPaths(record), { force: record.force, writeKey, outDir: record.outDir });
  }
  const context: FinalizeContext = {
    api: deps.api, record, privateKeyPem: kept.privateKeyPem, publicKeyDer: undefined, signal: deps.signal,
    domainFlag: params.domainFlag, onProgress: deps.onProgress, now: deps.now, env: deps.env, ...(params.names !== undefined ? { names: params.names } : {}),
  };
  if (record.mode === "local-key" && kept.privateKeyPem === undefined) {
    throw new RefusedError(`the key kept for request ${params.requestId} is missing from ${params.outDir}/.certctl/pending; cannot complete the set`);
  }
  return { kind: "written", result: await completeFinalRequest(context, request) };
}
