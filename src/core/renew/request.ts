// One renewal against the server: build the key material the recorded mode calls for, ask
// POST /{id}/renew (so Infisical keeps the lineage), fall back to a fresh issue with the
// recorded profile and attributes when the server refuses to renew, and hand the answer to the
// same finalize step `issue` uses (verify → install → certctl.json last).
import { X509Certificate } from "node:crypto";
import type { InfisicalApi } from "../../api/infisical.js";
import type { CertificateAttributes, IssuedCertificate, RenewBody, RequestStatus } from "../../model/types.js";
import { isPendingStatus } from "../../model/types.js";
import { RefusedError, UsageError } from "../../model/errors.js";
import type { FilePaths, InstallOptions } from "../../store/layout.js";
import type { CertctlMetadata } from "../../store/metadata.js";
import { savePending } from "../../store/pending.js";
import { defaultSignatureAlgorithm } from "../attributes/attributes.js";
import { generateSigningKey, importSigningKey, keyAlgorithmOf, readKeyFile } from "../crypto/keys.js";
import { createBody, localKeyMaterial, type IssueMaterial } from "../request/issue.js";
import { fetchIssuedPems, finalizeIssued, refusedForFinalStatus, resumeAfterWait, type FinalizeContext, type IssueProgress, type IssueResult, type KeptRecord } from "../request/finalize.js";

/** How the new key was obtained, for the result line. */
export type KeySource = "new-local-key" | "reused-local-key" | "new-server-key" | "reused-server-key";

export interface RenewRequestParams {
  dir: string;
  meta: CertctlMetadata;
  paths: FilePaths;
  /** The certificate on disk, for a lifetime when the fallback issue needs one. */
  currentCertPem: string;
  reuseKey: boolean;
  wait: boolean;
  waitTimeoutMs: number;
}

export interface RenewRequestDeps {
  api: Pick<InfisicalApi, "renewCertificate" | "createCertificate" | "getCertificateRequest" | "getCertificate" | "getBundle">;
  /** The API root actually used (recorded in certctl.json). */
  apiUrl: string;
  signal: AbortSignal;
  now: () => Date;
  onProgress?: (event: IssueProgress) => void;
  installOptions?: InstallOptions;
}

export interface RenewRequestResult {
  issued: IssueResult;
  method: "renew" | "reissue";
  keySource: KeySource;
  /** Why the server's renew was not used (the fallback to a fresh issue). */
  fallbackReason?: string;
}

/** What certctl holds before the request: a CSR and the key it keeps, or nothing (server keygen). */
async function renewalMaterial(params: RenewRequestParams): Promise<{ material: IssueMaterial; keySource: KeySource }> {
  const { meta } = params;
  if (meta.mode === "csr") {
    throw new UsageError("this certificate was issued from your own CSR (--csr): certctl holds no key to renew it with", {
      hint: `Issue it again with certctl issue --csr <file> --out-dir ${params.dir} --force.`,
    });
  }
  const attributes: CertificateAttributes = { ...meta.attributes };
  if (meta.mode === "server-keygen") {
    return { material: { mode: "server-keygen", attributes }, keySource: params.reuseKey ? "reused-server-key" : "new-server-key" };
  }
  let key;
  if (params.reuseKey) {
    const pem = await readKeyFile(params.paths.key, "the key");
    key = await importSigningKey(pem, params.paths.key, meta.signatureAlgorithm ?? attributes.signatureAlgorithm);
  } else {
    const keyAlgorithm = meta.keyAlgorithm ?? attributes.keyAlgorithm ?? keyAlgorithmOf(new X509Certificate(params.currentCertPem).publicKey, params.paths.cert);
    key = await generateSigningKey(keyAlgorithm, meta.signatureAlgorithm ?? attributes.signatureAlgorithm ?? defaultSignatureAlgorithm(keyAlgorithm));
  }
  return {
    material: await localKeyMaterial(attributes, key),
    keySource: params.reuseKey ? "reused-local-key" : "new-local-key",
  };
}

function renewBody(meta: CertctlMetadata, material: IssueMaterial, reuseKey: boolean): RenewBody {
  const body: RenewBody = {};
  if (material.csrPem !== undefined) {
    body.renewalKeySource = "csr";
    body.csr = material.csrPem;
  } else {
    // The server made the key: a new one by default, the same one with --reuse-key.
    body.renewalKeySource = reuseKey ? "reuse" : "new";
  }
  if (meta.removeRootsFromChain) body.removeRootsFromChain = true;
  return body;
}

/** Renew refusals that a fresh issue can get past: already renewed, expired, revoked, unknown id. */
function isRenewRefusal(error: unknown): error is RefusedError {
  return error instanceof RefusedError && (error.status === 400 || error.status === 404 || error.status === 422);
}

/**
 * A fresh issue needs a lifetime. Absolute dates recorded at issue time would give a certificate
 * that is already old, so they become a ttl equal to the current certificate's lifetime.
 */
export function reissueAttributes(attributes: CertificateAttributes, currentCertPem: string): CertificateAttributes {
  if (attributes.ttl !== undefined || (attributes.notBefore === undefined && attributes.notAfter === undefined)) return attributes;
  const cert = new X509Certificate(currentCertPem);
  const hours = Math.max(1, Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 3_600_000));
  const { notBefore: _nb, notAfter: _na, ...rest } = attributes;
  return { ...rest, ttl: hours % 24 === 0 ? `${hours / 24}d` : `${hours}h` };
}

export async function requestRenewal(params: RenewRequestParams, deps: RenewRequestDeps): Promise<RenewRequestResult> {
  const { meta } = params;
  const { material, keySource } = await renewalMaterial(params);
  let method: "renew" | "reissue" = "renew";
  let fallbackReason: string | undefined;
  let answer: { certificate: IssuedCertificate | null; certificateRequestId: string; status?: RequestStatus; message?: string };
  deps.onProgress?.({ kind: "requesting", host: deps.apiUrl });
  try {
    const renewed = await deps.api.renewCertificate(meta.certificateId, renewBody(meta, material, params.reuseKey));
    answer = {
      certificate: renewed.certificate ? renewed : null,
      certificateRequestId: renewed.certificateRequestId,
      ...(renewed.status !== undefined ? { status: renewed.status } : {}),
    };
  } catch (error) {
    if (!isRenewRefusal(error)) throw error;
    method = "reissue";
    // The server's own words, without the transport prefix ("host refused POST … (HTTP 400): ").
    const said = error.message.replace(/^.*?\(HTTP \d+\):\s*/, "");
    fallbackReason = `the server refused to renew ${meta.certificateId} (HTTP ${error.status}: ${said})`;
    const fresh: IssueMaterial = { ...material, attributes: reissueAttributes(material.attributes, params.currentCertPem) };
    const body = createBody(meta.profileId, fresh, {
      removeRootsFromChain: meta.removeRootsFromChain,
      ...(meta.applicationId !== undefined ? { applicationId: meta.applicationId } : {}),
    });
    const created = await deps.api.createCertificate(body).catch((second: unknown) => {
      if (second instanceof RefusedError) {
        throw new RefusedError(`${second.message} (a fresh issue, after the ${fallbackReason})`, {
          lines: second.lines, cause: second, ...(second.status !== undefined ? { status: second.status } : {}),
          ...(second.hint !== undefined ? { hint: second.hint } : {}),
        });
      }
      throw second;
    });
    answer = created;
  }
  const issued = await settle(answer, params, material, deps);
  const result: RenewRequestResult = { issued, method, keySource };
  if (fallbackReason !== undefined) result.fallbackReason = fallbackReason;
  return result;
}

async function settle(
  answer: { certificate: IssuedCertificate | null; certificateRequestId: string; status?: RequestStatus; message?: string },
  params: RenewRequestParams, material: IssueMaterial, deps: RenewRequestDeps,
): Promise<IssueResult> {
  const { meta } = params;
  const now = deps.now();
  const record: KeptRecord = {
    version: 1, domain: deps.apiUrl, profileId: meta.profileId, mode: meta.mode, attributes: material.attributes,
    removeRootsFromChain: meta.removeRootsFromChain, certificateRequestId: answer.certificateRequestId, files: meta.files,
    // force: the set being replaced is certctl's own; a later `certctl status` must be able to replace it too.
    createdAt: now.toISOString(), outDir: params.dir, force: true,
    // Kept with a pending request too, so a later `certctl status` records the lineage (finalizeIssued carries record fields).
    renewedAt: now.toISOString(), previousCertificateId: meta.certificateId,
  };
  for (const key of ["profile", "projectId", "applicationId"] as const) if (meta[key] !== undefined) record[key] = meta[key];
  const keyAlgorithm = material.keyAlgorithm ?? meta.keyAlgorithm;
  const signatureAlgorithm = material.signatureAlgorithm ?? meta.signatureAlgorithm;
  if (keyAlgorithm !== undefined) record.keyAlgorithm = keyAlgorithm;
  if (signatureAlgorithm !== undefined) record.signatureAlgorithm = signatureAlgorithm;
  const context: FinalizeContext = {
    api: deps.api, record, privateKeyPem: material.privateKeyPem, publicKeyDer: material.publicKeyDer, signal: deps.signal,
    domainFlag: undefined, onProgress: deps.onProgress, now: deps.now,
    extraMetadata: { renewedAt: now.toISOString(), previousCertificateId: meta.certificateId },
    ...(deps.installOptions ? { installOptions: deps.installOptions } : {}),
  };
  if (answer.certificate) {
    const issued = answer.certificate;
    const pems = meta.mode === "server-keygen"
      ? await fetchIssuedPems(deps.api, issued.certificateId, "server-keygen", issued)
      : { certificate: issued.certificate, chain: issued.certificateChain, privateKey: undefined, chainHasRootsRemoved: true };
    return finalizeIssued(context, { certificateId: issued.certificateId, ...pems });
  }
  const status = answer.status ?? "pending";
  const requestId = answer.certificateRequestId;
  if (status === "failed" || status === "rejected") throw refusedForFinalStatus(requestId, status, answer.message ?? null);
  if (!isPendingStatus(status)) throw new RefusedError(`the server answered request ${requestId} with status '${status}' but no certificate`);
  // Kept before waiting, exactly as issue does: a timeout or Ctrl-C can be resumed with `certctl status`.
  await savePending(params.dir, requestId, record, material.privateKeyPem);
  deps.onProgress?.({ kind: "pending", requestId, status, pendingMessage: answer.message ?? null });
  return resumeAfterWait(context, { wait: params.wait, timeoutMs: params.waitTimeoutMs, initialStatus: status });
}
