// The rules a certificate's attributes follow, in domain words: algorithm names and families,
// usage names, RFC 5280 subject bounds, the server's lifetime limit, and which SAN a CN implies.
// Pure: no I/O, no crypto, no flags — src/cli/issue/attributes.ts maps a broken rule to the flag
// the user typed.
import {
  EXT_KEY_USAGES, KEY_ALGORITHMS, KEY_USAGES, SIGNATURE_ALGORITHMS,
  type AltName, type ExtKeyUsage, type KeyAlgorithm, type KeyUsage, type SignatureAlgorithm,
} from "../../model/types.js";
import { isIP } from "node:net";
import { canonicalIPv6, isDnsName } from "./alt-names.js";

export {
  canonicalIPv6, checkAltName, detectSanType, isDnsName, isEmail, isUri, type AltNameCheck,
} from "./alt-names.js";
export { countryProblem, subjectValueProblem, SUBJECT_MAX_LENGTHS, type SubjectField } from "./subject.js";

/** When neither a ttl nor dates are given. The server build in the field requires a ttl; 30 days fits common policies. */
export const DEFAULT_TTL = "30d";
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = "EC_prime256v1";
/** The server parses ttl with `ms` and refuses more than 100 years, where `ms` counts a year as 365.25 days. */
export const MAX_LIFETIME_MS = 36_525 * 24 * 3_600_000;

export type KeyFamily = "RSA" | "EC";
export type KeyMode = "local-key" | "csr" | "server-keygen";

const KEY_ALGORITHM_ALIASES: Record<string, KeyAlgorithm> = {
  rsa2048: "RSA_2048", rsa3072: "RSA_3072", rsa4096: "RSA_4096", rsa: "RSA_2048",
  ecprime256v1: "EC_prime256v1", prime256v1: "EC_prime256v1", p256: "EC_prime256v1", secp256r1: "EC_prime256v1",
  ecp256: "EC_prime256v1", ec: "EC_prime256v1", ecdsa: "EC_prime256v1",
  ecsecp384r1: "EC_secp384r1", secp384r1: "EC_secp384r1", p384: "EC_secp384r1", ecp384: "EC_secp384r1",
  ecsecp521r1: "EC_secp521r1", secp521r1: "EC_secp521r1", p521: "EC_secp521r1", ecp521: "EC_secp521r1",
};
/** The friendly names a help text or an error lists after the canonical ones. */
export const KEY_ALGORITHM_SHORT_NAMES = ["rsa2048", "rsa3072", "rsa4096", "p256", "p384", "p521"] as const;

/** Lowercase and drop separators so `RSA-2048`, `rsa_2048` and `rsa2048` compare equal. */
function squash(value: string): string {
  return value.trim().toLowerCase().replace(/[-_\s]/g, "");
}

export function findKeyAlgorithm(name: string): KeyAlgorithm | undefined {
  return KEY_ALGORITHM_ALIASES[squash(name)];
}

export function findSignatureAlgorithm(name: string): SignatureAlgorithm | undefined {
  const wanted = squash(name).replace(/^ec(?!dsa)/, "ecdsa");
  return SIGNATURE_ALGORITHMS.find((alg) => squash(alg) === wanted);
}

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

export function keyFamily(algorithm: KeyAlgorithm): KeyFamily {
  return algorithm.startsWith("EC_") ? "EC" : "RSA";
}

export function signatureFamily(algorithm: SignatureAlgorithm): KeyFamily {
  return algorithm.startsWith("ECDSA") ? "EC" : "RSA";
}

export function signatureHash(algorithm: SignatureAlgorithm): "SHA-256" | "SHA-384" | "SHA-512" {
  return `SHA-${algorithm.slice(-3)}` as "SHA-256" | "SHA-384" | "SHA-512";
}

/** SHA-256 in the key's family, what openssl and the server default to. */
export function defaultSignatureAlgorithm(algorithm: KeyAlgorithm): SignatureAlgorithm {
  return keyFamily(algorithm) === "EC" ? "ECDSA-SHA256" : "RSA-SHA256";
}

/** The signature algorithms a key of this algorithm can make. */
export function signaturesFor(key: KeyAlgorithm): SignatureAlgorithm[] {
  return SIGNATURE_ALGORITHMS.filter((alg) => signatureFamily(alg) === keyFamily(key));
}

/** "an EC_prime256v1 key", "an RSA_2048 key": both names start with a vowel sound. */
export function keyAlgorithmPhrase(key: KeyAlgorithm): string {
  return `an ${key} key`;
}

/** Application and profile ids: the server answers 422 to anything but a UUID. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.trim());
}

/**
 * The SAN a common name implies: browsers ignore the CN, so like step and certbot a CN that is a
 * DNS name or an IP address is also a SAN. Anything else (a person's name) implies none.
 */
export function altNameForCommonName(cn: string): AltName | undefined {
  const value = cn.trim();
  const ip = value.replace(/^\[|\]$/g, "");
  if (isIP(ip) === 4) return { type: "ip_address", value: ip };
  if (isIP(ip) === 6) return { type: "ip_address", value: canonicalIPv6(ip) };
  if (isDnsName(value)) return { type: "dns_name", value: value.toLowerCase().replace(/\.$/, "") };
  return undefined;
}

export { KEY_ALGORITHMS, SIGNATURE_ALGORITHMS, KEY_USAGES, EXT_KEY_USAGES };
