// Finishing an issued certificate: fetch what the answer lacked, verify, install the set, write
// certctl.json last. Called by settle.ts for `issue`, `status` and `renew` alike. Nothing is
// written unless the set verifies.
import { resolve } from "node:path";
import type { IssuedCertificate } from "../../model/types.js";
import type { InfisicalApi } from "../../api/infisical.js";
import { RefusedError } from "../../model/errors.js";
import { installFileSet } from "../../store/layout.js";
import { permissionOptions, writeMetadata, type CertctlMetadata, type IssueMode } from "../../store/metadata.js";
import { publicKeyDerOfPem, toPkcs8Pem } from "../crypto/keys.js";
import { altNamesOf, oneLine, toPem, validity, verifyIssuedSet } from "../crypto/verify.js";
import { checkIssuedCertificate } from "./check-issued.js";
import { readFormatPasswords } from "../formats/passwords.js";
import { renderFormats } from "../formats/render.js";
import { canonicalSerial, recordPaths, type IssueProgress, type IssueResult, type RequestRecord } from "./record.js";
import type { InputNames } from "../input-names.js";

/** Everything needed to finish a request; the record is its durable form. */
export interface FinalizeContext {
  api: Pick<InfisicalApi, "getCertificateRequest" | "getCertificate" | "getBundle">;
  record: RequestRecord;
  /** The key certctl generated or read (local-key mode). */
  privateKeyPem: string | undefined;
  /** The public key the certificate must carry; derived from the key when absent. */
  publicKeyDer: Buffer | undefined;
  signal: AbortSignal;
  domainFlag: string | undefined;
  onProgress: ((event: IssueProgress) => void) | undefined;
  now: (() => Date) | undefined;
  /** Where $CERTCTL_P12_PASSWORD and the like are read: the command's environment, never process.env. */
  env: NodeJS.ProcessEnv;
  /** How messages name the password sources (the cli passes its flags). */
  names?: InputNames;
}

export interface IssuedPems {
  certificate: string;
  chain: string | null;
  privateKey: string | undefined;
  /** The chain came from the create/renew answer, where the server already honoured removeRootsFromChain. */
  chainHasRootsRemoved?: boolean;
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
      hint: "The machine identity needs the ReadPrivateKey permission on certificates to receive a key the server made; or let certctl make the key locally.",
    });
  }
  return answer
    ? { certificate: answer.certificate, chain: answer.certificateChain, privateKey: bundle.privateKey, chainHasRootsRemoved: true }
    : { certificate: bundle.certificate, chain: bundle.certificateChain, privateKey: bundle.privateKey };
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
  // Not valid now, or missing a requested name: refused before anything is written.
  const warning = checkIssuedCertificate(verified.leaf, record.attributes, context.now?.() ?? new Date(), issued.certificateId);
  let chain = verified.chain;
  // /certificate returns the whole chain; honour --remove-roots-from-chain as the create answer would have.
  if (record.removeRootsFromChain && !issued.chainHasRootsRemoved) {
    while (chain.length > 1 && chain[chain.length - 1]!.issuer === chain[chain.length - 1]!.subject) chain = chain.slice(0, -1);
  }
  context.onProgress?.({ kind: "writing", mode: record.mode });
  const paths = recordPaths(record);
  const key = record.mode !== "csr" ? keyPem : undefined;
  // The optional formats (p12, DER, combined, encrypted key.pem) go into the same version folder.
  const rendered = record.formats === undefined ? { privateKey: key, files: {} } : await renderFormats({
    formats: record.formats, attributes: record.attributes, certificatePem: verified.certificatePem, chainPem: toPem(chain),
    privateKeyPem: key, passwords: await readFormatPasswords(record.formats, context.env, context.names),
  });
  const written = await installFileSet(record.outDir, paths, {
    certificate: verified.certificatePem,
    chain: toPem(chain),
    ...(rendered.privateKey !== undefined ? { privateKey: rendered.privateKey } : {}),
    formats: rendered.files,
  }, permissionOptions(record));
  const leaf = verified.leaf;
  const serialNumber = canonicalSerial(leaf.serialNumber);
  const { notBefore, notAfter } = validity(leaf);
  const { createdAt: _createdAt, outDir: _outDir, force: _force, csrPublicKey: _csrPublicKey, ...carried } = record;
  const meta: CertctlMetadata = {
    ...carried,
    files: {
      cert: record.files.cert, chain: record.files.chain, fullchain: record.files.fullchain,
      ...(written.ca ? { ca: record.files.ca ?? "ca.pem" } : {}), ...(written.key ? { key: record.files.key ?? "key.pem" } : {}),
      ...pickDefined({ p12: record.files.p12, der: record.files.der, combined: record.files.combined }),
    },
    certificateId: issued.certificateId,
    serialNumber,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    issuedAt: (context.now?.() ?? new Date()).toISOString(),
  };
  if (record.mode === "csr") delete meta.files.key;
  await writeMetadata(record.outDir, meta);
  const result: IssueResult = {
    status: "issued", certificateId: issued.certificateId, certificateRequestId: record.certificateRequestId, serialNumber,
    subject: oneLine(leaf.subject ?? ""), altNames: altNamesOf(leaf), notBefore: meta.notBefore, notAfter: meta.notAfter, mode: record.mode,
    files: written, metadataFile: resolve(record.outDir, "certctl.json"),
  };
  if (record.keyAlgorithm) result.keyAlgorithm = record.keyAlgorithm;
  if (warning !== undefined) result.notYetValidWarning = warning;
  return result;
}

function pickDefined<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined) out[name as keyof T] = value;
  return out;
}
