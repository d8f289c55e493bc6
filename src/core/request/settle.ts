// The one step that turns a server's answer to a create or renew request into a result, shared
// by `issue`, `status` and `renew`: issued with a certificate → verified set on disk; issued
// without one → fetched; pending → kept on disk, then waited for (or the resume command);
// failed/rejected → exit 4; anything else → exit 4 naming the status.
import { isPendingStatus, type CertificateRequestStatus, type IssuedCertificate, type RequestStatus } from "../../model/types.js";
import { InterruptedError, PendingError, RefusedError, isSignalReason } from "../../model/errors.js";
import { formatDuration } from "../../model/duration.js";
import { discardPending, savePending } from "../../store/pending.js";
import { isUuid } from "../attributes/attributes.js";
import { resumeCommand } from "../../model/commands.js";
import { fetchIssuedPems, finalizeIssued, type FinalizeContext } from "./finalize.js";
import type { IssueProgress, IssueResult } from "./record.js";
import { waitForRequest, type RequestPoller } from "./wait.js";

/** What a create or a renew call answers: a certificate at once, or a request to follow. */
export interface RequestAnswer {
  certificate: IssuedCertificate | null;
  certificateRequestId: string;
  status?: RequestStatus;
  message?: string;
}

export interface WaitPolicy {
  wait: boolean;
  timeoutMs: number;
}

export function refusedForFinalStatus(requestId: string, status: string, message: string | null): RefusedError {
  return new RefusedError(`certificate request ${requestId} was ${status}${message ? `: ${message}` : " (the server gave no reason)"}`);
}

/**
 * A request id is used in a URL, a file name and a printed command: one that is not a UUID is the
 * server's fault (exit 4), never the user's, and is not echoed.
 */
function checkServerRequestId(requestId: string): void {
  if (!isUuid(requestId)) throw new RefusedError("the server answered with a certificate request id that is not a UUID; nothing was kept or written");
}

/** Settle a create/renew answer (the record already carries the request id). */
export async function settleAnswer(answer: RequestAnswer, context: FinalizeContext, policy: WaitPolicy): Promise<IssueResult> {
  const requestId = answer.certificateRequestId;
  if (answer.certificate) {
    const issued = answer.certificate;
    const pems = context.record.mode === "server-keygen"
      ? await fetchIssuedPems(context.api, issued.certificateId, "server-keygen", issued)
      : { certificate: issued.certificate, chain: issued.certificateChain, privateKey: undefined };
    return finalizeIssued(context, { certificateId: issued.certificateId, ...pems, chainHasRootsRemoved: true });
  }
  // Without a certificate the id is what certctl follows: it names a file, a URL path, a printed command.
  checkServerRequestId(requestId);
  const status = answer.status ?? "pending";
  if (status === "failed" || status === "rejected") throw refusedForFinalStatus(requestId, status, answer.message ?? null);
  if (!isPendingStatus(status) && status !== "issued") {
    throw new RefusedError(`the server answered request ${requestId} with an unknown status '${status}'`);
  }
  // Kept before anything else, so an interruption or a timeout can always be resumed with `status`.
  await savePending(context.record.outDir, requestId, context.record, context.privateKeyPem);
  if (status === "issued") {
    // Issued, but the answer carried no certificate: the request status says where it is.
    const request = await context.api.getCertificateRequest(requestId);
    if (!isPendingStatus(request.status)) return completeFinalRequest(context, request);
  }
  context.onProgress?.({ kind: "pending", requestId, status, pendingMessage: answer.message ?? null, waiting: policy.wait });
  const request = await waitUntilFinal(context.api, requestId, status, {
    ...policy, signal: context.signal, outDir: context.record.outDir, domainFlag: context.domainFlag, onProgress: context.onProgress,
  });
  return completeFinalRequest(context, request);
}

/**
 * Poll until final, turning a timeout, not waiting or an interruption into the error that names
 * the resume command. The kept key stays on disk in every one of those cases.
 */
export async function waitUntilFinal(
  api: RequestPoller, requestId: string, status: string,
  opts: WaitPolicy & { signal: AbortSignal; outDir: string; domainFlag: string | undefined; onProgress?: ((event: IssueProgress) => void) | undefined },
): Promise<CertificateRequestStatus> {
  const hint = `Resume with: ${resumeCommand(requestId, opts.outDir, { domain: opts.domainFlag })}`;
  if (!opts.wait) {
    const later = resumeCommand(requestId, opts.outDir, { domain: opts.domainFlag, wait: true });
    throw new PendingError(`certificate request ${requestId} is ${status}; not waiting`, requestId, status, { hint: `Resume with: ${later}` });
  }
  let last = status;
  const outcome = await waitForRequest(api, requestId, {
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onStatus: (s) => {
      last = s.status;
      if (isPendingStatus(s.status)) opts.onProgress?.({ kind: "pending", requestId, status: s.status, pendingMessage: s.pendingMessage ?? null, waiting: true });
    },
  }).catch((error: unknown) => {
    if (error instanceof InterruptedError) throw interrupted(error.exitCode === 143 ? "SIGTERM" : "SIGINT", requestId, last, hint);
    throw error;
  });
  if (outcome.kind === "interrupted") {
    const reason: unknown = opts.signal.reason;
    throw interrupted(isSignalReason(reason) ? reason.signal : "SIGINT", requestId, last, hint);
  }
  if (outcome.kind === "timeout") {
    throw new PendingError(`certificate request ${requestId} is still ${last} after waiting ${formatDuration(opts.timeoutMs)}`, requestId, last, { hint });
  }
  return outcome.request;
}

function interrupted(signal: "SIGINT" | "SIGTERM", requestId: string, status: string, hint: string): InterruptedError {
  return new InterruptedError(signal, `interrupted while waiting for certificate request ${requestId} (still ${status} on the server); the key is kept for it, no certificate was written`, { hint });
}

/** A request in a final status: issued → verified set on disk; failed/rejected → exit 4. The pending state is dropped either way. */
export async function completeFinalRequest(context: FinalizeContext, request: CertificateRequestStatus): Promise<IssueResult> {
  const { record } = context;
  if (request.status !== "issued") {
    await discardPending(record.outDir, record.certificateRequestId);
    throw refusedForFinalStatus(record.certificateRequestId, request.status, request.errorMessage);
  }
  if (!request.certificateId) throw new RefusedError(`certificate request ${record.certificateRequestId} is issued but the server gave no certificate id`);
  const pems = await fetchIssuedPems(context.api, request.certificateId, record.mode);
  const result = await finalizeIssued(context, { certificateId: request.certificateId, ...pems });
  await discardPending(record.outDir, record.certificateRequestId);
  return result;
}
