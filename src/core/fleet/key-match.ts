// Does a private key belong to a certificate? list and check ask this of every directory, so the
// common case avoids OpenSSL 3's key decoder (about 1 ms per key, most of what a directory costs):
// a PKCS#8 file as Node writes it carries its public half (the EC point, or RSA's n and e), which
// is read from the DER here and compared with the certificate's key, read from its DER too
// (microseconds). Anything else — no public half, another key type, DER we do not read — takes
// the full path: node:crypto parses the key and X509Certificate.checkPrivateKey compares. The
// fast path checks the mix-up this is for (a key of another certificate); a key file whose two
// halves disagree with each other is a forgery, and no service would load it either.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { TAG, certificateFields, ecPublicKeyBits, elements, oid, privateKeyInfo, type Element } from "../crypto/der.js";
import { EC_PUBLIC_KEY_OID, RSA_ENCRYPTION_OID } from "../../model/x509-names.js";

type PublicHalf = { kind: "ec"; point: Buffer } | { kind: "rsa"; n: Buffer; e: Buffer };

/** Which key an AlgorithmIdentifier names, from its OBJECT IDENTIFIER element. */
function keyKind(algorithm: Element | undefined): "ec" | "rsa" | undefined {
  const [id] = algorithm ? elements(algorithm.content) : [];
  if (id === undefined) return undefined;
  if (oid(EC_PUBLIC_KEY_OID).equals(id.whole)) return "ec";
  if (oid(RSA_ENCRYPTION_OID).equals(id.whole)) return "rsa";
  return undefined;
}

/** RSA's n and e, the same in RSAPrivateKey and RSAPublicKey; undefined unless both are INTEGERs. */
function rsaHalf(n: Element | undefined, e: Element | undefined): PublicHalf | undefined {
  if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) return undefined;
  return { kind: "rsa", n: unsigned(Buffer.from(n.content)), e: unsigned(Buffer.from(e.content)) };
}

/** The public half a PKCS#8 key carries, or undefined when it carries none we read. */
function publicHalf(der: Buffer): PublicHalf | undefined {
  try {
    const { algorithm, keyFields: fields } = privateKeyInfo(der);
    switch (keyKind(algorithm)) {
      case "ec": {
        const bits = ecPublicKeyBits(fields);
        if (bits === undefined || bits.content[0] !== 0) return undefined;
        return { kind: "ec", point: Buffer.from(bits.content.subarray(1)) };
      }
      case "rsa":
        return rsaHalf(fields[1], fields[2]); // RSAPrivateKey: version, n, e, …
      default:
        return undefined;
    }
  } catch {
    return undefined; // not DER we read: the full path decides
  }
}

function unsigned(bytes: Buffer): Buffer {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  return bytes.subarray(at);
}

/**
 * The certificate's key the same way, from its SubjectPublicKeyInfo (RFC 5480, RFC 8017): no key
 * object is made (OpenSSL would decode the key a second time for it). Undefined for other shapes.
 */
function certificateHalf(cert: { raw: Uint8Array }): PublicHalf | undefined {
  try {
    const [spki] = elements(certificateFields(cert.raw).spki);
    const [algorithm, bits] = spki ? elements(spki.content) : [];
    if (bits?.tag !== TAG.BIT_STRING || bits.content[0] !== 0) return undefined;
    const key = Buffer.from(bits.content.subarray(1));
    switch (keyKind(algorithm)) {
      case "ec":
        return { kind: "ec", point: key };
      case "rsa": {
        const [rsaPublicKey] = elements(key);
        const [n, e] = rsaPublicKey ? elements(rsaPublicKey.content) : [];
        return rsaHalf(n, e);
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** True when the (unencrypted, PEM PKCS#8) key belongs to the certificate. Throws when the key does not parse. */
export function keyMatchesCertificate(keyPem: string, cert: { raw: Uint8Array }): boolean {
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(keyPem)?.[1];
  const half = body === undefined ? undefined : publicHalf(Buffer.from(body.replace(/\s+/g, ""), "base64"));
  const theirs = half && certificateHalf(cert);
  if (half && theirs) {
    if (half.kind === "ec" && theirs.kind === "ec") return half.point.equals(theirs.point);
    if (half.kind === "rsa" && theirs.kind === "rsa") return half.n.equals(theirs.n) && half.e.equals(theirs.e);
    return false; // an EC key for an RSA certificate, or the other way round
  }
  return new X509Certificate(cert.raw).checkPrivateKey(createPrivateKey(keyPem));
}
