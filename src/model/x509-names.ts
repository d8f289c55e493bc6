// certctl's (the API's) spellings of key usages, extended key usages, SAN types and subject
// fields, with their X.509 values and what @peculiar/x509 calls them. Shared by the CSR builder,
// the dev server's signer and inspect. Plain constants: importing this loads no x509 code.
import type * as x509 from "@peculiar/x509";
import type { AltNameType, CertificateAttributes, ExtKeyUsage, KeyUsage, SignatureAlgorithm } from "./types.js";

/** RFC 5280 KeyUsage bits, numbered as @peculiar's KeyUsageFlags (and printed in this order by `openssl x509 -text`). */
export const KEY_USAGE_FLAGS: Record<KeyUsage, x509.KeyUsageFlags> = {
  digital_signature: 1,
  non_repudiation: 2,
  key_encipherment: 4,
  data_encipherment: 8,
  key_agreement: 16,
  key_cert_sign: 32,
  crl_sign: 64,
  encipher_only: 128,
  decipher_only: 256,
};

/** id-kp-* of RFC 5280 4.2.1.12. */
export const EXT_KEY_USAGE_OIDS: Record<ExtKeyUsage, string> = {
  server_auth: "1.3.6.1.5.5.7.3.1",
  client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  time_stamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
};

/** @peculiar/x509's GeneralNameType for each API SAN type. */
export const SAN_TYPES: Record<AltNameType, x509.GeneralNameType> = {
  dns_name: "dns",
  ip_address: "ip",
  email: "email",
  uri: "url",
};

/** The GeneralName CHOICE field (as @peculiar/asn1-x509 names it) for each API SAN type. */
export const GENERAL_NAME_FIELDS: Record<AltNameType, "dNSName" | "iPAddress" | "rfc822Name" | "uniformResourceIdentifier"> = {
  dns_name: "dNSName",
  ip_address: "iPAddress",
  email: "rfc822Name",
  uri: "uniformResourceIdentifier",
};

export type SubjectField = "C" | "ST" | "L" | "O" | "OU" | "CN";

/** anyExtendedKeyUsage (RFC 5280 4.2.1.12): not requestable through the API, but shown by inspect. */
export const ANY_EXT_KEY_USAGE_OID = "2.5.29.37.0";

/**
 * The subject fields of a set of attributes in the conventional X.500 order (C, ST, L, O, OU, CN),
 * which is how openssl prints them; absent fields are left out. The CSR builder and the dev
 * server's signer both build names from this, so a subject reads the same from either.
 */
export function subjectFields(attributes: CertificateAttributes): Array<[SubjectField, string]> {
  const fields: Array<[SubjectField, string | undefined]> = [
    ["C", attributes.country], ["ST", attributes.state], ["L", attributes.locality],
    ["O", attributes.organization], ["OU", attributes.organizationalUnit], ["CN", attributes.commonName],
  ];
  return fields.filter((field): field is [SubjectField, string] => field[1] !== undefined);
}

/** id-at-* of X.520. */
export const SUBJECT_FIELD_OIDS: Record<SubjectField, string> = {
  C: "2.5.4.6", ST: "2.5.4.8", L: "2.5.4.7", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3",
};

/** ecdsa-with-SHA* (RFC 5758) and sha*WithRSAEncryption (RFC 4055). */
export const SIGNATURE_OIDS: Record<SignatureAlgorithm, string> = {
  "ECDSA-SHA256": "1.2.840.10045.4.3.2",
  "ECDSA-SHA384": "1.2.840.10045.4.3.3",
  "ECDSA-SHA512": "1.2.840.10045.4.3.4",
  "RSA-SHA256": "1.2.840.113549.1.1.11",
  "RSA-SHA384": "1.2.840.113549.1.1.12",
  "RSA-SHA512": "1.2.840.113549.1.1.13",
};

/** The algorithm of a SubjectPublicKeyInfo (and PKCS#8 key): id-ecPublicKey (RFC 5480), rsaEncryption (RFC 8017). */
export const EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";
export const RSA_ENCRYPTION_OID = "1.2.840.113549.1.1.1";

/** PKCS#9 extensionRequest: the CSR attribute that carries the requested extensions. */
export const EXTENSION_REQUEST_OID = "1.2.840.113549.1.9.14";
