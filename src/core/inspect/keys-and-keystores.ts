// inspect for the formats certctl writes beside the PEM certificates: a PKCS#12 keystore (opened with
// its password), a private key (encrypted or not: its type and whether it matches, never its
// content) and a combined PEM's key. The PKCS#12 and PKCS#8 schemas are loaded only for such input.
import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { UsageError } from "../../model/errors.js";
import type { PemBlock } from "../../util/pem.js";
import { x509 } from "../crypto/x509.js";
import { summarizeKey } from "./fields.js";
import type { PublicKeySummary } from "./inspect.js";

export interface PrivateKeySummary {
  /** "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY". */
  label: string;
  encrypted: boolean;
  /** For an encrypted key: the scheme, e.g. "PBES2 AES-256-CBC, PBKDF2-HMAC-SHA-256, 100000 iterations". */
  encryption?: string;
  /** Known when the key is not encrypted, or was opened with --password-file. */
  publicKey?: PublicKeySummary;
}

export interface KeystoreSummary {
  friendlyName: string | null;
  mac: string;
  encryption: string[];
  privateKeys: number;
  /** The keystore's key pairs with its first certificate. */
  keyMatchesCertificate: boolean | null;
}

/** A DER PFX starts SEQUENCE { INTEGER 3, …}: recognised without parsing, so other DER costs nothing. */
export function looksLikePkcs12(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x30 || bytes.length < 8) return false;
  const lengthBytes = bytes[1]! < 0x80 ? 0 : bytes[1]! & 0x7f;
  const at = 2 + lengthBytes;
  return bytes[at] === 0x02 && bytes[at + 1] === 0x01 && bytes[at + 2] === 0x03;
}

export async function openKeystore(
  bytes: Uint8Array, source: string, password: string | undefined, passwordHint = "Give its password (the first line of a file), or set CERTCTL_P12_PASSWORD.",
): Promise<{ certificates: Buffer[]; keystore: KeystoreSummary }> {
  const { readPkcs12, Pkcs12Error } = await import("../formats/p12.js");
  let contents;
  try {
    // Without a password, try the empty one: a keystore written without a password opens as is.
    contents = readPkcs12(Buffer.from(bytes), password ?? "");
  } catch (error) {
    if (!(error instanceof Pkcs12Error)) throw error;
    if (password === undefined && error.reason === "password") {
      throw new UsageError(`'${source}' is a PKCS#12 keystore; certctl needs its password to read it`, {
        hint: passwordHint,
      });
    }
    throw new UsageError(`cannot open '${source}': ${error.message}`);
  }
  const [first] = contents.certificates;
  let keyMatchesCertificate: boolean | null = null;
  if (first !== undefined && contents.privateKeys[0] !== undefined) {
    const keySpki = createPublicKey(createPrivateKey({ key: contents.privateKeys[0], format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
    keyMatchesCertificate = new X509Certificate(first).publicKey.export({ type: "spki", format: "der" }).equals(keySpki);
  }
  return {
    certificates: contents.certificates,
    keystore: {
      friendlyName: contents.friendlyName ?? null, mac: contents.mac, encryption: contents.encryption,
      privateKeys: contents.privateKeys.length, keyMatchesCertificate,
    },
  };
}

/** A private key block as facts: its form, its encryption, and (when readable) its public key. */
export async function summarizePrivateKey(block: PemBlock, password: string | undefined, source: string, crypto: Crypto): Promise<PrivateKeySummary> {
  const encrypted = block.label === "ENCRYPTED PRIVATE KEY" || /Proc-Type: 4,ENCRYPTED/.test(block.text);
  const summary: PrivateKeySummary = { label: block.label, encrypted };
  if (block.label === "ENCRYPTED PRIVATE KEY") {
    // Our own module, not the packages: esbuild's split chunks lose a package's named exports on dynamic import.
    const { describeEncryptedKey } = await import("../formats/encrypted-key.js");
    summary.encryption = describeEncryptedKey(Buffer.from(block.base64, "base64"));
  }
  if (encrypted && password === undefined) return summary;
  let spki: Buffer;
  try {
    spki = createPublicKey(createPrivateKey({ key: block.text, format: "pem", ...(password !== undefined ? { passphrase: password } : {}) })).export({ type: "spki", format: "der" });
  } catch {
    throw new UsageError(`cannot read the ${block.label} in '${source}'${encrypted ? ": the password is wrong" : ""}`);
  }
  summary.publicKey = await summarizeKey(new x509.PublicKey(new Uint8Array(spki)), crypto);
  return summary;
}

/** The key's summary, or undefined for a block that is not a key at all (then inspect refuses or skips it as before). */
export async function readableKey(block: PemBlock, password: string | undefined, source: string, crypto: Crypto): Promise<PrivateKeySummary | undefined> {
  try {
    return await summarizePrivateKey(block, password, source, crypto);
  } catch (error) {
    // A wrong password for a real encrypted key is worth saying; a damaged block is not a key.
    if (block.label === "ENCRYPTED PRIVATE KEY" && password !== undefined) throw error;
    return undefined;
  }
}
