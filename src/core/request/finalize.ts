// Finishing a certificate request: from a final status to a verified set on disk. Shared by
// `issue` (an answer that was issued at once, or after waiting), `status` (a request that was
// left pending) and `renew`. Nothing is written unless the set verifies.
import { isPendingStatus, type CertificateRequestStatus, type IssuedCertificate, type KeyAlgorithm } from "../../model/types.js";
import type { InfisicalApi } from "../../api/infisical.js";
import { InterruptedError, PendingError, RefusedError } from "../../model/errors.js";
import { isSignalReason } from "../../model/errors.js";
import { installFileSet, preflightFileSet, type FilePaths, type InstallOptions, type WrittenFiles } from "../../store/layout.js";
import { writeMetadata, type CertctlMetadata, type IssueMode } from "../../store/metadata.js";
import { discardPending, readPending, type PendingRecord } from "../../store/pending.js";
import { formatDuration } from "../../model/duration.js";
import { publicKeyDerOfPem, toPkcs8Pem } from "../crypto/keys.js";
import { altNamesOf, oneLine, toPem, validity, verifyIssuedSet } from "../crypto/verify.js";
import { waitForRequest, type RequestPoller } from "./wait.js";
import { resolve } from "node:path";

export type IssueProgress =
  | { kind: "generating-key"; keyAlgorithm: KeyAlgorithm }
  | { kind: "requesting"; host: string }
  | { kind: "pending"; requestId: string; status: string; pendingMessage: string | null; waiting?: boolean }
  | { kind: "writing" };

export interface IssueResult {
  status: "issued";
  certificateId: string;
  certificateRequestId: string;
  serialNumber: string;
  subject: string;
  /** "DNS:example.com", "IP:192.0.2.1", … as in the certificate. */
  altNames: string[];
  notBefore: string;
  notAfter: string;
  mode: IssueMode;
  keyAlgorithm?: KeyAlgorithm;
  files: WrittenFiles;
  metadataFile: string;
}

/**
 * The pending record as certctl keeps it: with --csr, the CSR's public key (base64 DER) rides along;
 * a renewal keeps its lineage so a `certctl status` that finishes it writes it to certctl.json too.
 */
export type KeptRecord = PendingRecord & { csrPublicKey?: string; renewedAt?: string; previousCertificateId?: string };

/** Everything needed to finish a request; a PendingRecord is the durable form of most of it. */
export interface FinalizeContext {
  api: Pick<InfisicalApi, "getCertificateRequest" | "getCertificate" | "getBundle">;
  record: KeptRecord;
  /** The key certctl generated or read (local-key mode). */
  privateKeyPem: string | undefined;
  /** The public key the certificate must carry; derived from the key when absent. */
  publicKeyDer: Buffer | undefined;
  signal: AbortSignal;
  domainFlag: string | undefined;
  onProgress: ((event: IssueProgress) => void) | undefined;
  now: (() => Date) | undefined;
  /** Renewal adds lineage (previousCertificateId, renewedAt) to certctl.json. */
  extraMetadata?: Partial<CertctlMetadata>;
  /** Passed to installFileSet; renew's test-only crash injection (CERTCTL_TEST_CRASH_AT) uses onStep. */
  installOptions?: InstallOptions;
}

export interface IssuedPems {
  certificate: string;
  chain: string | null;
  privateKey: string | undefined;
  /** The chain came from the create/renew answer, where the server already honoured removeRootsFromChain. */
  chainHasRootsRemoved?: boolean;
}

/** The exact command that resumes a pending request. */
export function resumeCommand(requestId: string, outDir: string, domainFlag?: string): string {
  const parts = ["certctl", "status", requestId, "--out-dir", shellQuote(outDir)];
  if (domainFlag !== undefined) parts.push("--domain", shellQuote(domainFlag));
  return parts.join(" ");
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function refusedForFinalStatus(requestId: string, status: string, message: string | null): RefusedError {
  return new RefusedError(`certificate request ${requestId} was ${status}${message ? `: ${message}` : " (the server gave no reason)"}`);
}

/**
 * The leaf and chain (and a server-generated key) of an issued certificate. The request status
 * has no chain, so it comes from /certificate, or /bundle when the server made the key.
 */
export async function fetchIssuedPems(
  api: Pick<InfisicalApi, "getCertificate" | "getBundle">, certificateId: string, mode: IssueMode, answer?: IssuedCertificate,
): Promise<IssuedPems> {
  if (mode !== "server-keygen") {
    const cert = await api.getCertificate(certificateId);
    return { certificate: cert.certificate, chain: cert.certificateChain, privateKey: undefined };
  }
  if (answer?.privateKey) return { certificate: answer.certificate, chain: answer.certificateChain, privateKey: answer.privateKey, chainHasRootsRemoved: true };
  // The key is returned only to an identity with the ReadPrivateKey permission; /bundle is the other way to get it.
  const bundle = await api.getBundle(certificateId);
  if (!bundle.privateKey) {
    throw new RefusedError(`certificate ${certificateId} was issued, but the server returned no private key for it; nothing was written`, {
      hint: "The machine identity needs the ReadPrivateKey permission on certificates for --server-keygen, or drop --server-keygen to generate the key locally.",
    });
  }
  return answer
    ? { certificate: answer.certificate, chain: answer.certificateChain, privateKey: bundle.privateKey, chainHasRootsRemoved: true }
    : { certificate: bundle.certificate, chain: bundle.certificateChain, privateKey: bundle.privateKey };
}

export function recordPaths(record: Pick<PendingRecord, "outDir" | "files">): FilePaths {
  const abs = (path: string) => resolve(record.outDir, path);
  return { cert: abs(record.files.cert), chain: abs(record.files.chain), fullchain: abs(record.files.fullchain), key: abs(record.files.key ?? "key.pem") };
}

/** Verify (key matches, chain links), install the set, then write certctl.json last. */
export async function finalizeIssued(context: FinalizeContext, issued: IssuedPems & { certificateId: string }): Promise<IssueResult> {
  const { record } = context;
  let keyPem = context.privateKeyPem;
  if (issued.privateKey !== undefined && keyPem === undefined) {
    try {
      keyPem = toPkcs8Pem(issued.privateKey, "the server's private key");
    } catch {
      throw new RefusedError(`the private key the server returned for certificate ${issued.certificateId} is unreadable; nothing was written`);
    }
  }
  const kept = record.csrPublicKey === undefined ? undefined : Buffer.from(record.csrPublicKey, "base64");
  const publicKeyDer = context.publicKeyDer ?? kept ?? (keyPem !== undefined ? publicKeyDerOfPem(keyPem) : undefined);
  if (!publicKeyDer) throw new Error("finalizeIssued: no key to check the certificate against");
  const verified = await verifyIssuedSet({ certificatePem: issued.certificate, chainPem: issued.chain, publicKeyDer, certificateId: issued.certificateId });
  let chain = verified.chain;
  // /certificate returns the whole chain; honour --remove-roots-from-chain as the create answer would have.
  if (record.removeRootsFromChain && !issued.chainHasRootsRemoved) {
    while (chain.length > 1 && chain[chain.length - 1]!.issuer === chain[chain.length - 1]!.subject) chain = chain.slice(0, -1);
  }
  context.onProgress?.({ kind: "writing" });
  const paths = recordPaths(record);
  const written = await installFileSet(record.outDir, paths, {
    certificate: verified.certificatePem,
    chain: toPem(chain),
    ...(record.mode !== "csr" && keyPem !== undefined ? { privateKey: keyPem } : {}),
  }, context.installOptions);
  const leaf = verified.leaf;
  const serialNumber = leaf.serialNumber.toLowerCase();
  const { notBefore, notAfter } = validity(leaf);
  const { createdAt: _createdAt, outDir: _outDir, force: _force, csrPublicKey: _csrPublicKey, ...carried } = record;
  const meta: CertctlMetadata = {
    ...carried,
    files: { cert: record.files.cert, chain: record.files.chain, fullchain: record.files.fullchain, ...(written.key ? { key: record.files.key ?? "key.pem" } : {}) },
    certificateId: issued.certificateId,
    serialNumber,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    issuedAt: (context.now?.() ?? new Date()).toISOString(),
    ...context.extraMetadata,
  };
  if (record.mode === "csr") delete meta.files.key;
  await writeMetadata(record.outDir, meta);
  const result: IssueResult = {
    status: "issued", certificateId: issued.certificateId, certificateRequestId: record.certificateRequestId, serialNumber,
    subject: oneLine(leaf.subject), altNames: altNamesOf(leaf), notBefore: meta.notBefore, notAfter: meta.notAfter, mode: record.mode,
    files: written, metadataFile: resolve(record.outDir, "certctl.json"),
  };
  if (record.keyAlgorithm) result.keyAlgorithm = record.keyAlgorithm;
  return result;
}


/**
 * Poll until final, turning a timeout, --no-wait or an interruption into the error that names
 * the resume command. The kept key stays on disk in every one of those cases.
 */
export async function waitUntilFinal(
  api: RequestPoller, requestId: string, status: string,
  opts: { wait: boolean; timeoutMs: number; signal: AbortSignal; outDir: string; domainFlag: string | undefined; onProgress?: ((event: IssueProgress) => void) | undefined },
): Promise<CertificateRequestStatus> {
  const hint = `Resume with: ${resumeCommand(requestId, opts.outDir, opts.domainFlag)}`;
  if (!opts.wait) throw new PendingError(`certificate request ${requestId} is ${status}; not waiting`, requestId, status, { hint: `${hint} (add --wait to wait for it)` });
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
  return new InterruptedError(signal, `interrupted while waiting for certificate request ${requestId} (still ${status} on the server); nothing was written`, { hint });
}

/** After a pending answer: wait, then finish or refuse. The pending state is dropped once the request is final. */
export async function resumeAfterWait(context: FinalizeContext, opts: { wait: boolean; timeoutMs: number; initialStatus: string }): Promise<IssueResult> {
  const { record } = context;
  const request = await waitUntilFinal(context.api, record.certificateRequestId, opts.initialStatus, {
    wait: opts.wait, timeoutMs: opts.timeoutMs, signal: context.signal, outDir: record.outDir, domainFlag: context.domainFlag, onProgress: context.onProgress,
  });
  return completeFinalRequest(context, request);
}

/** A request in a final status: issued → verified set on disk; failed/rejected → exit 4. */
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

// ---- certctl status ------------------------------------------------------------------------

export interface StatusParams {
  requestId: string;
  /** Absolute. */
  outDir: string;
  wait: boolean;
  waitTimeoutMs: number;
  domainFlag?: string;
}

export type StatusReport =
  | { kind: "written"; result: IssueResult }
  | { kind: "issued-elsewhere"; request: CertificateRequestStatus; requestId: string };

export async function checkRequestStatus(
  params: StatusParams,
  deps: { api: FinalizeContext["api"]; signal: AbortSignal; onProgress?: (event: IssueProgress) => void; now?: () => Date },
): Promise<StatusReport> {
  const kept = await readPending(params.outDir, params.requestId);
  let request = await deps.api.getCertificateRequest(params.requestId);
  if (isPendingStatus(request.status)) {
    deps.onProgress?.({ kind: "pending", requestId: params.requestId, status: request.status, pendingMessage: request.pendingMessage ?? null, waiting: params.wait });
    request = await waitUntilFinal(deps.api, params.requestId, request.status, {
      wait: params.wait, timeoutMs: params.waitTimeoutMs, signal: deps.signal, outDir: params.outDir, domainFlag: params.domainFlag, onProgress: deps.onProgress,
    });
  }
  if (!kept) {
    if (request.status !== "issued") throw refusedForFinalStatus(params.requestId, request.status, request.errorMessage);
    return { kind: "issued-elsewhere", request, requestId: params.requestId };
  }
  // The kept record says where the set goes; it is written there, not necessarily in --out-dir's files.
  const record: KeptRecord = { ...kept.record, outDir: params.outDir };
  if (request.status === "issued") {
    await preflightFileSet(recordPaths(record), { force: record.force, writeKey: record.mode !== "csr" });
  }
  const context: FinalizeContext = {
    api: deps.api, record, privateKeyPem: kept.privateKeyPem, publicKeyDer: undefined, signal: deps.signal,
    domainFlag: params.domainFlag, onProgress: deps.onProgress, now: deps.now,
  };
  if (record.mode === "local-key" && kept.privateKeyPem === undefined) {
    throw new RefusedError(`the key kept for request ${params.requestId} is missing from ${params.outDir}/.certctl/pending; cannot complete the set`);
  }
  return { kind: "written", result: await completeFinalRequest(context, request) };
}
