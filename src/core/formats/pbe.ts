// Password-based encryption as PKCS#12 and PKCS#8 files use it: PBES2 (PBKDF2 + AES-CBC, RFC 8018)
// for the modern form, and PKCS#12's own pbeWithSHAAnd3-KeyTripleDES-CBC (RFC 7292 B/C) for the
// legacy one. The ASN.1 structures are @peculiar/asn1-schema classes like the rest of the family's;
// declared here with AsnProp called as a function because the family has no PBES2 schema and this
// project compiles without decorator syntax.
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from "node:crypto";
import { AsnConvert, AsnProp, AsnPropTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { PKCS12_IV, PKCS12_KEY, bmpPassword, pkcs12Kdf } from "./pkcs12-kdf.js";

export const OID = {
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSHA1: "1.2.840.113549.2.7",
  hmacWithSHA256: "1.2.840.113549.2.9",
  hmacWithSHA384: "1.2.840.113549.2.10",
  hmacWithSHA512: "1.2.840.113549.2.11",
  aes128cbc: "2.16.840.1.101.3.4.1.2",
  aes192cbc: "2.16.840.1.101.3.4.1.22",
  aes256cbc: "2.16.840.1.101.3.4.1.42",
  desEde3cbc: "1.2.840.113549.3.7",
  pbeSha3Des: "1.2.840.113549.1.12.1.3",
  pbeSha40RC2: "1.2.840.113549.1.12.1.6",
  pbeSha128RC2: "1.2.840.113549.1.12.1.5",
} as const;

const PRF_HASH: Record<string, string> = {
  [OID.hmacWithSHA1]: "sha1", [OID.hmacWithSHA256]: "sha256", [OID.hmacWithSHA384]: "sha384", [OID.hmacWithSHA512]: "sha512",
};
const CBC_CIPHERS: Record<string, { name: string; keyLength: number; label: string }> = {
  [OID.aes128cbc]: { name: "aes-128-cbc", keyLength: 16, label: "AES-128-CBC" },
  [OID.aes192cbc]: { name: "aes-192-cbc", keyLength: 24, label: "AES-192-CBC" },
  [OID.aes256cbc]: { name: "aes-256-cbc", keyLength: 32, label: "AES-256-CBC" },
  [OID.desEde3cbc]: { name: "des-ede3-cbc", keyLength: 24, label: "3DES-CBC" },
};

/** PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 } */
export class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0;
  keyLength?: number;
  prf?: AlgorithmIdentifier;
  constructor(params: Partial<Pbkdf2Params> = {}) { Object.assign(this, params); }
}
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, "salt");
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, "iterationCount");
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, "keyLength");
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, "prf");

/** PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier } */
export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
  constructor(params: Partial<Pbes2Params> = {}) { Object.assign(this, params); }
}
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, "keyDerivationFunc");
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, "encryptionScheme");

/** pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0;
  constructor(params: Partial<Pkcs12PbeParams> = {}) { Object.assign(this, params); }
}
AsnProp({ type: OctetString })(Pkcs12PbeParams.prototype, "salt");
AsnProp({ type: AsnPropTypes.Integer })(Pkcs12PbeParams.prototype, "iterations");

export type PbeScheme = "pbes2-aes256" | "pkcs12-3des";

export interface PbeOptions {
  scheme: PbeScheme;
  iterations: number;
}

const NULL_PARAMS = new Uint8Array([0x05, 0x00]).buffer;

function buffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

/** Encrypt `plain` with a password; the algorithm identifier says how, for the file to carry. */
export function pbeEncrypt(plain: Buffer, password: string, options: PbeOptions): { algorithm: AlgorithmIdentifier; data: Buffer } {
  const salt = randomBytes(options.scheme === "pbes2-aes256" ? 16 : 8);
  if (options.scheme === "pkcs12-3des") {
    const pass = bmpPassword(password);
    const key = pkcs12Kdf("sha1", PKCS12_KEY, pass, salt, options.iterations, 24);
    const iv = pkcs12Kdf("sha1", PKCS12_IV, pass, salt, options.iterations, 8);
    const data = cipher("des-ede3-cbc", key, iv, plain);
    const params = new Pkcs12PbeParams({ salt: new OctetString(salt), iterations: options.iterations });
    return { algorithm: new AlgorithmIdentifier({ algorithm: OID.pbeSha3Des, parameters: AsnConvert.serialize(params) }), data };
  }
  const iv = randomBytes(16);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, options.iterations, 32, "sha256");
  const data = cipher("aes-256-cbc", key, iv, plain);
  const kdf = new Pbkdf2Params({
    salt: new OctetString(salt), iterationCount: options.iterations,
    prf: new AlgorithmIdentifier({ algorithm: OID.hmacWithSHA256, parameters: NULL_PARAMS }),
  });
  const params = new Pbes2Params({
    keyDerivationFunc: new AlgorithmIdentifier({ algorithm: OID.pbkdf2, parameters: AsnConvert.serialize(kdf) }),
    encryptionScheme: new AlgorithmIdentifier({ algorithm: OID.aes256cbc, parameters: AsnConvert.serialize(new OctetString(iv)) }),
  });
  return { algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: AsnConvert.serialize(params) }), data };
}

/** Why a decryption could not be done: a wrong password (or damaged data), or a scheme certctl does not read. */
export class PbeError extends Error {
  constructor(message: string, readonly reason: "password" | "unsupported") { super(message); }
}

/** Decrypt data encrypted with PBES2 or PKCS#12's 3DES PBE; `described` names the scheme, e.g. "PBES2 AES-256-CBC, PBKDF2-HMAC-SHA256, 100000 iterations". */
export function pbeDecrypt(algorithm: AlgorithmIdentifier, data: Buffer, password: string): { plain: Buffer; described: string } {
  const params = algorithm.parameters ? buffer(algorithm.parameters as ArrayBuffer) : Buffer.alloc(0);
  if (algorithm.algorithm === OID.pbeSha3Des) {
    const pbe = AsnConvert.parse(params, Pkcs12PbeParams);
    const salt = buffer(pbe.salt.buffer);
    const pass = bmpPassword(password);
    const key = pkcs12Kdf("sha1", PKCS12_KEY, pass, salt, pbe.iterations, 24);
    const iv = pkcs12Kdf("sha1", PKCS12_IV, pass, salt, pbe.iterations, 8);
    return { plain: decipher("des-ede3-cbc", key, iv, data), described: `pbeWithSHAAnd3-KeyTripleDES-CBC, ${pbe.iterations} iterations` };
  }
  if (algorithm.algorithm === OID.pbeSha40RC2 || algorithm.algorithm === OID.pbeSha128RC2) {
    throw new PbeError("it is encrypted with RC2, which this Node's OpenSSL no longer provides", "unsupported");
  }
  if (algorithm.algorithm !== OID.pbes2) throw new PbeError(`it is encrypted with an unknown scheme (${algorithm.algorithm})`, "unsupported");
  const pbes2 = AsnConvert.parse(params, Pbes2Params);
  if (pbes2.keyDerivationFunc.algorithm !== OID.pbkdf2) throw new PbeError("its PBES2 key derivation is not PBKDF2", "unsupported");
  const kdf = AsnConvert.parse(buffer(pbes2.keyDerivationFunc.parameters as ArrayBuffer), Pbkdf2Params);
  const hash = PRF_HASH[kdf.prf?.algorithm ?? OID.hmacWithSHA1];
  const scheme = CBC_CIPHERS[pbes2.encryptionScheme.algorithm];
  if (!hash || !scheme) throw new PbeError("its PBES2 cipher or PRF is not one certctl reads (AES-CBC or 3DES with HMAC-SHA1/256/384/512)", "unsupported");
  const iv = buffer(AsnConvert.parse(buffer(pbes2.encryptionScheme.parameters as ArrayBuffer), OctetString).buffer);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), buffer(kdf.salt.buffer), kdf.iterationCount, scheme.keyLength, hash);
  return {
    plain: decipher(scheme.name, key, iv, data),
    described: `PBES2 ${scheme.label}, PBKDF2-HMAC-${hash.toUpperCase().replace("SHA", "SHA-")}, ${kdf.iterationCount} iterations`,
  };
}

function cipher(name: string, key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv(name, key, iv);
  return Buffer.concat([c.update(plain), c.final()]);
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const d = createDecipheriv(name, key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    // A CBC padding failure: the usual sign of a wrong password.
    throw new PbeError("the password is wrong (or the data is damaged)", "password");
  }
}

/** How data is encrypted, read from its algorithm identifier alone (no password needed); for inspect. */
export function describePbe(algorithm: AlgorithmIdentifier): string {
  try {
    const params = algorithm.parameters ? buffer(algorithm.parameters as ArrayBuffer) : Buffer.alloc(0);
    if (algorithm.algorithm === OID.pbeSha3Des) return `pbeWithSHAAnd3-KeyTripleDES-CBC, ${AsnConvert.parse(params, Pkcs12PbeParams).iterations} iterations`;
    if (algorithm.algorithm === OID.pbeSha40RC2 || algorithm.algorithm === OID.pbeSha128RC2) return "pbeWithSHAAndRC2-CBC";
    if (algorithm.algorithm !== OID.pbes2) return algorithm.algorithm;
    const pbes2 = AsnConvert.parse(params, Pbes2Params);
    const scheme = CBC_CIPHERS[pbes2.encryptionScheme.algorithm]?.label ?? pbes2.encryptionScheme.algorithm;
    if (pbes2.keyDerivationFunc.algorithm !== OID.pbkdf2) return `PBES2 ${scheme}`;
    const kdf = AsnConvert.parse(buffer(pbes2.keyDerivationFunc.parameters as ArrayBuffer), Pbkdf2Params);
    const hash = PRF_HASH[kdf.prf?.algorithm ?? OID.hmacWithSHA1] ?? "unknown";
    return `PBES2 ${scheme}, PBKDF2-HMAC-${hash.toUpperCase().replace("SHA", "SHA-")}, ${kdf.iterationCount} iterations`;
  } catch {
    return "an unreadable encryption scheme";
  }
}
