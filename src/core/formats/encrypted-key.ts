// key.pem as an encrypted PKCS#8 (--key-password-file): -----BEGIN ENCRYPTED PRIVATE KEY-----,
// PBES2 AES-256-CBC with PBKDF2-HMAC-SHA256. Node's own export (`cipher: "aes-256-cbc"`) would write
// the same scheme but with OpenSSL's 2,048 iterations and no way to ask for more.
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { EncryptedPrivateKeyInfo } from "@peculiar/asn1-pkcs8";
import { describePbe, pbeEncrypt } from "./pbe.js";

/** PBKDF2 rounds for key.pem: the same as a modern PKCS#12's. */
export const KEY_PBKDF2_ITERATIONS = 100_000;

export function encryptPrivateKeyPem(pkcs8Der: Buffer, password: string, iterations = KEY_PBKDF2_ITERATIONS): string {
  const { algorithm, data } = pbeEncrypt(pkcs8Der, password, { scheme: "pbes2-aes256", iterations });
  const info = Buffer.from(AsnConvert.serialize(new EncryptedPrivateKeyInfo({ encryptionAlgorithm: algorithm, encryptedData: new OctetString(data) })));
  const body = info.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}-----END ENCRYPTED PRIVATE KEY-----\n`;
}

/** The scheme of an EncryptedPrivateKeyInfo (DER), for inspect; no password needed. */
export function describeEncryptedKey(der: Buffer): string {
  try {
    return describePbe(AsnConvert.parse(der, EncryptedPrivateKeyInfo).encryptionAlgorithm);
  } catch {
    return "an unreadable encryption scheme";
  }
}
