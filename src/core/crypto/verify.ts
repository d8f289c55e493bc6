// What certctl checks before it writes anything: the answer's PEMs parse, the certificate
// carries our public key, and each chain link is issued and signed by the next one. A set
// that fails here is refused (exit 4) and nothing is written.
//
// The checks use node:crypto's X509Certificate (OpenSSL, native) rather than @peculiar/x509:
// a renewal run verifies a set per directory, and the native parse + signature checks are
// about five times cheaper per set (1.2 ms against 6.3 ms for a three-certificate chain).
import type { X509Certificate } from "node:crypto";
import { RefusedError } from "../../model/errors.js";
import { parseCertificate, signedBy } from "../../util/certificates.js";
import { countBeginLines, pemBlocks } from "../../util/pem.js";
import { displayIp } from "../../model/ip.js";
import { escapeControlsOneLine } from "../../util/terminal.js";
import { certificateFields } from "./der.js";

/**
 * Every certificate in a PEM text, in order. `what` names the field in errors ("the certificate",
 * "the chain"). Truncated blocks, stray BEGIN lines and undecodable bodies are refused.
 */
export function parseCertificates(text: string | null | undefined, what: string, opts: { allowEmpty?: boolean } = {}): X509Certificate[] {
  const source = (text ?? "").trim();
  if (source === "") {
    if (opts.allowEmpty) return [];
    throw new RefusedError(`the server's answer has no ${what}`);
  }
  const blocks = pemBlocks(source);
  const begins = countBeginLines(source);
  if (blocks.length === 0 || begins !== blocks.length) {
    throw new RefusedError(`the server sent ${what} as invalid or truncated PEM (${begins} BEGIN line(s), ${blocks.length} complete block(s))`);
  }
  return blocks.map((block, index) => {
    if (block.label !== "CERTIFICATE") throw new RefusedError(`${what} holds a ${block.label} block where a CERTIFICATE was expected`);
    try {
      return parseCertificate(block.text);
    } catch {
      throw new RefusedError(`${what}: certificate ${index + 1} does not decode (truncated or corrupt PEM)`);
    }
  });
}

export function toPem(certs: readonly X509Certificate[]): string {
  return certs.map((cert) => cert.toString().trim()).join("\n");
}

export interface VerifiedSet {
  leaf: X509Certificate;
  /** The issuing chain, leaf excluded, intermediate first. */
  chain: X509Certificate[];
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
  if (chain[0] && chain[0].raw.equals(leaf.raw)) chain = chain.slice(1);

  if (!Buffer.from(spkiOf(leaf)).equals(input.publicKeyDer)) {
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
    const problem = linkProblem(child, parent);
    if (problem === "issuer-mismatch") {
      throw new RefusedError(`the chain does not link${id}: ${label} was issued by ${quotedName(child.issuer)}, but the next certificate is ${quotedName(parent.subject)}`);
    }
    if (problem === "bad-signature") throw new RefusedError(`the chain does not link${id}: ${label} is not signed by ${quotedName(parent.subject)}`);
  }
  const last = path[path.length - 1]!;
  if (last.issuer === last.subject && !signedBy(last, last)) {
    throw new RefusedError(`the root ${quotedName(last.subject)} in the chain has an invalid self-signature${id}`);
  }
  const certificatePem = leaf.toString().trim();
  return { leaf, chain, certificatePem, chainPem: toPem(chain) };
}

/** The certificate's SubjectPublicKeyInfo: from its DER (~µs), or through OpenSSL's encoder (~0.3 ms) when that fails. */
function spkiOf(cert: X509Certificate): Uint8Array {
  try {
    return certificateFields(cert.raw).spki;
  } catch {
    return cert.publicKey.export({ type: "spki", format: "der" });
  }
}

/**
 * The one chain-link check, used by verifyIssuedSet and by inspect: `child` links to `parent` when
 * its issuer is the parent's subject and the parent's key verifies its signature.
 */
export function linkProblem(child: X509Certificate, parent: X509Certificate): "issuer-mismatch" | "bad-signature" | undefined {
  if (child.issuer !== parent.subject) return "issuer-mismatch";
  return signedBy(child, parent) ? undefined : "bad-signature";
}

/**
 * node:crypto prints a name one attribute per line; messages and summaries want "CN=a, O=b". An
 * empty subject (SAN-only certificates, the modern default) is undefined there: "" here.
 */
export function oneLine(name: string | undefined): string {
  return (name ?? "").split("\n").filter(Boolean).join(", ");
}

/**
 * A name for a message: "CN=a, O=b" in quotes, or "(empty subject)". The server chose the name,
 * so its control characters are escaped like any other server text.
 */
function quotedName(name: string | undefined): string {
  const text = escapeControlsOneLine(oneLine(name));
  return text === "" ? "(empty subject)" : `"${text}"`;
}

const SAN_LABELS: Record<string, string> = { "IP Address": "IP", email: "email", DNS: "DNS", URI: "URI" };

/** SANs as "DNS:a", "IP:10.0.0.1", "email:x@y", "URI:spiffe://…", in the certificate's order, from OpenSSL's text form. */
export function altNamesOf(cert: X509Certificate): string[] {
  const text = cert.subjectAltName;
  if (!text) return [];
  return text.split(/, (?=[A-Za-z ]+:)/).map((entry) => {
    const colon = entry.indexOf(":");
    const label = entry.slice(0, colon);
    const value = entry.slice(colon + 1).replace(/^"(.*)"$/, "$1");
    // OpenSSL spells IPv6 in full (0:0:0:0:0:FFFF:A00:1); people read ::ffff:10.0.0.1.
    if (label === "IP Address") return `IP:${displayIp(value)}`;
    return `${SAN_LABELS[label] ?? label}:${value}`;
  });
}

export function validity(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}
