// One renewal against the server: build the key material the recorded mode calls for, ask
// POST /{id}/renew (so Infisical keeps the lineage), fall back to a fresh issue with the
// recorded profile and attributes when the server refuses to renew, and hand the answer to the
// same settle step `issue` and `status` use (verify → install → certctl.json last).
import { X509Certificate } from "node:crypto";
import type { InfisicalApi } from "../../api/infisical.js";
import type { CertificateAttributes, RenewBody } from "../../model/types.js";
import { RefusedError, UsageError } from "../../model/errors.js";
import { lifetimeTtl } from "../../model/duration.js";
import type { CertctlMetadata } from "../../store/metadata.js";
import { defaultSignatureAlgorithm } from "../attributes/attributes.js";
import { checkCsr } from "../crypto/csr-input.js";
import { generateSigningKey, importSigningKey, keyAlgorithmOf, readKeyFile } from "../crypto/keys.js";
import { createBody, localKeyMaterial, type IssueMaterial } from "../request/issue.js";
import { readFormatPasswords } from "../formats/passwords.js";
import type { FinalizeContext } from "../request/finalize.js";
import { recordPaths, type IssueProgress, type IssueResult, type RequestRecord } from "../request/record.js";
import { settleAnswer, type RequestAnswer } from "../request/settle.js";
import type { DirPlan, RenewParams } from "./plan.js";

/** How the new key was obtained, for the result line. */
export type KeySource = "new-local-key" | "reused-local-key" | "new-server-key" | "reused-server-key" | "csr";

/** The server a directory's certificate came from, and the client talking to it. */
export interface RenewServer {
  api: Pick<InfisicalApi, "renewCertificate" | "createCertificate" | "getCertificateRequest" | "getCertificate" | "getBundle"> & Partial<Pick<InfisicalApi, "authenticate">>;
  /** The API root actually used (recorded in certctl.json). */
  apiUrl: string;
}

export interface RenewedCertificate {
  issued: IssueResult;
  method: "renew" | "reissue";
  keySource: KeySource;
  /** Why the server's renew was not used (the fallback to a fresh issue). */
  fallbackReason?: string;
}

/** What certctl holds before the request: a CSR and the key it keeps, or nothing (server keygen). */
async function renewalMaterial(plan: DirPlan, reuseKey: boolean, env: NodeJS.ProcessEnv): Promise<{ material: IssueMaterial; keySource: KeySource }> {
  const { meta } = plan;
  const attributes: CertificateAttributes = { ...meta.attributes };
  if (meta.mode === "csr") {
    if (plan.csrPem === undefined) throw new UsageError(`${plan.dir} keeps no CSR to resubmit`); // planDirectory refuses this first
    const csr = await checkCsr(Buffer.from(plan.csrPem), "the CSR to resubmit");
    return { material: { mode: "csr", attributes, csrPem: csr.pem, publicKeyDer: csr.publicKeyDer, keyAlgorithm: csr.keyAlgorithm }, keySource: "csr" };
  }
  if (meta.mode === "server-keygen") {
    return { material: { mode: "server-keygen", attributes }, keySource: "new-server-key" };
  }
  const paths = recordPaths({ outDir: plan.dir, files: meta.files });
  let key;
  if (reuseKey) {
    const pem = await readKeyFile(paths.key, "the key");
    const { key: passphrase } = await readFormatPasswords(meta.formats?.encryptedKey ? { encryptedKey: meta.formats.encryptedKey } : undefined, env);
    key = await importSigningKey(pem, paths.key, meta.signatureAlgorithm ?? attributes.signatureAlgorithm, undefined, passphrase);
  } else {
    const keyAlgorithm = meta.keyAlgorithm ?? attributes.keyAlgorithm ?? keyAlgorithmOf(new X509Certificate(plan.certPem).publicKey, paths.cert);
    key = await generateSigningKey(keyAlgorithm, meta.signatureAlgorithm ?? attributes.signatureAlgorithm ?? defaultSignatureAlgorithm(keyAlgorithm));
  }
  return { material: await localKeyMaterial(attributes, key), keySource: reuseKey ? "reused-local-key" : "new-local-key" };
}

function renewBody(meta: CertctlMetadata, material: IssueMaterial, reuseKey: boolean): RenewBody {
  const body: RenewBody = {};
  if (material.csrPem !== undefined) {
    body.renewalKeySource = "csr";
    body.csr = material.csrPem;
  } else {
    // The server made the key: a new one by default, the same one with --reuse-key (a wish: some builds ignore it).
    body.renewalKeySource = reuseKey ? "reuse" : "new";
  }
  if (meta.removeRootsFromChain) body.removeRootsFromChain = true;
  return body;
}

/**
 * Renew refusals that a fresh issue can get past: already renewed, expired, revoked, unknown id,
 * and the 403 ForbiddenError of builds that never renew CSR-issued certificates (api/errors.ts
 * makes that one a RefusedError; a real permission problem stays an AuthError, exit 3).
 */
function isRenewRefusal(error: unknown): error is RefusedError {
  return error instanceof RefusedError && [400, 403, 404, 422].includes(error.status ?? 0);
}

/**
 * A fresh issue needs a lifetime. Absolute dates recorded at issue time would give a certificate
 * that is already old, so they become a ttl equal to the current certificate's lifetime.
 */
export function reissueAttributes(attributes: CertificateAttributes, currentCertPem: string): CertificateAttributes {
  if (attributes.ttl !== undefined || (attributes.notBefore === undefined && attributes.notAfter === undefined)) return attributes;
  const cert = new X509Certificate(currentCertPem);
  const { notBefore: _nb, notAfter: _na, ...rest } = attributes;
  return { ...rest, ttl: lifetimeTtl(Date.parse(cert.validTo) - Date.parse(cert.validFrom)) };
}

/** The renew call, or the fresh issue that replaces it when the server refuses to renew. */
async function ask(plan: DirPlan, material: IssueMaterial, reuseKey: boolean, server: RenewServer): Promise<{ answer: RequestAnswer; fallbackReason?: string }> {
  const { meta } = plan;
  try {
    return { answer: await server.api.renewCertificate(meta.certificateId, renewBody(meta, material, reuseKey)) };
  } catch (error) {
    if (!isRenewRefusal(error)) throw error;
    // The server's own words, without the transport prefix ("host refused POST … (HTTP 400): ").
    const said = error.message.replace(/^.*?\(HTTP \d+\):\s*/, "");
    const fallbackReason = `the server refused to renew ${meta.certificateId} (HTTP ${error.status}: ${said})`;
    const fresh: IssueMaterial = { ...material, attributes: reissueAttributes(material.attributes, plan.certPem) };
    const body = createBody(meta.profileId, fresh, {
      removeRootsFromChain: meta.removeRootsFromChain,
      ...(meta.applicationId !== undefined ? { applicationId: meta.applicationId } : {}),
    });
    const answer = await server.api.createCertificate(body).catch((second: unknown) => {
      if (!(second instanceof RefusedError)) throw second;
      throw new RefusedError(`${second.message} (a fresh issue, after the ${fallbackReason})`, {
        lines: second.lines, cause: second, ...(second.status !== undefined ? { status: second.status } : {}),
        ...(second.hint !== undefined ? { hint: second.hint } : {}),
      });
    });
    return { answer, fallbackReason };
  }
}

/** The record a renewal keeps: the directory's own, with the new request and the lineage. */
export function renewalRecord(plan: DirPlan, material: IssueMaterial, apiUrl: string, requestId: string, now: Date, method: "renew" | "reissue"): RequestRecord {
  const { meta } = plan;
  const { certificateId: _id, serialNumber: _serial, notBefore: _nb, notAfter: _na, issuedAt: _at, revokedAt: _rev, revocationReason: _reason, ...kept } = meta;
  const record: RequestRecord = {
    ...kept, domain: apiUrl, attributes: material.attributes, certificateRequestId: requestId,
    // force: the set being replaced is certctl's own; a later `certctl status` must be able to replace it too.
    createdAt: now.toISOString(), outDir: plan.dir, force: true,
    renewedAt: now.toISOString(), previousCertificateId: meta.certificateId, lineage: method === "renew" ? "renewed" : "reissued",
  };
  const keyAlgorithm = material.keyAlgorithm ?? meta.keyAlgorithm;
  const signatureAlgorithm = material.signatureAlgorithm ?? meta.signatureAlgorithm;
  if (keyAlgorithm !== undefined) record.keyAlgorithm = keyAlgorithm;
  if (signatureAlgorithm !== undefined) record.signatureAlgorithm = signatureAlgorithm;
  if (material.mode === "csr" && material.publicKeyDer) record.csrPublicKey = material.publicKeyDer.toString("base64");
  return record;
}

export async function requestRenewal(
  plan: DirPlan, params: Pick<RenewParams, "reuseKey" | "wait" | "waitTimeoutMs" | "names">, server: RenewServer,
  deps: { signal: AbortSignal; now: () => Date; env: NodeJS.ProcessEnv; onProgress?: (event: IssueProgress) => void; onChecked?: () => void },
): Promise<RenewedCertificate> {
  // The formats' passwords (p12, encrypted key.pem) must be readable before a request is sent.
  await readFormatPasswords(plan.meta.formats, deps.env, params.names);
  // From here a new key (or the server's) leaves nothing local to fail, so the login goes on the
  // wire while the key and CSR are made (a run's first directories wait for it otherwise). A key
  // or CSR read from a file is read first: a bad one sends nothing.
  const early = !params.reuseKey && plan.meta.mode !== "csr" ? server.api.authenticate?.() : undefined;
  early?.catch(() => undefined); // awaited below, after the key: its failure is this directory's
  if (early) deps.onChecked?.();
  const { material, keySource } = await renewalMaterial(plan, params.reuseKey, deps.env);
  deps.onChecked?.();
  await early;
  deps.onProgress?.({ kind: "requesting", host: server.apiUrl });
  const { answer, fallbackReason } = await ask(plan, material, params.reuseKey, server);
  const method = fallbackReason === undefined ? "renew" : "reissue";
  const record = renewalRecord(plan, material, server.apiUrl, answer.certificateRequestId, deps.now(), method);
  const context: FinalizeContext = {
    api: server.api, record, privateKeyPem: material.privateKeyPem, publicKeyDer: material.publicKeyDer, signal: deps.signal,
    domainFlag: undefined, onProgress: deps.onProgress, now: deps.now, env: deps.env, ...(params.names !== undefined ? { names: params.names } : {}),
  };
  const issued = await settleAnswer(answer, context, { wait: params.wait, timeoutMs: params.waitTimeoutMs });
  const result: RenewedCertificate = { issued, method, keySource };
  if (fallbackReason !== undefined) result.fallbackReason = fallbackReason;
  return result;
}
