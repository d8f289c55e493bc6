// PKCS#10 requests: built from validated attributes and a key (the default mode), or read and
// checked from a file (--csr). A real server answers a bare 500 to a garbage CSR, so every CSR
// is verified here before it is sent.
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { CertificateAttributes, KeyAlgorithm } from "../api/types.js";
import { FileError, UsageError } from "../errors.js";
import { signatureHash } from "./attributes.js";
import { keyAlgorithmOf, x509, type SigningKey } from "./keys.js";
import { EXT_KEY_USAGE_OIDS, KEY_USAGE_FLAGS, SAN_TYPES } from "./x509-names.js";
import { createPublicKey } from "node:crypto";

/** The published spec's limit on the `csr` string. */
export const CSR_MAX_LENGTH = 4096;

/** Subject RDNs in the conventional X.500 order (C, ST, L, O, OU, CN), which is how openssl prints them. */
export function subjectName(attributes: CertificateAttributes): x509.JsonName {
  const name: x509.JsonName = [];
  const add = (type: string, value: string | undefined) => {
    if (value !== undefined) name.push({ [type]: [value] });
  };
  add("C", attributes.country);
  add("ST", attributes.state);
  add("L", attributes.locality);
  add("O", attributes.organization);
  add("OU", attributes.organizationalUnit);
  add("CN", attributes.commonName);
  return name;
}

export function csrExtensions(attributes: CertificateAttributes): x509.Extension[] {
  const extensions: x509.Extension[] = [];
  if (attributes.altNames?.length) {
    // Critical when the subject is empty, as RFC 5280 4.2.1.6 asks.
    const critical = subjectName(attributes).length === 0;
    extensions.push(new x509.SubjectAlternativeNameExtension(attributes.altNames.map((n) => ({ type: SAN_TYPES[n.type], value: n.value })), critical));
  }
  if (attributes.keyUsages?.length) {
    const flags = attributes.keyUsages.reduce((acc, usage) => acc | KEY_USAGE_FLAGS[usage], 0);
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (attributes.extendedKeyUsages?.length) {
    extensions.push(new x509.ExtendedKeyUsageExtension(attributes.extendedKeyUsages.map((u) => EXT_KEY_USAGE_OIDS[u])));
  }
  if (attributes.basicConstraints) {
    const { isCA, pathLength } = attributes.basicConstraints;
    extensions.push(new x509.BasicConstraintsExtension(isCA, pathLength, true));
  }
  return extensions;
}

/** A PEM CSR carrying subject, SANs, usages and constraints, signed with the key's signature algorithm. */
export async function buildCsr(attributes: CertificateAttributes, key: SigningKey): Promise<string> {
  const hash = signatureHash(key.signatureAlgorithm);
  // RSA signs with the hash the key was generated/imported with (see keys.ts); ECDSA needs it here.
  const signingAlgorithm = key.keyAlgorithm.startsWith("EC_") ? { name: "ECDSA", hash } : { name: "RSASSA-PKCS1-v1_5", hash };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(attributes),
    extensions: csrExtensions(attributes),
    signingAlgorithm,
    keys: key.keys,
  });
  return csr.toString("pem");
}

export interface CheckedCsr {
  pem: string;
  subject: string;
  keyAlgorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo, to check the issued certificate against. */
  publicKeyDer: Buffer;
}

/** Parse a PEM or DER CSR, check the spec's size limit, its key type and its signature. */
export async function checkCsr(input: Buffer, source: string): Promise<CheckedCsr> {
  const text = input.toString("latin1");
  let csr: x509.Pkcs10CertificateRequest;
  try {
    if (text.includes("-----BEGIN")) {
      const match = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]*?-----END (NEW )?CERTIFICATE REQUEST-----/.exec(text);
      if (!match) throw new UsageError(`${source} holds no complete PEM certificate request (expected -----BEGIN CERTIFICATE REQUEST-----)`);
      csr = new x509.Pkcs10CertificateRequest(match[0].replace(/NEW CERTIFICATE REQUEST/g, "CERTIFICATE REQUEST"));
    } else {
      csr = new x509.Pkcs10CertificateRequest(new Uint8Array(input));
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${source} is not a valid certificate request (PEM or DER PKCS#10): it may be truncated`);
  }
  const pem = csr.toString("pem");
  if (pem.length > CSR_MAX_LENGTH) {
    throw new UsageError(`${source} is ${pem.length} characters as PEM; the API accepts at most ${CSR_MAX_LENGTH}`);
  }
  const publicKeyDer = Buffer.from(csr.publicKey.rawData);
  let keyAlgorithm: KeyAlgorithm;
  try {
    keyAlgorithm = keyAlgorithmOf(createPublicKey({ key: publicKeyDer, format: "der", type: "spki" }), `the key in ${source}`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${source} carries a public key certctl cannot read`);
  }
  const valid = await csr.verify().catch(() => false);
  if (!valid) throw new UsageError(`${source}: the CSR's signature does not verify; it was altered or is corrupt`);
  return { pem, subject: csr.subject, keyAlgorithm, publicKeyDer };
}

/** Read --csr from a file or `-` (stdin). */
export async function readCsrInput(path: string, stdin: Readable): Promise<Buffer> {
  if (path === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const data = Buffer.concat(chunks);
    if (data.length === 0) throw new UsageError("--csr -: nothing was read from standard input");
    return data;
  }
  try {
    return await readFile(path);
  } catch (error) {
    throw new FileError(`cannot read --csr ${path}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
  }
}
