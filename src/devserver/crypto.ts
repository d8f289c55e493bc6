// The dev server's crypto: @peculiar/x509 on Node's native WebCrypto (set in core/crypto/x509.ts; it
// generates keys off the main thread), and the API's algorithm names mapped onto WebCrypto.
import type { KeyAlgorithm } from "../model/types.js";
import { curveOf, rsaBits, type HashName } from "../model/algorithms.js";
import { x509 } from "../core/crypto/x509.js";

export { x509 };
export type { HashName, KeyFamily } from "../model/algorithms.js";
/** For callers that have no provider of their own to pass (ca.ts); new code takes a `crypto` argument. */
export const subtle = globalThis.crypto.subtle;

/** WebCrypto parameters to generate a key of this API algorithm, signing with `hash`. */
function keyGenParams(algorithm: KeyAlgorithm, hash: HashName): RsaHashedKeyGenParams | EcKeyGenParams {
  const curve = curveOf(algorithm);
  if (curve) return { name: "ECDSA", namedCurve: curve.web };
  return { name: "RSASSA-PKCS1-v1_5", modulusLength: rsaBits(algorithm), publicExponent: new Uint8Array([1, 0, 1]), hash };
}

export function generateKeyPair(algorithm: KeyAlgorithm, hash: HashName = "SHA-256", crypto: Crypto = globalThis.crypto): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(keyGenParams(algorithm, hash), true, ["sign", "verify"]) as Promise<CryptoKeyPair>;
}

export async function privateKeyPem(key: CryptoKey, crypto: Crypto = globalThis.crypto): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** Random lowercase hex; a serial's first byte is kept below 0x80 so it is positive in DER. */
export function randomSerial(crypto: Crypto = globalThis.crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1; // a leading zero byte would make DER drop it and shorten the serial
  return Buffer.from(bytes).toString("hex");
}
