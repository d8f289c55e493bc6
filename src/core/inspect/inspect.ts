// Certificate, chain and CSR summaries as data. src/ui/inspect.ts turns them into text; --json
// prints them as they are. Nothing here prints, and the clock and crypto provider are injected.
import { X509Certificate } from "node:crypto";
import { x509 } from "../crypto/x509.js";
import { linkProblem } from "../crypto/verify.js";
import { UsageError } from "../../model/errors.js";
import { pemBlocks, type PemBlock } from "../../util/pem.js";
import { validityState, type ValidityState } from "../../model/renewal.js";
import { looksLikePkcs12, openKeystore, readableKey, type KeystoreSummary, type PrivateKeySummary } from "./keys-and-keystores.js";
import {
  altNames, basicConstraints, colonHex, extKeyUsages, extension, keyUsages, safeList, signatureName, summarizeKey,
} from "./fields.js";

export interface SubjectAltNames {
  dns_name: string[];
  ip_address: string[];
  email: string[];
  uri: string[];
  /** Directory names, UPNs, GUIDs, registered ids: "<type>:<value>". */
  other: string[];
}

export interface PublicKeySummary {
  /** "RSA", "EC", "Ed25519", … or the algorithm name x509 reports. */
  type: string;
  bits: number | null;
  curve?: string;
  /** The matching --key-algorithm value (e.g. "EC_prime256v1"), when there is one. */
  keyAlgorithm?: string;
  /** SHA-256 of the SubjectPublicKeyInfo: equal for a certificate and the CSR or key it came from. */
  sha256: string;
}

export interface BasicConstraintsSummary {
  isCA: boolean;
  pathLength?: number;
}

/** "expiring": due by `certctl renew`'s default rule (model/renewal.ts). */
export type { ValidityState };

export interface CertificateSummary {
  index: number;
  subject: string;
  issuer: string;
  /** Lowercase hex without leading zero bytes (as Infisical's serialNumber). */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  lifetimeSeconds: number;
  /** Negative once expired. */
  secondsLeft: number;
  validity: ValidityState;
  subjectAltNames: SubjectAltNames;
  /** The same SANs as "DNS:a", "IP:10.0.0.1", in the certificate's order. */
  altNames: string[];
  publicKey: PublicKeySummary;
  signatureAlgorithm: string;
  keyUsages: string[];
  extendedKeyUsages: string[];
  basicConstraints: BasicConstraintsSummary | null;
  selfSigned: boolean;
  /** Colon-separated uppercase hex, as `openssl x509 -fingerprint` prints it. */
  fingerprints: { sha256: string; sha1: string };
  /** Issuer equals the next certificate's subject and its key verifies this signature; null for the last. */
  linksToNext: boolean | null;
  linkProblem?: string;
}

export interface CsrSummary {
  subject: string;
  subjectAltNames: SubjectAltNames;
  /** The same SANs as "DNS:a", "IP:10.0.0.1", in the CSR's order. */
  altNames: string[];
  publicKey: PublicKeySummary;
  signatureAlgorithm: string;
  signatureValid: boolean;
  keyUsages: string[];
  extendedKeyUsages: string[];
  basicConstraints: BasicConstraintsSummary | null;
}

interface DocumentBase {
  /** combined-pem: certificates and a private key in one PEM file; pkcs12: a keystore opened with its password. */
  format: "pem" | "der" | "combined-pem" | "pkcs12";
  /** The keystore's own facts, for pkcs12. */
  keystore?: KeystoreSummary;
  /** The private key of a combined PEM (never its content). */
  privateKey?: PrivateKeySummary;
  /** Labels of PEM blocks that were skipped (e.g. a key in a combined file); never their content. */
  skippedBlocks: string[];
}
export interface CertificatesDocument extends DocumentBase {
  kind: "certificate" | "chain";
  /** True when every certificate links to the next one. */
  chainLinked: boolean;
  certificates: CertificateSummary[];
}
export interface CsrDocument extends DocumentBase {
  kind: "csr";
  csr: CsrSummary;
}
export interface KeyDocument extends DocumentBase {
  kind: "key";
  privateKey: PrivateKeySummary;
}

export type InspectDocument = CertificatesDocument | CsrDocument | KeyDocument;
export type { KeystoreSummary, PrivateKeySummary };

export interface InspectParams {
  bytes: Uint8Array;
  /** How to name the input in messages: a path, or "standard input". */
  source: string;
  now: Date;
  /** Opens a PKCS#12 or an encrypted private key. */
  password?: string;
  /** How to give the password, shown when a keystore needs one (the cli names its flag). */
  passwordHint?: string;
}

const CERT_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);
const CSR_LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);

export async function inspect(params: InspectParams, crypto: Crypto = globalThis.crypto): Promise<InspectDocument> {
  const parsed = await parseAnyInput(params, crypto);
  if ("csr" in parsed) {
    return { kind: "csr", format: parsed.format, skippedBlocks: parsed.skipped, csr: await summarizeCsr(parsed.csr, crypto) };
  }
  if ("key" in parsed) return { kind: "key", format: "pem", skippedBlocks: [], privateKey: parsed.key };
  const certificates = await Promise.all(parsed.certs.map((cert, index) => summarizeCertificate(cert, index, params.now, crypto)));
  // The links are checked by the same function that checks an issued set before it is written.
  const native = parsed.certs.map((cert) => new X509Certificate(Buffer.from(cert.rawData)));
  for (let i = 0; i + 1 < native.length; i++) {
    const problem = LINK_PROBLEMS[linkProblem(native[i]!, native[i + 1]!) ?? "none"];
    certificates[i]!.linksToNext = problem === undefined;
    if (problem !== undefined) certificates[i]!.linkProblem = problem;
  }
  const doc: CertificatesDocument = {
    kind: certificates.length === 1 ? "certificate" : "chain",
    format: parsed.format,
    skippedBlocks: parsed.skipped,
    chainLinked: certificates.every((c) => c.linksToNext !== false),
    certificates,
  };
  if (parsed.keystore) doc.keystore = parsed.keystore;
  if (parsed.privateKey) doc.privateKey = parsed.privateKey;
  return doc;
}

/** PKCS#12 and private keys first (the formats certctl writes beside PEM), then certificates and CSRs. */
async function parseAnyInput(params: InspectParams, crypto: Crypto): Promise<Parsed | { key: PrivateKeySummary }> {
  const text = Buffer.from(params.bytes).toString("latin1");
  const blocks = pemBlocks(text);
  if (blocks.length === 0 && looksLikePkcs12(params.bytes)) {
    const opened = await openKeystore(params.bytes, params.source, params.password, params.passwordHint);
    const certs = opened.certificates.map((der) => new x509.X509Certificate(new Uint8Array(der)));
    if (certs.length === 0) throw notInspectable(params.source, "a PKCS#12 keystore with no certificate");
    return { format: "pkcs12", skipped: [], certs, keystore: opened.keystore };
  }
  // One key block, alone or beside certificates (key.pem, a combined PEM); anything else as before.
  const keyBlocks = blocks.filter((b) => /PRIVATE KEY$/.test(b.label));
  const keyBlock = keyBlocks.length === 1 ? keyBlocks[0] : undefined;
  const others = blocks.filter((b) => !/PRIVATE KEY$/.test(b.label));
  const readable = keyBlock && (await readableKey(keyBlock, params.password, params.source, crypto));
  if (readable && others.length === 0) return { key: readable };
  const parsed = parseInput(params);
  if (readable && "certs" in parsed && others.every((b) => CERT_LABELS.has(b.label))) {
    // A combined PEM (key + leaf + chain): the key is described, never shown, and not "skipped".
    return { ...parsed, format: "combined-pem", skipped: parsed.skipped.filter((l) => l !== keyBlock.label), privateKey: readable };
  }
  return parsed;
}


type Parsed =
  | { format: DocumentBase["format"]; skipped: string[]; certs: x509.X509Certificate[]; keystore?: KeystoreSummary; privateKey?: PrivateKeySummary }
  | { format: "pem" | "der"; skipped: string[]; csr: x509.Pkcs10CertificateRequest };

function notInspectable(source: string, found: string): UsageError {
  return new UsageError(`'${source}' is not a certificate, chain or certificate request: ${found}`, {
    hint: "certctl inspect reads PEM (one or more CERTIFICATE blocks, or a CERTIFICATE REQUEST) or DER of one certificate or CSR.",
  });
}

function parseInput({ bytes, source }: InspectParams): Parsed {
  const text = Buffer.from(bytes).toString("latin1");
  if (text.trim() === "") throw notInspectable(source, "it is empty");
  const blocks = pemBlocks(text);
  if (blocks.length === 0) {
    if (text.includes("-----BEGIN ")) throw notInspectable(source, "found a PEM BEGIN line without its END line");
    return parseDer(bytes, source);
  }
  const certBlocks = blocks.filter((b) => CERT_LABELS.has(b.label));
  const csrBlocks = blocks.filter((b) => CSR_LABELS.has(b.label));
  const skipped = blocks.filter((b) => !CERT_LABELS.has(b.label) && !CSR_LABELS.has(b.label)).map((b) => b.label);
  if (certBlocks.length === 0 && csrBlocks.length === 0) throw notInspectable(source, describeFound(skipped));
  if (csrBlocks.length > 0 && (certBlocks.length > 0 || csrBlocks.length > 1)) {
    throw new UsageError(`'${source}' holds ${describeFound(blocks.map((b) => b.label)).replace(/^found /, "")}; inspect a certificate request on its own`);
  }
  if (csrBlocks.length === 1) return { format: "pem", skipped, csr: decodeBlock(csrBlocks[0]!, source, "csr") };
  return { format: "pem", skipped, certs: certBlocks.map((b) => decodeBlock(b, source, "cert")) };
}

function decodeBlock(block: PemBlock, source: string, as: "cert"): x509.X509Certificate;
function decodeBlock(block: PemBlock, source: string, as: "csr"): x509.Pkcs10CertificateRequest;
function decodeBlock(block: PemBlock, source: string, as: "cert" | "csr") {
  try {
    const der = Buffer.from(block.base64, "base64");
    return as === "cert" ? new x509.X509Certificate(der) : new x509.Pkcs10CertificateRequest(der);
  } catch (error) {
    throw new UsageError(`'${source}': PEM block ${block.index + 1} (${block.label}) does not decode: ${reason(error)}`);
  }
}

function parseDer(bytes: Uint8Array, source: string): Parsed {
  // Every certificate and CSR is a DER SEQUENCE; anything else cannot be one.
  if (bytes[0] !== 0x30) throw notInspectable(source, "found no PEM block and the bytes are not DER");
  const der = new Uint8Array(bytes); // a copy backed by a plain ArrayBuffer, as x509's types want
  try {
    return { format: "der", skipped: [], certs: [new x509.X509Certificate(der)] };
  } catch {
    // not a certificate; try a CSR next
  }
  try {
    return { format: "der", skipped: [], csr: new x509.Pkcs10CertificateRequest(der) };
  } catch {
    // A key or another DER structure: do not guess further, and never echo its bytes.
    throw notInspectable(source, "found DER data that is neither a certificate nor a certificate request");
  }
}

async function summarizeCertificate(cert: x509.X509Certificate, index: number, now: Date, crypto: Crypto): Promise<CertificateSummary> {
  const notBefore = cert.notBefore.getTime();
  const notAfter = cert.notAfter.getTime();
  const lifetimeSeconds = Math.round((notAfter - notBefore) / 1000);
  const secondsLeft = Math.floor((notAfter - now.getTime()) / 1000);
  const sans = altNames(extension(cert.extensions, x509.SubjectAlternativeNameExtension));
  return {
    index,
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, ""),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    lifetimeSeconds,
    secondsLeft,
    validity: validityState(now.getTime(), notBefore, notAfter),
    subjectAltNames: sans.grouped,
    altNames: sans.ordered,
    publicKey: await summarizeKey(cert.publicKey, crypto),
    signatureAlgorithm: signatureName(cert.signatureAlgorithm),
    keyUsages: keyUsages(extension(cert.extensions, x509.KeyUsagesExtension)),
    extendedKeyUsages: extKeyUsages(extension(cert.extensions, x509.ExtendedKeyUsageExtension)),
    basicConstraints: basicConstraints(extension(cert.extensions, x509.BasicConstraintsExtension)),
    selfSigned: await cert.isSelfSigned(crypto).catch(() => false),
    fingerprints: {
      sha256: colonHex(await cert.getThumbprint("SHA-256", crypto)),
      sha1: colonHex(await cert.getThumbprint("SHA-1", crypto)),
    },
    linksToNext: null,
  };
}

async function summarizeCsr(csr: x509.Pkcs10CertificateRequest, crypto: Crypto): Promise<CsrSummary> {
  const extensions = safeList(() => csr.extensions);
  const sans = altNames(extension(extensions, x509.SubjectAlternativeNameExtension));
  return {
    subject: csr.subject,
    subjectAltNames: sans.grouped,
    altNames: sans.ordered,
    publicKey: await summarizeKey(csr.publicKey, crypto),
    signatureAlgorithm: signatureName(csr.signatureAlgorithm),
    signatureValid: await csr.verify(crypto).catch(() => false),
    keyUsages: keyUsages(extension(extensions, x509.KeyUsagesExtension)),
    extendedKeyUsages: extKeyUsages(extension(extensions, x509.ExtendedKeyUsageExtension)),
    basicConstraints: basicConstraints(extension(extensions, x509.BasicConstraintsExtension)),
  };
}

const LINK_PROBLEMS = {
  "none": undefined,
  "issuer-mismatch": "its issuer is not the next certificate's subject",
  "bad-signature": "its signature does not verify with the next certificate's key",
} as const;

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "found a PRIVATE KEY block", "found CERTIFICATE and CERTIFICATE REQUEST blocks". */
function describeFound(labels: readonly string[]): string {
  const unique = [...new Set(labels)];
  if (labels.length === 1) return `found ${/^[AEIOU]/.test(unique[0]!) ? "an" : "a"} ${unique[0]} block`;
  const counted = unique.map((label) => {
    const count = labels.filter((l) => l === label).length;
    return count > 1 ? `${count} ${label}` : label;
  });
  return `found ${counted.slice(0, -1).join(", ")}${counted.length > 1 ? " and " : ""}${counted[counted.length - 1]} blocks`;
}
