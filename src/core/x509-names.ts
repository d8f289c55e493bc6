// certctl's (the API's) spellings of key usages, extended key usages and SAN types, and what
// @peculiar/x509 calls them. Shared by the CSR builder, the dev server's signer and inspect.
import "reflect-metadata"; // @peculiar/x509 (tsyringe) needs it loaded first
import * as x509 from "@peculiar/x509";
import type { AltNameType, ExtKeyUsage, KeyUsage } from "../api/types.js";

/** In the bit order of RFC 5280 (and of `openssl x509 -text`). */
export const KEY_USAGE_FLAGS: Record<KeyUsage, x509.KeyUsageFlags> = {
  digital_signature: x509.KeyUsageFlags.digitalSignature,
  non_repudiation: x509.KeyUsageFlags.nonRepudiation,
  key_encipherment: x509.KeyUsageFlags.keyEncipherment,
  data_encipherment: x509.KeyUsageFlags.dataEncipherment,
  key_agreement: x509.KeyUsageFlags.keyAgreement,
  key_cert_sign: x509.KeyUsageFlags.keyCertSign,
  crl_sign: x509.KeyUsageFlags.cRLSign,
  encipher_only: x509.KeyUsageFlags.encipherOnly,
  decipher_only: x509.KeyUsageFlags.decipherOnly,
};

export const EXT_KEY_USAGE_OIDS: Record<ExtKeyUsage, string> = {
  server_auth: x509.ExtendedKeyUsage.serverAuth,
  client_auth: x509.ExtendedKeyUsage.clientAuth,
  code_signing: x509.ExtendedKeyUsage.codeSigning,
  email_protection: x509.ExtendedKeyUsage.emailProtection,
  time_stamping: x509.ExtendedKeyUsage.timeStamping,
  ocsp_signing: x509.ExtendedKeyUsage.ocspSigning,
};

export const SAN_TYPES: Record<AltNameType, x509.GeneralNameType> = {
  dns_name: "dns",
  ip_address: "ip",
  email: "email",
  uri: "url",
};
