// What certctl checks before it writes anything: the answer's PEMs parse, the certificate
// carries our public key, and each chain link is issued and signed by the next one. A set
// that fails here is refused (exit 4) and nothing is written.
import { RefusedError } from "../errors.js";
import { x509 } from "./keys.js";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Every certificate in a PEM text, in order. `what` names the field in errors ("the certificate",
 * "the chain"). Truncated blocks, stray BEGIN lines and undecodable bodies are refused.
 */
export function parseCertificates(text: string | null | undefined, what: string, opts: { allowEmpty?: boolean } = {}): x509.X509Certificate[] {
  const source = (text ?? "").trim();
  if (source === "") {
    if (opts.allowEmpty) return [];
    throw new RefusedError(`the server's answer has no ${what}`);
  }
  const blocks = [...source.matchAll(PEM_BLOCK)];
  const begins = (source.match(/-----BEGIN /g) ?? []).length;
  if (blocks.length === 0 || begins !== blocks.length) {
    throw new RefusedError(`the server sent ${what} as invalid or truncated PEM (${begins} BEGIN line(s), ${blocks.length} complete block(s))`);
  }
  return blocks.map((block, index) => {
    if (block[1] !== "CERTIFICATE") throw new RefusedError(`${what} holds a ${block[1]} block where a CERTIFICATE was expected`);
    try {
      return new x509.X509Certificate(block[0]);
    } catch {
      throw new RefusedError(`${what}: certificate ${index + 1} does not decode (truncated or corrupt PEM)`);
    }
  });
}

export function toPem(certs: readonly x509.X509Certificate[]): string {
  return certs.map((cert) => cert.toString("pem")).join("\n");
}

export interface VerifiedSet {
  leaf: x509.X509Certificate;
  /** The issuing chain, leaf excluded, intermediate first. */
  chain: x509.X509Certificate[];
  certificatePem: string;
  chainPem: string;
}

export interface VerifyInput {
  certificatePem: string;
  /** certificateChain from the server: the issuing chain, leaf excluded (a leaf at the front is dropped). */
  chainPem: string | null;
  /** DER SubjectPublicKeyInfo of our key (or the CSR's). */
  publicKeyDer: Buffer;
  certificateId?: string;
}

export async function verifyIssuedSet(input: VerifyInput): Promise<VerifiedSet> {
  const id = input.certificateId ? ` (certificate ${input.certificateId})` : "";
  const leaves = parseCertificates(input.certificatePem, "certificate");
  const leaf = leaves[0];
  if (!leaf || leaves.length !== 1) throw new RefusedError(`expected one leaf certificate, got ${leaves.length}${id}`);
  let chain = parseCertificates(input.chainPem, "certificate chain", { allowEmpty: true });
  // Some servers include the leaf in the chain; chain.pem must not.
  if (chain[0] && Buffer.from(chain[0].rawData).equals(Buffer.from(leaf.rawData))) chain = chain.slice(1);

  if (!Buffer.from(leaf.publicKey.rawData).equals(input.publicKeyDer)) {
    throw new RefusedError(`the issued certificate${id} does not carry our public key; refusing to write a set whose key does not match`);
  }
  if (chain.length === 0) {
    throw new RefusedError(`the server's answer has no issuing chain${id}; cannot check who issued the certificate`);
  }
  const path = [leaf, ...chain];
  for (let i = 0; i + 1 < path.length; i++) {
    const child = path[i]!;
    const parent = path[i + 1]!;
    const label = i === 0 ? "the certificate" : `chain certificate ${i}`;
    if (child.issuer !== parent.subject) {
      throw new RefusedError(`the chain does not link${id}: ${label} was issued by "${child.issuer}", but the next certificate is "${parent.subject}"`);
    }
    const signed = await child.verify({ publicKey: parent.publicKey, signatureOnly: true }).catch(() => false);
    if (!signed) throw new RefusedError(`the chain does not link${id}: ${label} is not signed by "${parent.subject}"`);
  }
  const last = path[path.length - 1]!;
  if (last.issuer === last.subject) {
    const selfSigned = await last.verify({ signatureOnly: true }).catch(() => false);
    if (!selfSigned) throw new RefusedError(`the root "${last.subject}" in the chain has an invalid self-signature${id}`);
  }
  return { leaf, chain, certificatePem: leaf.toString("pem"), chainPem: toPem(chain) };
}
