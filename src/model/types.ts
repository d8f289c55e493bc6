// Wire shapes of the Infisical endpoints certctl uses (the create call as spec/create-certificate.openapi.yaml publishes it).
// Shared by the client (src/api) and the dev server (src/devserver), so both read the same contract.

export const KEY_USAGES = [
  "digital_signature", "key_encipherment", "non_repudiation", "data_encipherment", "key_agreement",
  "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export const EXT_KEY_USAGES = [
  "client_auth", "server_auth", "code_signing", "email_protection", "ocsp_signing", "time_stamping",
] as const;
export type ExtKeyUsage = (typeof EXT_KEY_USAGES)[number];

export const ALT_NAME_TYPES = ["dns_name", "ip_address", "email", "uri"] as const;
export type AltNameType = (typeof ALT_NAME_TYPES)[number];

export const SIGNATURE_ALGORITHMS = [
  "RSA-SHA256", "RSA-SHA384", "RSA-SHA512", "ECDSA-SHA256", "ECDSA-SHA384", "ECDSA-SHA512",
] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

export const KEY_ALGORITHMS = [
  "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1",
] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const REVOCATION_REASONS = [
  "UNSPECIFIED", "KEY_COMPROMISE", "CA_COMPROMISE", "AFFILIATION_CHANGED", "SUPERSEDED",
  "CESSATION_OF_OPERATION", "CERTIFICATE_HOLD", "PRIVILEGE_WITHDRAWN", "A_A_COMPROMISE",
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export const FINAL_STATUSES = ["issued", "failed", "rejected"] as const;
export const PENDING_STATUSES = ["pending", "pending_approval", "pending_validation"] as const;
export type RequestStatus = (typeof FINAL_STATUSES)[number] | (typeof PENDING_STATUSES)[number];

export function isPendingStatus(status: string): boolean {
  return (PENDING_STATUSES as readonly string[]).includes(status);
}

export interface AltName {
  type: AltNameType;
  value: string;
}

export interface BasicConstraints {
  isCA: boolean;
  pathLength?: number;
}

/** `attributes` of POST /api/v1/cert-manager/certificates, as the published spec allows. */
export interface CertificateAttributes {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
  state?: string;
  locality?: string;
  keyUsages?: KeyUsage[];
  extendedKeyUsages?: ExtKeyUsage[];
  altNames?: AltName[];
  signatureAlgorithm?: SignatureAlgorithm;
  keyAlgorithm?: KeyAlgorithm;
  ttl?: string;
  notBefore?: string;
  notAfter?: string;
  basicConstraints?: BasicConstraints;
}

export interface CreateCertificateBody {
  profileId: string;
  applicationId?: string;
  csr?: string;
  attributes?: CertificateAttributes;
  removeRootsFromChain?: boolean | string;
}

export interface IssuedCertificate {
  certificate: string;
  issuingCaCertificate: string;
  certificateChain: string;
  privateKey?: string;
  serialNumber: string;
  certificateId: string;
}

export interface CreateCertificateResponse {
  certificate: IssuedCertificate | null;
  certificateRequestId: string;
  status?: RequestStatus;
  message?: string;
}

export interface CertificateRequestStatus {
  status: RequestStatus;
  certificate: string | null;
  certificateId: string | null;
  privateKey: string | null;
  serialNumber: string | null;
  errorMessage: string | null;
  pendingMessage?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CertificateWithChain {
  certificate: string;
  certificateChain: string | null;
  serialNumber: string;
}

export interface CertificateBundle extends CertificateWithChain {
  privateKey: string | null;
}

export interface CertificateMetadata {
  certificate: {
    id: string;
    status: string;
    serialNumber: string;
    commonName: string;
    notBefore: string;
    notAfter: string;
    hasPrivateKey: boolean;
    latestRenewalCertificateId?: string | null;
    [key: string]: unknown;
  };
}

export type RenewalKeySource = "new" | "reuse" | "csr";

export interface RenewBody {
  removeRootsFromChain?: boolean;
  renewalKeySource?: RenewalKeySource;
  csr?: string;
}

export interface RevokeResponse {
  message: string;
  serialNumber: string;
  revokedAt: string;
}

export interface LoginResponse {
  accessToken: string;
  expiresIn: number;
  accessTokenMaxTTL: number;
  tokenType: "Bearer";
}


/** A revocation reason as users type it: `key-compromise` for KEY_COMPROMISE. */
export function friendlyReason(reason: RevocationReason): string {
  return reason.toLowerCase().replace(/_/g, "-");
}
