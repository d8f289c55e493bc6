// What `list` and `check` show of a certificate — serial, validity, subject, SANs — read from its
// DER when they are plain, in exactly the words node:crypto's X509Certificate gives them. Anything
// else (a name or SAN OpenSSL would escape or quote, an IPv6, e-mail or URI SAN, a multi-valued
// RDN, an attribute outside the table, a negative serial) is parsed by node:crypto: X509Certificate
// costs ~0.3 ms a certificate (OpenSSL 3 decodes the key on every parse), and `list` reads one per
// directory, a thousand and more. test/unit/cert-view.test.ts compares both over many shapes.
import { X509Certificate } from "node:crypto";
import { TAG, certificateFields, elements, oid, type Element } from "./der.js";

export interface CertificateView {
  /** Upper-case hex, as node:crypto gives it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** node:crypto's form: "CN=a\nO=b"; undefined for an empty subject. */
  subject: string | undefined;
  /** node:crypto's form: "DNS:a, IP Address:192.0.2.1"; undefined without the extension. */
  subjectAltName: string | undefined;
  /** The DER. */
  raw: Uint8Array;
}

/** The view of the first certificate in `pem` (throws as X509Certificate does when there is none). */
export function certificateView(pem: string): CertificateView {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (body !== undefined) {
    const der = Buffer.from(body.replace(/\s+/g, ""), "base64");
    const plain = plainCertificateView(der);
    if (plain) return plain;
  }
  return nodeView(new X509Certificate(pem));
}

function nodeView(cert: X509Certificate): CertificateView {
  return {
    serialNumber: cert.serialNumber, notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo),
    subject: cert.subject, subjectAltName: cert.subjectAltName, raw: cert.raw,
  };
}

// OpenSSL's short names for the attributes certctl's subjects use (RFC 4519, PKCS #9).
const SHORT_NAMES = new Map<string, string>([
  ["2.5.4.3", "CN"], ["2.5.4.6", "C"], ["2.5.4.7", "L"], ["2.5.4.8", "ST"], ["2.5.4.10", "O"], ["2.5.4.11", "OU"],
  ["2.5.4.5", "serialNumber"], ["2.5.4.9", "street"], ["2.5.4.17", "postalCode"], ["2.5.4.12", "title"],
  ["1.2.840.113549.1.9.1", "emailAddress"], ["0.9.2342.19200300.100.1.25", "DC"],
].map(([dotted, name]) => [oid(dotted!).toString("hex"), name!]));
const SAN_OID = oid("2.5.29.17").toString("hex");
/** UTF8String, PrintableString, IA5String. */
const STRING_TAGS = new Set([0x0c, 0x13, 0x16]);
/** Characters OpenSSL prints as they are in a name (RFC 2253 escapes none of them), no space at either end. */
const PLAIN_VALUE = /^[A-Za-z0-9.@*_'()/:-](?:[A-Za-z0-9 .@*_'()/:-]*[A-Za-z0-9.@*_'()/:-])?$/;
const PLAIN_DNS = /^[A-Za-z0-9.*_-]+$/;

/** The view from the DER, or undefined when any part is not plain (then node:crypto parses it). */
export function plainCertificateView(der: Buffer): CertificateView | undefined {
  try {
    const fields = certificateFields(der);
    const serial = Buffer.from(fields.serialHex, "hex");
    if (serial.length === 0 || (serial[0]! & 0x80) !== 0) return undefined; // negative: OpenSSL prints a sign
    const subject = nameText(fields.subject);
    if (subject === null) return undefined;
    const subjectAltName = fields.extensions === undefined ? undefined : sanText(fields.extensions);
    if (subjectAltName === null) return undefined;
    return {
      serialNumber: (serial[0] === 0 && serial.length > 1 ? serial.subarray(1) : serial).toString("hex").toUpperCase(),
      notBefore: fields.notBefore, notAfter: fields.notAfter, subject, subjectAltName, raw: der,
    };
  } catch {
    return undefined;
  }
}

/** "CN=a\nO=b" for a Name of single-attribute RDNs with plain values; undefined when empty; null otherwise. */
function nameText(name: Element): string | undefined | null {
  if (name.tag !== TAG.SEQUENCE) return null;
  const lines: string[] = [];
  for (const rdn of elements(name.content)) {
    const attributes = rdn.tag === 0x31 ? elements(rdn.content) : [];
    if (attributes.length !== 1 || attributes[0]!.tag !== TAG.SEQUENCE) return null;
    const [type, value, extra] = elements(attributes[0]!.content);
    const short = type?.tag === 0x06 ? SHORT_NAMES.get(Buffer.from(type.whole).toString("hex")) : undefined;
    if (short === undefined || value === undefined || extra !== undefined || !STRING_TAGS.has(value.tag)) return null;
    const text = Buffer.from(value.content).toString("latin1");
    if (!PLAIN_VALUE.test(text)) return null;
    lines.push(`${short}=${text}`);
  }
  return lines.length === 0 ? undefined : lines.join("\n");
}

/** The SAN extension as node:crypto prints it; undefined when absent; null when not plain. */
function sanText(extensions: Element): string | undefined | null {
  const [list] = elements(extensions.content);
  if (list?.tag !== TAG.SEQUENCE) return null;
  for (const extension of elements(list.content)) {
    const [id, ...rest] = elements(extension.content);
    if (id === undefined || Buffer.from(id.whole).toString("hex") !== SAN_OID) continue;
    const value = rest[rest.length - 1];
    if (value?.tag !== TAG.OCTET_STRING) return null;
    const [names] = elements(value.content);
    if (names?.tag !== TAG.SEQUENCE) return null;
    const out: string[] = [];
    for (const name of elements(names.content)) {
      if (name.tag === 0x82) {
        const text = Buffer.from(name.content).toString("latin1");
        if (!PLAIN_DNS.test(text)) return null;
        out.push(`DNS:${text}`);
      } else if (name.tag === 0x87 && name.content.length === 4) {
        out.push(`IP Address:${Array.from(name.content).join(".")}`);
      } else {
        return null;
      }
    }
    return out.length === 0 ? null : out.join(", ");
  }
  return undefined;
}
