// The dev server's crypto: @peculiar/x509 on Node's native WebCrypto (set in core/crypto/x509.ts; it
// generates keys off the main thread), and the API's algorithm names mapped onto WebCrypto.
import type { KeyAlgorithm, SignatureAlgorithm } from "../model/types.js";
import { x509 } from "../core/crypto/x509.js";

export { x509 };
export const subtle = globalThis.crypto.subtle;

export type KeyFamily = "EC" | "RSA";
export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

const CURVES: Record<string, string> = {
  EC_prime256v1: "P-256",
  EC_secp384r1: "P-384",
  EC_secp521r1: "P-521",
};

export function keyFamily(algorithm: KeyAlgorithm): KeyFamily {
  return algorithm.startsWith("EC_") ? "EC" : "RSA";
}

/** WebCrypto parameters to generate a key of this API algorithm, signing with `hash`. */
export function keyGenParams(algorithm: KeyAlgorithm, hash: HashName): RsaHashedKeyGenParams | EcKeyGenParams {
  const curve = CURVES[algorithm];
  if (curve) return { name: "ECDSA", namedCurve: curve };
  const bits = Number(algorithm.slice("RSA_".length));
  return { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash };
}

export function generateKeyPair(algorithm: KeyAlgorithm, hash: HashName = "SHA-256"): Promise<CryptoKeyPair> {
  return subtle.generateKey(keyGenParams(algorithm, hash), true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

export function signatureFamily(algorithm: SignatureAlgorithm): KeyFamily {
  return algorithm.startsWith("ECDSA") ? "EC" : "RSA";
}

export function signatureHash(algorithm: SignatureAlgorithm): HashName {
  return `SHA-${algorithm.slice(-3)}` as HashName;
}

/** "RSA-SHA256" style name of a WebCrypto signature algorithm, as the real server words it. */
export function signatureName(family: KeyFamily, hash: HashName): SignatureAlgorithm {
  return `${family === "EC" ? "ECDSA" : "RSA"}-SHA${hash.slice(4)}` as SignatureAlgorithm;
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** Random lowercase hex; a serial's first byte is kept below 0x80 so it is positive in DER. */
export function randomSerial(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(20));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1; // a leading zero byte would make DER drop it and shorten the serial
  return Buffer.from(bytes).toString("hex");
}
