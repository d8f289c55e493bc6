// Leaf signing: subject and extensions come in already decided (from a CSR or from
// attributes); this adds the key identifiers and signs with the issuing intermediate.
import type { IssuingCa } from "./ca.js";
import { randomSerial, x509, type HashName } from "./crypto.js";

export interface LeafParams {
  ca: IssuingCa;
  publicKey: x509.PublicKey | CryptoKey;
  /** DER of the subject Name, so a CSR's RDN order and string types are kept byte for byte. */
  subject: x509.Name;
  /** SAN, key usage, EKU, basic constraints: copied as they are. */
  extensions: x509.Extension[];
  notBefore: Date;
  notAfter: Date;
  hash: HashName;
  /** 40 hex digits as the real server makes them; random when absent. */
  serialNumber?: string;
}

export interface SignedLeaf {
  certificate: x509.X509Certificate;
  pem: string;
  serialNumber: string;
}

const IDENTIFIER_OIDS = new Set(["2.5.29.14", "2.5.29.35"]);

export async function signLeaf(params: LeafParams, crypto: Crypto = globalThis.crypto): Promise<SignedLeaf> {
  const { ca } = params;
  const publicKey = params.publicKey instanceof x509.PublicKey ? params.publicKey : await x509.PublicKey.create(params.publicKey, crypto);
  const serialNumber = params.serialNumber ?? randomSerial(crypto);
  const certificate = await x509.X509CertificateGenerator.create({
    subject: params.subject,
    issuer: ca.intermediate.subjectName,
    publicKey,
    signingKey: await ca.signingKey(params.hash),
    serialNumber,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    signingAlgorithm: ca.family === "EC" ? { name: "ECDSA", hash: params.hash } : { name: "RSASSA-PKCS1-v1_5" },
    extensions: [
      ...params.extensions.filter((ext) => !IDENTIFIER_OIDS.has(ext.type)),
      await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
      authorityKeyId(ca),
    ],
  }, crypto);
  return { certificate, pem: certificate.toString("pem"), serialNumber };
}

/** The issuer's own subject key identifier, so the AKI matches it exactly. */
function authorityKeyId(ca: IssuingCa): x509.AuthorityKeyIdentifierExtension {
  const ski = ca.intermediate.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!ski) throw new Error("the intermediate CA has no subject key identifier");
  return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
}
