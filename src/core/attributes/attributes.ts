// The rules a certificate's attributes follow, in domain words: algorithm names and families,
// usage names, RFC 5280 subject bounds, the server's lifetime limit, and which SAN a CN implies.
// Pure: no I/O, no crypto, no flags — src/cli/issue/attributes.ts maps a broken rule to the flag
// the user typed.
import {
  EXT_KEY_USAGES, KEY_ALGORITHMS, KEY_USAGES, SIGNATURE_ALGORITHMS,
  type AltName, type ExtKeyUsage, type KeyAlgorithm, type KeyUsage, type SignatureAlgorithm,
} from "../../model/types.js";
import { isIP } from "node:net";
import { isDnsName } from "./alt-names.js";
import { keyFamily, signatureAlgorithmsFor } from "../../model/algorithms.js";
import { wireIp } from "../../model/ip.js";

// The algorithm vocabulary lives in model/algorithms.ts (one table); these are its names here.
export {
  DEFAULT_KEY_ALGORITHM, KEY_ALGORITHM_SHORT_NAMES, defaultSignatureAlgorithm, keyFamily, signatureFamily, signatureHash,
  keyAlgorithmFromAlias as findKeyAlgorithm, signatureAlgorithmFromAlias as findSignatureAlgorithm, type KeyFamily,
} from "../../model/algorithms.js";
export { isUuid } from "../../model/uuid.js";
export {
  checkAltName, detectSanType, isDnsName, isEmail, isUri, type AltNameCheck,
} from "./alt-names.js";
export { countryProblem, subjectValueProblem, SUBJECT_MAX_LENGTHS, type SubjectField } from "./subject.js";

/** When neither a ttl nor dates are given. The server build in the field requires a ttl; 30 days fits common policies. */
export const DEFAULT_TTL = "30d";
/** The server parses ttl with `ms` and refuses more than 100 years, where `ms` counts a year as 365.25 days. */
export const MAX_LIFETIME_MS = 36_525 * 24 * 3_600_000;

export type KeyMode = "local-key" | "csr" | "server-keygen";

/** `digital-signature`, `digital_signature` and `Digital Signature` are the same usage. */
export function findKeyUsage(name: string): KeyUsage | undefined {
  return KEY_USAGES.find((u) => u === usageSpelling(name));
}

export function findExtKeyUsage(name: string): ExtKeyUsage | undefined {
  return EXT_KEY_USAGES.find((u) => u === usageSpelling(name));
}

function usageSpelling(name: string): string {
  return name.trim().toLowerCase().replace(/[-\s]/g, "_");
}

/** The signature algorithms a key of this algorithm can make. */
export function signaturesFor(key: KeyAlgorithm): SignatureAlgorithm[] {
  return signatureAlgorithmsFor(keyFamily(key));
}

/** "an EC_prime256v1 key", "an RSA_2048 key": both names start with a vowel sound. */
export function keyAlgorithmPhrase(key: KeyAlgorithm): string {
  return `an ${key} key`;
}

/**
 * The SAN a common name implies: browsers ignore the CN, so like step and certbot a CN that is a
 * DNS name or an IP address is also a SAN. Anything else (a person's name) implies none.
 */
export function altNameForCommonName(cn: string): AltName | undefined {
  const value = cn.trim();
  const ip = value.replace(/^\[|\]$/g, "");
  if (isIP(ip) === 4) return { type: "ip_address", value: ip };
  if (isIP(ip) === 6) return { type: "ip_address", value: wireIp(ip) };
  if (isDnsName(value)) return { type: "dns_name", value: value.toLowerCase().replace(/\.$/, "") };
  return undefined;
}

export { KEY_ALGORITHMS, SIGNATURE_ALGORITHMS, KEY_USAGES, EXT_KEY_USAGES };
