// PKCS#12 (.p12/.pfx) keystores: leaf + chain + key under one password, for Java, Windows/IIS and
// appliances that cannot read a PEM set. Built and read with the @peculiar/asn1-pfx, -pkcs8 and
// -cms schemas; the crypto is node:crypto (pbe.ts, pkcs12-kdf.ts). Loaded only when a p12 is
// written or read (a dynamic import from formats/render.ts and inspect).
//
// Modern (the default): key and certificates encrypted with PBES2 AES-256-CBC / PBKDF2-HMAC-SHA256,
// MAC HMAC-SHA256 — what OpenSSL 3 writes by default and Java 12+ / Windows Server 2019+ read.
// Legacy (--p12-legacy): pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, SHA-1 MAC —
// what Java 8 and older Windows read. (OpenSSL's legacy form encrypts certificates with 40-bit
// RC2; Node's OpenSSL 3 has no RC2, and 3DES is accepted by the same readers.)
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { ContentInfo, EncryptedContent, EncryptedContentInfo, id_data, id_encryptedData } from "@peculiar/asn1-cms";
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import {
  AuthenticatedSafe, CertBag, MacData, PFX, PKCS12Attribute, SafeBag, SafeContents,
  id_certBag, id_keyBag, id_pkcs8ShroudedKeyBag, id_x509Certificate,
} from "@peculiar/asn1-pfx";
import { PKCS12_MAC, bmpPassword, pkcs12Kdf, type Pkcs12Hash } from "./pkcs12-kdf.js";
import { OID, PbeError, pbeDecrypt, pbeEncrypt, type PbeOptions } from "./pbe.js";

const ID_FRIENDLY_NAME = "1.2.840.113549.1.9.20";
const ID_LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const DIGESTS: Record<string, Pkcs12Hash> = {
  "1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256", "2.16.840.1.101.3.4.2.2": "sha384", "2.16.840.1.101.3.4.2.3": "sha512",
};
const DIGEST_OID: Record<"sha1" | "sha256", string> = { sha1: "1.3.14.3.2.26", sha256: "2.16.840.1.101.3.4.2.1" };

/**
 * Iterations. Modern: 100,000 PBKDF2 rounds (native code; two derivations per file, see
 * scripts/bench.js) and 10,000 for the MAC, whose PKCS#12 KDF is a JavaScript hash loop and whose
 * key guards integrity only (Java's default MAC count). Legacy: 2,048, what OpenSSL's and Java 8's
 * legacy files use; five JavaScript KDF runs there would cost seconds at 10,000 on a loaded host.
 */
export const P12_ITERATIONS = { modern: { pbe: 100_000, mac: 10_000 }, legacy: { pbe: 2_048, mac: 2_048 } } as const;

/** EncryptedData ::= SEQUENCE { version CMSVersion, encryptedContentInfo EncryptedContentInfo } (RFC 5652 §8). */
class EncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
  constructor(params: Partial<EncryptedData> = {}) { Object.assign(this, params); }
}
AsnProp({ type: AsnPropTypes.Integer })(EncryptedData.prototype, "version");
AsnProp({ type: EncryptedContentInfo })(EncryptedData.prototype, "encryptedContentInfo");

/** A friendlyName value: a bare BMPString (a one-member CHOICE serialises as its member). */
class FriendlyName {
  value = "";
  constructor(value = "") { this.value = value; }
}
AsnProp({ type: AsnPropTypes.BmpString })(FriendlyName.prototype, "value");
AsnType({ type: AsnTypeTypes.Choice })(FriendlyName);

export interface Pkcs12Input {
  /** PKCS#8 DER of the private key. */
  privateKey: Buffer;
  /** DER certificates, the leaf first, then the chain. */
  certificates: Buffer[];
  password: string;
  legacy: boolean;
  /** The alias Java and Windows show; on the key and the leaf. */
  friendlyName: string;
  /** Tests lower these; the defaults are P12_ITERATIONS. */
  iterations?: { pbe: number; mac: number };
}

const toBuffer = (data: ArrayBuffer | ArrayBufferView): Buffer =>
  ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
const der = (value: object): Buffer => Buffer.from(AsnConvert.serialize(value));

function attribute(id: string, value: ArrayBuffer): PKCS12Attribute {
  // PKCS12Attribute's constructor drops its params (asn1-pfx 2.x): set the fields after.
  const attr = new PKCS12Attribute();
  attr.attrId = id;
  attr.attrValues = [value];
  return attr;
}

export function buildPkcs12(input: Pkcs12Input): Buffer {
  const iterations = input.iterations ?? (input.legacy ? P12_ITERATIONS.legacy : P12_ITERATIONS.modern);
  const pbe: PbeOptions = { scheme: input.legacy ? "pkcs12-3des" : "pbes2-aes256", iterations: iterations.pbe };
  const [leaf] = input.certificates;
  if (leaf === undefined) throw new Error("buildPkcs12: no certificate");
  // localKeyId ties the key to its certificate; SHA-1 of the leaf, as OpenSSL and Java use.
  const linked = [
    attribute(ID_LOCAL_KEY_ID, AsnConvert.serialize(new OctetString(createHash("sha1").update(leaf).digest()))),
    attribute(ID_FRIENDLY_NAME, AsnConvert.serialize(new FriendlyName(input.friendlyName))),
  ];
  const certBags = input.certificates.map((cert, index) => new SafeBag({
    bagId: id_certBag,
    bagValue: AsnConvert.serialize(new CertBag({ certId: id_x509Certificate, certValue: AsnConvert.serialize(new OctetString(cert)) })),
    ...(index === 0 ? { bagAttributes: linked } : {}),
  }));
  const shrouded = pbeEncrypt(input.privateKey, input.password, pbe);
  const keyBag = new SafeBag({
    bagId: id_pkcs8ShroudedKeyBag,
    bagValue: AsnConvert.serialize(new EncryptedPrivateKeyInfo({ encryptionAlgorithm: shrouded.algorithm, encryptedData: new OctetString(shrouded.data) })),
    bagAttributes: linked,
  });
  // The layout OpenSSL and Java write: certificates in an encrypted safe, the shrouded key in a plain one.
  const certs = pbeEncrypt(der(new SafeContents(certBags)), input.password, pbe);
  const encrypted = new EncryptedData({
    encryptedContentInfo: new EncryptedContentInfo({
      contentType: id_data, contentEncryptionAlgorithm: certs.algorithm,
      encryptedContent: new EncryptedContent({ value: new OctetString(certs.data) }),
    }),
  });
  const safe = der(new AuthenticatedSafe([
    new ContentInfo({ contentType: id_encryptedData, content: AsnConvert.serialize(encrypted) }),
    new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(der(new SafeContents([keyBag])))) }),
  ]));
  const hash = input.legacy ? "sha1" : "sha256";
  const macSalt = randomBytes(input.legacy ? 8 : 16);
  const pfx = new PFX({
    version: 3,
    authSafe: new ContentInfo({ contentType: id_data, content: AsnConvert.serialize(new OctetString(safe)) }),
    macData: macDataFor(hash, safe, input.password, macSalt, iterations.mac),
  });
  return der(pfx);
}

function macDataFor(hash: "sha1" | "sha256", safe: Buffer, password: string, salt: Buffer, iterations: number): MacData {
  const mac = new MacData({ macSalt: new OctetString(salt), iterations });
  mac.mac.digestAlgorithm = new AlgorithmIdentifier({ algorithm: DIGEST_OID[hash], parameters: null });
  mac.mac.digest = new OctetString(computeMac(hash, safe, password, salt, iterations));
  return mac;
}

function computeMac(hash: Pkcs12Hash, safe: Buffer, password: string, salt: Buffer, iterations: number): Buffer {
  const length = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[hash];
  const key = pkcs12Kdf(hash, PKCS12_MAC, bmpPassword(password), salt, iterations, length);
  return createHmac(hash, key).update(safe).digest();
}

/** What a PKCS#12 file holds, once opened with its password. */
export interface Pkcs12Contents {
  /** PKCS#8 DER keys. */
  privateKeys: Buffer[];
  /** DER certificates in file order. */
  certificates: Buffer[];
  friendlyName?: string;
  /** e.g. "HMAC-SHA256, 10000 iterations". */
  mac: string;
  /** The distinct schemes found, e.g. ["PBES2 AES-256-CBC, PBKDF2-HMAC-SHA-256, 100000 iterations"]. */
  encryption: string[];
}

/** Thrown for a wrong password or an unreadable file: `reason` lets the caller choose the exit code. */
export class Pkcs12Error extends Error {
  constructor(message: string, readonly reason: "password" | "unsupported" | "malformed") { super(message); }
}

export function readPkcs12(data: Buffer, password: string): Pkcs12Contents {
  let pfx: PFX;
  try {
    pfx = AsnConvert.parse(data, PFX);
  } catch {
    throw new Pkcs12Error("not a PKCS#12 file", "malformed");
  }
  if (pfx.authSafe.contentType !== id_data) throw new Pkcs12Error("a public-key-protected PKCS#12, which certctl does not read", "unsupported");
  const safe = toBuffer(AsnConvert.parse(pfx.authSafe.content, OctetString).buffer);
  let mac = "no MAC";
  if (pfx.macData) {
    const hash = DIGESTS[pfx.macData.mac.digestAlgorithm.algorithm];
    if (!hash) throw new Pkcs12Error(`its MAC uses an unknown digest (${pfx.macData.mac.digestAlgorithm.algorithm})`, "unsupported");
    const expected = toBuffer(pfx.macData.mac.digest.buffer);
    const actual = computeMac(hash, safe, password, toBuffer(pfx.macData.macSalt.buffer), pfx.macData.iterations);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new Pkcs12Error("the password is wrong (the MAC does not verify)", "password");
    mac = `HMAC-${hash.toUpperCase().replace("SHA", "SHA-")}, ${pfx.macData.iterations} iterations`;
  }
  const found: Pkcs12Contents = { privateKeys: [], certificates: [], mac, encryption: [] };
  const decrypt = (algorithm: AlgorithmIdentifier, bytes: Buffer): Buffer => {
    try {
      const { plain, described } = pbeDecrypt(algorithm, bytes, password);
      if (!found.encryption.includes(described)) found.encryption.push(described);
      return plain;
    } catch (error) {
      if (error instanceof PbeError) throw new Pkcs12Error(error.message, error.reason);
      throw error;
    }
  };
  for (const info of AsnConvert.parse(safe, AuthenticatedSafe)) {
    let contents: Buffer;
    if (info.contentType === id_data) contents = toBuffer(AsnConvert.parse(info.content, OctetString).buffer);
    else if (info.contentType === id_encryptedData) {
      const enc = AsnConvert.parse(info.content, EncryptedData).encryptedContentInfo;
      const value = enc.encryptedContent?.value ?? new OctetString(Buffer.concat((enc.encryptedContent?.constructedValue ?? []).map((p) => toBuffer(p.buffer))));
      contents = decrypt(enc.contentEncryptionAlgorithm, toBuffer(value.buffer));
    } else throw new Pkcs12Error("a public-key-encrypted safe, which certctl does not read", "unsupported");
    for (const bag of AsnConvert.parse(contents, SafeContents)) {
      const name = bag.bagAttributes?.find((a) => a.attrId === ID_FRIENDLY_NAME)?.attrValues[0];
      if (name !== undefined && found.friendlyName === undefined) found.friendlyName = AsnConvert.parse(name, FriendlyName).value;
      if (bag.bagId === id_certBag) {
        const cert = AsnConvert.parse(bag.bagValue, CertBag);
        if (cert.certId === id_x509Certificate) found.certificates.push(toBuffer(AsnConvert.parse(cert.certValue, OctetString).buffer));
      } else if (bag.bagId === id_pkcs8ShroudedKeyBag) {
        const key = AsnConvert.parse(bag.bagValue, EncryptedPrivateKeyInfo);
        found.privateKeys.push(decrypt(key.encryptionAlgorithm, toBuffer(key.encryptedData.buffer)));
      } else if (bag.bagId === id_keyBag) {
        found.privateKeys.push(der(AsnConvert.parse(bag.bagValue, PrivateKeyInfo)));
      }
    }
  }
  return found;
}

export { OID };
