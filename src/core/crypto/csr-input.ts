// A CSR the user brings (--csr, a file or stdin): parsed, size-checked and verified before it is
// sent, because a real server answers a garbage CSR with a bare 500. @peculiar/x509 does the
// parsing and is loaded only here, only when --csr is given.
import { createPublicKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import type { KeyAlgorithm } from "../../model/types.js";
import { UsageError, fileError } from "../../model/errors.js";
import { CSR_MAX_LENGTH } from "./csr.js";
import { keyAlgorithmOf } from "./keys.js";
import { pemBlocks } from "../../util/pem.js";
import { DOMAIN_NAMES } from "../input-names.js";

export interface CheckedCsr {
  pem: string;
  subject: string;
  keyAlgorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo, to check the issued certificate against. */
  publicKeyDer: Buffer;
}

/** Parse a PEM or DER CSR, check the spec's size limit, its key type and its signature. */
export async function checkCsr(input: Buffer, source: string, crypto: Crypto = globalThis.crypto): Promise<CheckedCsr> {
  // @peculiar/x509 parses and verifies a CSR from the user; only `--csr` loads it.
  const { x509 } = await import("./x509.js");
  const text = input.toString("latin1");
  let csr: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    if (text.includes("-----BEGIN")) {
      const block = pemBlocks(text).find((b) => b.label === "CERTIFICATE REQUEST" || b.label === "NEW CERTIFICATE REQUEST");
      if (!block) throw new UsageError(`${source} holds no complete PEM certificate request (expected -----BEGIN CERTIFICATE REQUEST-----)`);
      csr = new x509.Pkcs10CertificateRequest(new Uint8Array(Buffer.from(block.base64, "base64")));
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
  const valid = await csr.verify(crypto).catch(() => false);
  if (!valid) throw new UsageError(`${source}: the CSR's signature does not verify; it was altered or is corrupt`);
  return { pem, subject: csr.subject, keyAlgorithm, publicKeyDer };
}

/** Read the user's CSR from a file or `-` (stdin); `name` is how messages call it. */
export async function readCsrInput(path: string, stdin: Readable, name = DOMAIN_NAMES.csr): Promise<Buffer> {
  if (path === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const data = Buffer.concat(chunks);
    if (data.length === 0) throw new UsageError(`${name} -: nothing was read from standard input`);
    return data;
  }
  try {
    return await readFile(path);
  } catch (error) {
    throw fileError(`read ${name}`, path, error);
  }
}
