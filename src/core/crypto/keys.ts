// Key generation, import and export. The crypto provider is a last, defaulted argument: Node's
// native WebCrypto, which generates keys off the main thread (the @peculiar/webcrypto polyfill
// blocks the event loop for ~1 s on RSA-4096, freezing a spinner).
import { createPrivateKey, createPublicKey, KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { KeyAlgorithm, SignatureAlgorithm } from "../../model/types.js";
import { UsageError, fileError } from "../../model/errors.js";
import { hasPrivateKeyPem, pemEncode } from "../../util/pem.js";
import { TAG, ecPublicKeyBits, privateKeyInfo, tlv } from "./der.js";
import { CURVES, curveNamed, curveOf, defaultSignatureAlgorithm, keyFamily, rsaBits, rsaKeyAlgorithm, signatureAlgorithmsFor, signatureFamily, signatureHash } from "../../model/algorithms.js";
import { DOMAIN_NAMES, type InputNames } from "../input-names.js";

/** A key pair ready to sign a CSR with `signatureAlgorithm`. */
export interface SigningKey {
  keyAlgorithm: KeyAlgorithm;
  signatureAlgorithm: SignatureAlgorithm;
  keys: CryptoKeyPair;
  /** key.pem's text and the SubjectPublicKeyInfo, when made with the key (a generated EC key). */
  encoded?: { privateKeyPem: string; spki: Buffer };
}

/** WebCrypto import/generation parameters. RSA keys carry their hash: it decides the signature hash. */
function webAlgorithm(algorithm: KeyAlgorithm, signature: SignatureAlgorithm): RsaHashedImportParams | EcKeyImportParams {
  const curve = curveOf(algorithm);
  if (curve) return { name: "ECDSA", namedCurve: curve.web };
  return { name: "RSASSA-PKCS1-v1_5", hash: signatureHash(signature) };
}

export async function generateSigningKey(
  keyAlgorithm: KeyAlgorithm,
  signatureAlgorithm = defaultSignatureAlgorithm(keyAlgorithm),
  crypto: Crypto = globalThis.crypto,
): Promise<SigningKey> {
  const base = webAlgorithm(keyAlgorithm, signatureAlgorithm);
  const params: RsaHashedKeyGenParams | EcKeyGenParams =
    base.name === "ECDSA"
      ? (base as EcKeyGenParams)
      : { ...(base as RsaHashedImportParams), modulusLength: rsaBits(keyAlgorithm), publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  if (curveOf(keyAlgorithm) === undefined || crypto !== globalThis.crypto) return { keyAlgorithm, signatureAlgorithm, keys };
  const encoded = ecEncodings(KeyObject.from(keys.privateKey).export({ type: "pkcs8", format: "der" }));
  return encoded ? { keyAlgorithm, signatureAlgorithm, keys, encoded } : { keyAlgorithm, signatureAlgorithm, keys };
}

/**
 * key.pem's text and the SubjectPublicKeyInfo of an EC key, from one PKCS#8 DER export: the PEM is
 * that DER in base64, and the SPKI is its algorithm and the public key its ECPrivateKey carries
 * (RFC 5208, RFC 5915, RFC 5480). One export through OpenSSL instead of two (~0.4 ms a key on the
 * thread that runs everything else; a fleet renewal makes one key per directory).
 *   PrivateKeyInfo ::= SEQUENCE { 0, AlgorithmIdentifier, OCTET STRING ECPrivateKey }
 *   ECPrivateKey   ::= SEQUENCE { 1, OCTET STRING d, [0] parameters OPTIONAL, [1] BIT STRING publicKey }
 * Not the JWK, which would be simpler: on Node 20, exporting a just-generated key as a JWK can
 * deadlock the process (node's JWK export holds the key's lock while it allocates; a garbage
 * collection then finalises the job that generated the key, which takes the same lock). A loop of
 * generateKeyPairSync + JWK export hung within 10,000 keys here; PKCS#8 export ran 60,000.
 * Undefined for a shape it does not expect (the caller then exports each the usual way).
 */
export function ecEncodings(pkcs8: Buffer): { privateKeyPem: string; spki: Buffer } | undefined {
  try {
    const { algorithm, keyFields } = privateKeyInfo(pkcs8);
    const publicKey = ecPublicKeyBits(keyFields);
    if (publicKey === undefined) return undefined;
    return { privateKeyPem: `${pemEncode(pkcs8, "PRIVATE KEY")}\n`, spki: tlv(TAG.SEQUENCE, Buffer.from(algorithm.whole), Buffer.from(publicKey.whole)) };
  } catch {
    return undefined;
  }
}

/** The API's key algorithm for a Node key object; unsupported types and sizes are a usage error. */
export function keyAlgorithmOf(key: KeyObject, source: string): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength;
    const algorithm = rsaKeyAlgorithm(bits);
    if (algorithm) return algorithm;
    throw new UsageError(`${source} is an RSA-${bits ?? "?"} key; Infisical accepts RSA 2048, 3072 or 4096`);
  }
  if (key.asymmetricKeyType === "ec") {
    const curve = curveNamed(details.namedCurve);
    if (curve) return curve.keyAlgorithm;
    throw new UsageError(`${source} is an EC key on curve ${details.namedCurve ?? "?"}; Infisical accepts ${CURVES.map((c) => c.web).join(", ")}`);
  }
  const type = key.asymmetricKeyType ?? "unknown";
  throw new UsageError(`${source} is ${/^[aeiou]/i.test(type) ? "an" : "a"} ${type} key; Infisical accepts RSA or EC (P-256/384/521) keys`);
}

/**
 * A private key PEM (PKCS#8, SEC1 or PKCS#1) as a signing key. The PEM text never appears in an
 * error: only the file name and what is wrong with it.
 */
export async function importSigningKey(
  pem: string, source: string, signatureAlgorithm?: SignatureAlgorithm, crypto: Crypto = globalThis.crypto, passphrase?: string,
  names: Pick<InputNames, "keyPassword" | "signatureAlgorithm"> = DOMAIN_NAMES,
): Promise<SigningKey> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: "pem", ...(passphrase !== undefined ? { passphrase } : {}) });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (/PASSPHRASE|BAD_DECRYPT|DECRYPT/i.test(code) || /-----BEGIN ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(pem)) {
      if (passphrase !== undefined) {
        throw new UsageError(`${source} cannot be decrypted with the password from ${names.keyPassword} (wrong password, or a damaged key)`);
      }
      throw new UsageError(`${source} is encrypted; give its password with ${names.keyPassword}`, {
        hint: "The same password then encrypts key.pem; or decrypt it first: `openssl pkey -in key.enc.pem -out key.pem`.",
      });
    }
    throw new UsageError(`${source} is not a readable private key (expected PEM: PKCS#8, SEC1 or PKCS#1)`);
  }
  const keyAlgorithm = keyAlgorithmOf(keyObject, source);
  const signature = signatureAlgorithm ?? defaultSignatureAlgorithm(keyAlgorithm);
  if (signatureFamily(signature) !== keyFamily(keyAlgorithm)) {
    throw new UsageError(`${names.signatureAlgorithm} ${signature} cannot sign with the ${keyAlgorithm} key in ${source}`, {
      hint: `Use one of ${signatureAlgorithmsFor(keyFamily(keyAlgorithm)).join(", ")}.`,
    });
  }
  const algorithm = webAlgorithm(keyAlgorithm, signature);
  const pkcs8 = keyObject.export({ type: "pkcs8", format: "der" });
  const spki = createPublicKey(keyObject).export({ type: "spki", format: "der" });
  const privateKey = await crypto.subtle.importKey("pkcs8", pkcs8, algorithm, true, ["sign"]);
  const publicKey = await crypto.subtle.importKey("spki", spki, algorithm, true, ["verify"]);
  return { keyAlgorithm, signatureAlgorithm: signature, keys: { privateKey, publicKey } };
}

/** Read --key: an unreadable file is a file error (7), a malformed one a usage error (2). */
export async function readKeyFile(path: string, flag = DOMAIN_NAMES.key): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw fileError(`read ${flag}`, path, error);
  }
  if (!hasPrivateKeyPem(text)) {
    throw new UsageError(`${flag} ${path} holds no PEM private key (expected -----BEGIN PRIVATE KEY----- or the EC/RSA forms)`);
  }
  return text;
}

/** PKCS#8 PEM, the form key.pem always has, whatever form the key came in. */
export async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  // KeyObject.from shares the native key: no WebCrypto export round trip, no JavaScript PEM encoder.
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }).toString();
}

/** Any private key PEM (e.g. one the server generated) normalised to PKCS#8. */
export function toPkcs8Pem(pem: string, source: string): string {
  try {
    return createPrivateKey({ key: pem, format: "pem" }).export({ type: "pkcs8", format: "pem" }).toString();
  } catch {
    throw new UsageError(`${source} is not a readable private key`);
  }
}

/** DER SubjectPublicKeyInfo of a private key PEM, to compare with a certificate's key. */
export function publicKeyDerOfPem(pem: string): Buffer {
  return createPublicKey({ key: pem, format: "pem" }).export({ type: "spki", format: "der" });
}

export async function publicKeyDer(key: CryptoKey): Promise<Buffer> {
  return KeyObject.from(key).export({ type: "spki", format: "der" });
}
