// What a request will be signed as: from a CSR (the CSR wins; only ttl and basicConstraints
// are read from attributes) or from attributes with a server-generated key. Policy refusals
// use the real server's wording, as observed on a real Infisical backend.
import { isIP } from "node:net";
import type { CertificateAttributes, KeyAlgorithm, SignatureAlgorithm } from "../model/types.js";
import { x509 } from "./crypto.js";
import { DEFAULT_KEY_ALGORITHM, curveNamed, signatureAlgorithmFor, signatureFamily, signatureHash, type HashName, type KeyFamily } from "../model/algorithms.js";
import { badRequest, internalError } from "./http.js";
import type { Profile, SigningPlan } from "./state.js";
import { readTtl } from "./validate.js";
import { EXT_KEY_USAGE_OIDS, KEY_USAGE_FLAGS, SAN_TYPES, subjectFields } from "../model/x509-names.js";

/** The extensions a CSR may ask for and the certificate then carries as they are. */
const CSR_EXTENSIONS = new Set(["2.5.29.17", "2.5.29.15", "2.5.29.37", "2.5.29.19"]);
const BASIC_CONSTRAINTS = "2.5.29.19";

/** The lifetime a ttl asks for, checked against the profile's maximum. */
export function lifetimeFromTtl(profile: Profile, ttl: string | undefined): number {
  if (ttl === undefined) throw badRequest("Certificate issuance requires a valid TTL");
  const verdict = readTtl(ttl);
  if (!verdict.ok) throw internalError();
  if (verdict.policyMs > profile.maxTtlMs) {
    throw badRequest("Certificate request validation failed: Requested validity period exceeds maximum allowed duration");
  }
  return verdict.issueMs;
}

function parseCsr(pem: string): x509.Pkcs10CertificateRequest {
  try {
    return new x509.Pkcs10CertificateRequest(pem);
  } catch {
    // A real server answers a garbage or truncated CSR with a bare 500.
    throw internalError();
  }
}

export async function planFromCsr(
  profile: Profile, pem: string, attrs: CertificateAttributes, lifetimeMs: number, crypto: Crypto = globalThis.crypto,
): Promise<SigningPlan> {
  const csr = parseCsr(pem);
  const algorithm = csr.signatureAlgorithm as { name: string; hash?: { name?: string } | string };
  const family: KeyFamily = algorithm.name === "ECDSA" ? "EC" : "RSA";
  const hashName = typeof algorithm.hash === "string" ? algorithm.hash : algorithm.hash?.name;
  const hash = (["SHA-256", "SHA-384", "SHA-512"].includes(hashName ?? "") ? hashName : "SHA-256") as HashName;
  requireCaFamily(profile, signatureAlgorithmFor(family, hash));
  if (!(await csr.verify(crypto))) throw badRequest("Certificate request validation failed: the CSR signature is invalid");

  const extensions = csr.extensions.filter((ext) => CSR_EXTENSIONS.has(ext.type));
  if (attrs.basicConstraints && !extensions.some((ext) => ext.type === BASIC_CONSTRAINTS)) {
    extensions.push(basicConstraints(attrs.basicConstraints));
  }
  return { subject: csr.subjectName, extensions, hash, lifetimeMs, key: { kind: "csr", publicKey: csr.publicKey } };
}

export function planFromAttributes(profile: Profile, attrs: CertificateAttributes, lifetimeMs: number): SigningPlan {
  if (!attrs.keyAlgorithm) throw badRequest("Key algorithm is required by template policy but not provided in request");
  if (!attrs.signatureAlgorithm) throw badRequest("Signature algorithm is required by template policy but not provided in request");
  if (!profile.keyAlgorithms.includes(attrs.keyAlgorithm)) {
    throw badRequest(`Certificate request validation failed: key algorithm ${attrs.keyAlgorithm} is not allowed by template policy`);
  }
  requireCaFamily(profile, attrs.signatureAlgorithm);
  return {
    subject: subjectFromAttributes(attrs),
    extensions: extensionsFromAttributes(attrs),
    hash: signatureHash(attrs.signatureAlgorithm),
    lifetimeMs,
    key: { kind: "server", algorithm: attrs.keyAlgorithm },
  };
}

/** A CA signs only in its own key family; the real server refuses anything else with this 400. */
export function requireCaFamily(profile: Profile, requested: SignatureAlgorithm): void {
  if (signatureFamily(requested) === profile.ca.family) return;
  const allowed = profile.ca.family === "EC" ? "ECDSA" : "RSA";
  throw badRequest(
    `Requested signature algorithm ${requested} is not compatible with CA key algorithm ${profile.ca.keyAlgorithm}. ` +
      `CA can only sign with ${allowed}-based signature algorithms.`,
  );
}

/** The API key algorithm of an existing public key, for a renewal with a new server-made key. */
export function keyAlgorithmOf(publicKey: x509.PublicKey): KeyAlgorithm {
  const algorithm = publicKey.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  if (algorithm.namedCurve) return curveNamed(algorithm.namedCurve)?.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM;
  const bits = algorithm.modulusLength ?? 2048;
  return bits >= 4096 ? "RSA_4096" : bits >= 3072 ? "RSA_3072" : "RSA_2048";
}

function subjectFromAttributes(attrs: CertificateAttributes): x509.Name {
  return new x509.Name(subjectFields(attrs).map(([key, value]) => ({ [key]: [value] })));
}

function extensionsFromAttributes(attrs: CertificateAttributes): x509.Extension[] {
  const extensions: x509.Extension[] = [];
  if (attrs.altNames && attrs.altNames.length > 0) {
    for (const name of attrs.altNames) {
      if (name.type === "ip_address" && isIP(name.value) === 0) {
        throw badRequest(`Certificate request validation failed: invalid IP address '${name.value}'`);
      }
    }
    const names = attrs.altNames.map((name) => ({ type: SAN_TYPES[name.type], value: name.value }));
    // Critical only when the subject is empty, as RFC 5280 asks (an O without a CN is not empty).
    extensions.push(new x509.SubjectAlternativeNameExtension(names, subjectFields(attrs).length === 0));
  }
  if (attrs.keyUsages && attrs.keyUsages.length > 0) {
    const flags = attrs.keyUsages.reduce((all, usage) => all | KEY_USAGE_FLAGS[usage], 0);
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (attrs.extendedKeyUsages && attrs.extendedKeyUsages.length > 0) {
    extensions.push(new x509.ExtendedKeyUsageExtension(attrs.extendedKeyUsages.map((usage) => EXT_KEY_USAGE_OIDS[usage])));
  }
  if (attrs.basicConstraints) extensions.push(basicConstraints(attrs.basicConstraints));
  return extensions;
}

function basicConstraints(bc: { isCA: boolean; pathLength?: number }): x509.BasicConstraintsExtension {
  return new x509.BasicConstraintsExtension(bc.isCA, bc.isCA ? bc.pathLength : undefined, true);
}
