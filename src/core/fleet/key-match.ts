// Does a private key belong to a certificate? list and check ask this of every directory, so the
// common case avoids OpenSSL 3's key decoder (about 1 ms per key, most of what a directory costs):
// a PKCS#8 file as Node writes it carries its public half (the EC point, or RSA's n and e), which
// is read from the DER here and compared with the certificate's key (node:crypto's JWK export,
// microseconds). Anything else — no public half, another key type — takes the full path:
// node:crypto parses the key and X509Certificate.checkPrivateKey compares. The fast path checks
// the mix-up this is for (a key of another certificate); a key file whose two halves disagree
// with each other is a forgery, and no service would load it either.
import { createPrivateKey, type X509Certificate } from "node:crypto";

interface Tlv {
  tag: number;
  /** Content start and end. */
  start: number;
  end: number;
}

function readTlv(der: Buffer, at: number): Tlv | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes < 1 || bytes > 3 || start + bytes > der.length) return undefined;
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[start + i]!;
    start += bytes;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : undefined;
}

/** The TLVs directly inside a constructed one. */
function children(der: Buffer, parent: Tlv): Tlv[] {
  const found: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const tlv = readTlv(der, at);
    if (!tlv) return [];
    found.push(tlv);
    at = tlv.end;
  }
  return found;
}

const EC_PUBLIC_KEY = Buffer.from("2a8648ce3d0201", "hex");
const RSA_ENCRYPTION = Buffer.from("2a864886f70d010101", "hex");

type PublicHalf = { kind: "ec"; point: Buffer } | { kind: "rsa"; n: Buffer; e: Buffer };

/** The public half a PKCS#8 key carries, or undefined when it carries none we read. */
function publicHalf(der: Buffer): PublicHalf | undefined {
  const outer = readTlv(der, 0);
  if (!outer || outer.tag !== 0x30) return undefined;
  const [, algorithm, privateKey] = children(der, outer);
  if (!algorithm || !privateKey || privateKey.tag !== 0x04) return undefined;
  const oid = children(der, algorithm)[0];
  if (!oid || oid.tag !== 0x06) return undefined;
  const oidBytes = der.subarray(oid.start, oid.end);
  const inner = readTlv(der, privateKey.start);
  if (!inner || inner.tag !== 0x30) return undefined;
  const fields = children(der, inner);
  if (oidBytes.equals(EC_PUBLIC_KEY)) {
    const tagged = fields.find((f) => f.tag === 0xa1);
    const bits = tagged && readTlv(der, tagged.start);
    if (!bits || bits.tag !== 0x03 || der[bits.start] !== 0) return undefined;
    return { kind: "ec", point: der.subarray(bits.start + 1, bits.end) };
  }
  if (oidBytes.equals(RSA_ENCRYPTION)) {
    const [, n, e] = fields;
    if (!n || !e || n.tag !== 0x02 || e.tag !== 0x02) return undefined;
    return { kind: "rsa", n: unsigned(der.subarray(n.start, n.end)), e: unsigned(der.subarray(e.start, e.end)) };
  }
  return undefined;
}

function unsigned(bytes: Buffer): Buffer {
  let at = 0;
  while (at < bytes.length - 1 && bytes[at] === 0) at++;
  return bytes.subarray(at);
}

const fromB64url = (text: unknown) => Buffer.from(typeof text === "string" ? text : "", "base64url");

/** True when the (unencrypted, PEM PKCS#8) key belongs to the certificate. Throws when the key does not parse. */
export function keyMatchesCertificate(keyPem: string, cert: X509Certificate): boolean {
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(keyPem)?.[1];
  const half = body === undefined ? undefined : publicHalf(Buffer.from(body.replace(/\s+/g, ""), "base64"));
  if (half) {
    const jwk = cert.publicKey.export({ format: "jwk" });
    if (half.kind === "ec" && jwk.kty === "EC") return half.point.equals(Buffer.concat([Buffer.from([4]), fromB64url(jwk.x), fromB64url(jwk.y)]));
    if (half.kind === "rsa" && jwk.kty === "RSA") return half.n.equals(unsigned(fromB64url(jwk.n))) && half.e.equals(unsigned(fromB64url(jwk.e)));
    return false; // an EC key for an RSA certificate, or the other way round
  }
  return cert.checkPrivateKey(createPrivateKey(keyPem));
}
