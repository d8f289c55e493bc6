// Answer bodies, shaped exactly as a real server's.
import type {
  CertificateBundle, CertificateMetadata, CertificateRequestStatus, CertificateWithChain, CreateCertificateResponse, IssuedCertificate,
} from "../model/types.js";
import type { IssuingCa } from "./ca.js";
import { x509 } from "./crypto.js";
import type { CertificateRecord, RequestRecord, ServerState } from "./state.js";

/** Issuing intermediate, then the root, joined by "\n" with no trailing newline; the leaf is never in it. */
export function chainOf(ca: IssuingCa, removeRoots: boolean): string {
  return removeRoots ? ca.intermediatePem.trim() : `${ca.intermediatePem.trim()}\n${ca.rootPem.trim()}`;
}

/** `true` or the string "true", as the real server reads it. */
export function wantsRootsRemoved(value: unknown): boolean {
  return value === true || value === "true";
}

export function issuedCertificate(cert: CertificateRecord, removeRoots: boolean): IssuedCertificate {
  const body: IssuedCertificate = {
    certificate: cert.pem,
    issuingCaCertificate: cert.profile.ca.intermediatePem,
    certificateChain: chainOf(cert.profile.ca, removeRoots),
    serialNumber: cert.serialNumber,
    certificateId: cert.id,
  };
  if (cert.privateKeyPem) body.privateKey = cert.privateKeyPem;
  return body;
}

const PENDING_MESSAGES: Record<string, string> = {
  pending_approval: "Certificate request requires approval",
  pending: "Certificate request submitted to the external CA",
  pending_validation: "Certificate request is waiting for validation",
};

export function pendingMessage(status: RequestRecord["status"]): string {
  return PENDING_MESSAGES[status] ?? status;
}

export function createAnswer(state: ServerState, request: RequestRecord, removeRoots: boolean): CreateCertificateResponse {
  const cert = request.certificateId ? state.certificates.get(request.certificateId) : undefined;
  if (request.status === "issued" && cert) {
    // A real server leaves `message` out of a success answer (not null).
    return { certificate: issuedCertificate(cert, removeRoots), certificateRequestId: request.id, status: "issued" };
  }
  return {
    certificate: null,
    certificateRequestId: request.id,
    status: request.status,
    message: request.errorMessage ?? PENDING_MESSAGES[request.status] ?? request.status,
  };
}

/** The request status answer: the leaf only, never the chain. */
export function requestStatus(state: ServerState, request: RequestRecord): CertificateRequestStatus {
  const cert = request.certificateId ? state.certificates.get(request.certificateId) : undefined;
  return {
    status: request.status,
    certificate: cert?.pem ?? null,
    certificateId: cert?.id ?? null,
    privateKey: cert?.privateKeyPem ?? null,
    serialNumber: cert?.serialNumber ?? null,
    errorMessage: request.errorMessage,
    pendingMessage: request.pendingMessage,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

export function withChain(cert: CertificateRecord): CertificateWithChain {
  return { certificate: cert.pem, certificateChain: chainOf(cert.profile.ca, false), serialNumber: cert.serialNumber };
}

export function bundle(cert: CertificateRecord): CertificateBundle {
  return { ...withChain(cert), privateKey: cert.privateKeyPem };
}

export function metadata(state: ServerState, cert: CertificateRecord): CertificateMetadata {
  return {
    certificate: {
      id: cert.id,
      projectId: state.credentials.projectId,
      profileId: cert.profile.id,
      certificateRequestId: cert.requestId,
      status: cert.status,
      serialNumber: cert.serialNumber,
      commonName: cert.commonName,
      altNames: sanText(cert.pem),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      hasPrivateKey: cert.privateKeyPem !== null,
      revokedAt: cert.revokedAt?.toISOString() ?? null,
      revocationReason: cert.revocationReason,
      renewedFromCertificateId: cert.renewedFromCertificateId,
      latestRenewalCertificateId: cert.latestRenewalCertificateId,
      createdAt: cert.createdAt.toISOString(),
      updatedAt: (cert.revokedAt ?? cert.createdAt).toISOString(),
    },
  };
}

/** SAN values joined by ", ", the way the real server lists them in metadata. */
function sanText(pem: string): string {
  const san = new x509.X509Certificate(pem).getExtension(x509.SubjectAlternativeNameExtension);
  return san ? san.names.items.map((name) => name.value).join(", ") : "";
}
