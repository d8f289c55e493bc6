// At most one outstanding request per directory: before a renewal sends anything, the request a
// previous run left pending (an approval, an external CA) is resumed — installed when issued,
// reported once when rejected or failed (exit 4; the next run may try again) — and older
// pending records and their keys are removed.
import { isPendingStatus } from "../../model/types.js";
import { discardPending, listPending, readPending } from "../../store/pending.js";
import type { FinalizeContext } from "../request/finalize.js";
import type { IssueProgress, IssueResult, RequestRecord } from "../request/record.js";
import { completeFinalRequest, waitUntilFinal } from "../request/settle.js";
import type { RenewParams } from "./plan.js";
import type { RenewServer } from "./request.js";

export interface KeptRequest {
  record: RequestRecord;
  privateKeyPem: string | undefined;
}

/** The newest pending request kept in `dir`; older ones are discarded (keys included). */
export async function outstandingRequest(dir: string): Promise<KeptRequest | undefined> {
  const kept: KeptRequest[] = [];
  for (const id of await listPending(dir)) {
    const found = await readPending(dir, id).catch(() => undefined);
    if (found) kept.push({ record: found.record, privateKeyPem: found.privateKeyPem });
    else await discardPending(dir, id).catch(() => undefined);
  }
  kept.sort((a, b) => Date.parse(b.record.createdAt) - Date.parse(a.record.createdAt));
  for (const old of kept.slice(1)) await discardPending(dir, old.record.certificateRequestId);
  return kept[0];
}

/** Follow the kept request to its end, through the same steps `status` takes. */
export async function resumeOutstanding(
  dir: string, kept: KeptRequest, params: Pick<RenewParams, "wait" | "waitTimeoutMs">, server: RenewServer,
  deps: { signal: AbortSignal; now: () => Date; env: NodeJS.ProcessEnv; onProgress?: (event: IssueProgress) => void },
): Promise<IssueResult> {
  const record: RequestRecord = { ...kept.record, outDir: dir };
  const requestId = record.certificateRequestId;
  const context: FinalizeContext = {
    api: server.api, record, privateKeyPem: kept.privateKeyPem, publicKeyDer: undefined, signal: deps.signal,
    domainFlag: undefined, onProgress: deps.onProgress, now: deps.now, env: deps.env,
  };
  let request = await server.api.getCertificateRequest(requestId);
  if (isPendingStatus(request.status)) {
    deps.onProgress?.({ kind: "pending", requestId, status: request.status, pendingMessage: request.pendingMessage ?? null, waiting: params.wait });
    request = await waitUntilFinal(server.api, requestId, request.status, {
      wait: params.wait, timeoutMs: params.waitTimeoutMs, signal: deps.signal, outDir: dir, domainFlag: undefined, onProgress: deps.onProgress,
    });
  }
  return completeFinalRequest(context, request);
}
