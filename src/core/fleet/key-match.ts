// Does a private key belong to a certificate? list and check ask this of every directory, so the
// common case avoids OpenSSL 3's key decoder (about 1 ms per key, most of what a directory costs):
// a PKCS#8 file as Node writes it carries its public half (the EC point, or RSA's n and e), which
// is read from the DER here and compared with the certificate's key, read from its DER too
// (microseconds; node:crypto's JWK export when that DER is not what we read). Anything else — no
// public half, another key type — takes the full path: node:crypto parses the key and
// X509Certificate.checkPrivateKey compares. The fast path checks
// the mix-up this is for (a key of another certificate); a key file whose two halves disagree
// with each other is a forgery, and no service would load it either.
import { createPrivateKey, type X509Certificate } from "node:crypto";
import { TAG, certificateFields, elements } from "../crypto/der.js";

const EC_PUBLIC_KEY = Buffer.from("2a8648ce3d0201", "hex");
const RSA_ENCRYPTION = Buffer.from("2a864886f70d010101", "hex");

type PublicHalf = { kind: "ec"; point: Buffer } | { kind: "rsa"; n: Buffer; e: Buffer };

/** The public half a PKCS#8 key carries, or undefined when it carries none we read. */
function publicHalf(der: Buffer): PublicHalf | undefined {
  try {
    const [outer] = elements(der);
    if (outer?.tag !== TAG.SEQUENCE) return undefined;
    const [, algorithm, privateKey] = elements(outer.content);
    if (!algorithm || privateKey?.tag !== TAG.OCTET_STRING) return undefined;
    const [oid] = elements(algorithm.content);
    const [inner] = elements(privateKey.content);
    if (oid?.tag !== TAG.OID || inner?.tag !== TAG.SEQUENCE) return undefined;
    const fields = elements(inner.content);
    if (EC_PUBLIC_KEY.equals(oid.content)) {
      const tagged = fields.find((f) => f.tag === 0xa1); // [1] publicKey
      const [bits] = tagged ? elements(tagged.content) : [];
      if (bits?.tag !== TAG.BIT_STRING || bits.content[0] !== 0) return undefined;
      return { kind: "ec", point: Buffer.from(bits.content.subarray(1)) };
    }
    if (RSA_ENCRYPTION.equals(oid.content)) {
      const [, n, e] = fields;
      if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) return undefined;
      return { kind: "rsa", n: unsigned(Buffer.from(n.content)), e: unsigned(Buffer.from(e.content)) };
    }
    return undefined;
  } catch {
    return undefined; // not DER we read: the full path decides
  }
}

function unsigned(bytes: Buffer): Buffer {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  return bytes.subarray(at);
}

const fromB64url = (text: unknown) => Buffer.from(typeof text === "string" ? text : "", "base64url");

/**
 * The certificate's key the same way, from its SubjectPublicKeyInfo (RFC 5480, RFC 8017): no key
 * object is made (OpenSSL would decode the key a second time for it). Undefined for other shapes.
 */
function certificateHalf(cert: X509Certificate): PublicHalf | undefined {
  try {
    const [spki] = elements(certificateFields(cert.raw).spki);
    const [algorithm, bits] = elements(spki!.content);
    const [oid] = elements(algorithm!.content);
    if (bits?.tag !== TAG.BIT_STRING || bits.content[0] !== 0 || oid?.tag !== TAG.OID) return undefined;
    const key = Buffer.from(bits.content.subarray(1));
    if (EC_PUBLIC_KEY.equals(oid.content)) return { kind: "ec", point: key };
    if (!RSA_ENCRYPTION.equals(oid.content)) return undefined;
    const [rsaPublicKey] = elements(key);
    const [n, e] = elements(rsaPublicKey!.content);
    if (n?.tag !== TAG.INTEGER || e?.tag !== TAG.INTEGER) return undefined;
    return { kind: "rsa", n: unsigned(Buffer.from(n.content)), e: unsigned(Buffer.from(e.content)) };
  } catch {
    return undefined;
  }
}

/** True when the (unencrypted, PEM PKCS#8) key belongs to the certificate. Throws when the key does not parse. */
export function keyMatchesCertificate(keyPem: string, cert: X509Certificate): boolean {
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(keyPem)?.[1];
  const half = body === undefined ? undefined : publicHalf(Buffer.from(body.replace(/\s+/g, ""), "base64"));
  if (half) {
    const theirs = certificateHalf(cert);
    if (theirs) {
      if (half.kind === "ec" && theirs.kind === "ec") return half.point.equals(theirs.point);
      if (half.kind === "rsa" && theirs.kind === "rsa") return half.n.equals(theirs.n) && half.e.equals(theirs.e);
      return false; // an EC key for an RSA certificate, or the other way round
    }
    const jwk = cert.publicKey.export({ format: "jwk" });
    if (half.kind === "ec" && jwk.kty === "EC") return half.point.equals(Buffer.concat([Buffer.from([4]), fromB64url(jwk.x), fromB64url(jwk.y)]));
    if (half.kind === "rsa" && jwk.kty === "RSA") return half.n.equals(unsigned(fromB64url(jwk.n))) && half.e.equals(unsigned(fromB64url(jwk.e)));
    return false;
  }
  return cert.checkPrivateKey(createPrivateKey(keyPem));
}
