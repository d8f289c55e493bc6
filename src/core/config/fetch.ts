// certificate-id entries: a certificate that already exists on the server (often one whose key
// the server holds and renews itself) is fetched, never requested. Its renewals are followed
// through `latestRenewalCertificateId`, so a renewal the server made reaches this host.
import { X509Certificate } from "node:crypto";
import type { InfisicalApi } from "../../api/infisical.js";
import { RefusedError } from "../../model/errors.js";
import { storedPaths } from "../../store/metadata.js";
import { finalizeIssued } from "../request/finalize.js";
import type { IssueResult, RequestRecord } from "../request/record.js";
import type { ApplyEntry } from "./entry.js";

/** Renewal chains are short; a loop in a broken server's answers must not spin forever. */
const MAX_HOPS = 50;

/** The newest certificate of `certificateId`'s lineage, and every id passed on the way. */
export async function latestRenewal(api: Pick<InfisicalApi, "getMetadata">, certificateId: string): Promise<{ id: string; hops: string[]; metadata: Awaited<ReturnType<InfisicalApi["getMetadata"]>> }> {
  const hops = [certificateId];
  let metadata = await api.getMetadata(certificateId);
  for (let i = 0; i < MAX_HOPS; i++) {
    const next = metadata.certificate.latestRenewalCertificateId;
    if (!next || hops.includes(next)) break;
    hops.push(next);
    metadata = await api.getMetadata(next);
  }
  return { id: hops[hops.length - 1]!, hops, metadata };
}

/** Fetch the newest certificate of the entry's lineage (from `startId`) into the entry's directory. */
export async function fetchCertificate(
  entry: ApplyEntry, startId: string, api: Pick<InfisicalApi, "getMetadata" | "getBundle" | "getCertificate" | "getCertificateRequest">,
  apiUrl: string, signal: AbortSignal, now: () => Date, env: NodeJS.ProcessEnv,
): Promise<IssueResult & { hops: string[] }> {
  const { id, hops, metadata } = await latestRenewal(api, startId);
  const info = metadata.certificate;
  if (info.status === "revoked") {
    throw new RefusedError(`certificate ${id} (certificate-id ${startId}) is revoked on the server; nothing was written`, {
      hint: "Renew or re-issue it in Infisical, or point certificate-id at its replacement.",
    });
  }
  const hasKey = info.hasPrivateKey;
  const pems = hasKey ? await api.getBundle(id) : { ...(await api.getCertificate(id)), privateKey: null };
  if (hasKey && !pems.privateKey) {
    throw new RefusedError(`the server holds the key of certificate ${id} but returned none; nothing was written`, {
      hint: "The machine identity needs the ReadPrivateKey permission on certificates.",
    });
  }
  const { params } = entry;
  const keyed = params.formats && (params.formats.p12 ?? params.formats.combined ?? params.formats.encryptedKey);
  if (!hasKey && keyed) {
    throw new RefusedError(`the server holds no key for certificate ${id}: a PKCS#12, combined PEM or encrypted key cannot be written; nothing was written`, {
      hint: "Keep only formats.der for this entry, or fetch a certificate whose key the server made.",
    });
  }
  const written = {
    cert: params.files.cert, chain: params.files.chain, fullchain: params.files.fullchain, ...(hasKey ? { key: params.files.key } : {}),
    ...(params.formats?.p12 && params.files.p12 ? { p12: params.files.p12 } : {}), ...(params.formats?.der && params.files.der ? { der: params.files.der } : {}),
    ...(params.formats?.combined && params.files.combined ? { combined: params.files.combined } : {}),
  };
  const record: RequestRecord & { sourceCertificateId: string } = {
    version: 1, domain: apiUrl, profileId: typeof info.profileId === "string" ? info.profileId : "",
    mode: hasKey ? "server-keygen" : "csr", attributes: {}, removeRootsFromChain: params.removeRootsFromChain,
    certificateRequestId: typeof info.certificateRequestId === "string" ? info.certificateRequestId : id,
    files: storedPaths(params.outDir, written), createdAt: now().toISOString(), outDir: params.outDir, force: true,
    sourceCertificateId: entry.certificateId ?? startId,
  };
  if (params.formats !== undefined) record.formats = params.formats;
  if (hops.length > 1) record.previousCertificateId = hops[hops.length - 2]!;
  if (!hasKey) {
    // No key on this host: the certificate's own public key is what the set is checked against.
    record.csrPublicKey = Buffer.from(new X509Certificate(pems.certificate).publicKey.export({ type: "spki", format: "der" })).toString("base64");
  }
  const result = await finalizeIssued(
    { api, record, privateKeyPem: undefined, publicKeyDer: undefined, signal, domainFlag: undefined, onProgress: undefined, now, env },
    { certificate: pems.certificate, chain: pems.certificateChain, privateKey: pems.privateKey ?? undefined, certificateId: id },
  );
  return { ...result, hops };
}
