// Key and signature algorithms in one table: the API's names (EC_prime256v1, RSA-SHA256), the
// curves with their WebCrypto, OpenSSL and OID names, the spellings --key-algorithm accepts and
// the defaults. Shared by the CLI, the CSR builder, the dev server and inspect, so a curve or an
// alias is added in one place. Plain constants: importing this loads no crypto.
import { KEY_ALGORITHMS, SIGNATURE_ALGORITHMS, type KeyAlgorithm, type SignatureAlgorithm } from "./types.js";

export type KeyFamily = "EC" | "RSA";
export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

export interface Curve {
  keyAlgorithm: KeyAlgorithm;
  /** WebCrypto's and @peculiar/x509's name. */
  web: "P-256" | "P-384" | "P-521";
  /** OpenSSL's (and node:crypto's asymmetricKeyDetails) name. */
  node: "prime256v1" | "secp384r1" | "secp521r1";
  /** namedCurve OID of RFC 5480. */
  oid: string;
  bits: number;
}

/** The curves Infisical accepts, smallest first. */
export const CURVES: readonly Curve[] = [
  { keyAlgorithm: "EC_prime256v1", web: "P-256", node: "prime256v1", oid: "1.2.840.10045.3.1.7", bits: 256 },
  { keyAlgorithm: "EC_secp384r1", web: "P-384", node: "secp384r1", oid: "1.3.132.0.34", bits: 384 },
  { keyAlgorithm: "EC_secp521r1", web: "P-521", node: "secp521r1", oid: "1.3.132.0.35", bits: 521 },
];

/** RSA modulus sizes Infisical accepts. */
export const RSA_BITS = [2048, 3072, 4096] as const;

/**
 * P-256 with ECDSA-SHA256: what mkcert, step and certbot default to, small CSRs (many SANs fit
 * the API's 4096-character limit), and fast to generate, so a spinner never waits on it.
 */
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = "EC_prime256v1";

/** The curve of an EC key algorithm; undefined for RSA. */
export function curveOf(algorithm: KeyAlgorithm): Curve | undefined {
  return CURVES.find((curve) => curve.keyAlgorithm === algorithm);
}

/** A curve by any of its names: "P-256", "prime256v1" or its OID. */
export function curveNamed(name: string | undefined): Curve | undefined {
  return CURVES.find((curve) => curve.web === name || curve.node === name || curve.oid === name);
}

/** The API key algorithm for an RSA modulus size, when Infisical accepts that size. */
export function rsaKeyAlgorithm(bits: number | undefined): KeyAlgorithm | undefined {
  return (RSA_BITS as readonly number[]).includes(bits ?? 0) ? (`RSA_${bits}` as KeyAlgorithm) : undefined;
}

/** The modulus size of an RSA key algorithm (RSA_3072 → 3072). */
export function rsaBits(algorithm: KeyAlgorithm): number {
  return Number(algorithm.slice("RSA_".length));
}

export function keyFamily(algorithm: KeyAlgorithm): KeyFamily {
  return algorithm.startsWith("EC_") ? "EC" : "RSA";
}

export function signatureFamily(algorithm: SignatureAlgorithm): KeyFamily {
  return algorithm.startsWith("ECDSA") ? "EC" : "RSA";
}

export function signatureHash(algorithm: SignatureAlgorithm): HashName {
  return `SHA-${algorithm.slice(-3)}` as HashName;
}

/** "RSA-SHA256" style name of a family and hash, as the API (and the real server's errors) spell it. */
export function signatureAlgorithmFor(family: KeyFamily, hash: HashName): SignatureAlgorithm {
  return `${family === "EC" ? "ECDSA" : "RSA"}-SHA${hash.slice(4)}` as SignatureAlgorithm;
}

/** SHA-256 in the key's family, what openssl and the server default to. */
export function defaultSignatureAlgorithm(algorithm: KeyAlgorithm): SignatureAlgorithm {
  return keyFamily(algorithm) === "EC" ? "ECDSA-SHA256" : "RSA-SHA256";
}

/** The signature algorithms a key of this family can make. */
export function signatureAlgorithmsFor(family: KeyFamily): SignatureAlgorithm[] {
  return SIGNATURE_ALGORITHMS.filter((alg) => signatureFamily(alg) === family);
}

/**
 * Spellings --key-algorithm accepts, compared after `squash` (so RSA-2048, rsa_2048 and rsa2048 are
 * one): the API's names, OpenSSL's curve names, the NIST short forms, and bare family names for the
 * default size of that family.
 */
const KEY_ALGORITHM_ALIASES: Record<string, KeyAlgorithm> = {
  ...Object.fromEntries(KEY_ALGORITHMS.map((alg) => [squash(alg), alg])),
  rsa2048: "RSA_2048", rsa3072: "RSA_3072", rsa4096: "RSA_4096", rsa: "RSA_2048",
  prime256v1: "EC_prime256v1", p256: "EC_prime256v1", secp256r1: "EC_prime256v1",
  ecp256: "EC_prime256v1", ec: "EC_prime256v1", ecdsa: "EC_prime256v1",
  secp384r1: "EC_secp384r1", p384: "EC_secp384r1", ecp384: "EC_secp384r1",
  secp521r1: "EC_secp521r1", p521: "EC_secp521r1", ecp521: "EC_secp521r1",
};

/** The short spellings shown in help and errors next to the API's names. */
export const KEY_ALGORITHM_SHORT_NAMES = ["rsa2048", "rsa3072", "rsa4096", "p256", "p384", "p521"] as const;

/** "RSA_2048, …, EC_secp521r1 (or rsa2048, …, p521)": the one wording of the valid values. */
export const KEY_ALGORITHM_CHOICES = `${KEY_ALGORITHMS.join(", ")} (or ${KEY_ALGORITHM_SHORT_NAMES.join(", ")})`;

/** Lowercase and drop separators so `RSA-2048`, `rsa_2048` and `rsa2048` compare equal. */
export function squash(value: string): string {
  return value.trim().toLowerCase().replace(/[-_\s]/g, "");
}

/** The key algorithm a user's spelling means, or undefined. */
export function keyAlgorithmFromAlias(value: string): KeyAlgorithm | undefined {
  return KEY_ALGORITHM_ALIASES[squash(value)];
}

/** The signature algorithm a user's spelling means (ecdsa-sha384, EC-SHA384, RSA_SHA256), or undefined. */
export function signatureAlgorithmFromAlias(value: string): SignatureAlgorithm | undefined {
  const wanted = squash(value).replace(/^ec(?!dsa)/, "ecdsa");
  return SIGNATURE_ALGORITHMS.find((alg) => squash(alg) === wanted);
}
