// The few DER encodings a certificate request needs (X.690): elements with definite lengths,
// object identifiers, small integers and booleans. Written here rather than through @peculiar's
// ASN.1 schemas because a renewal builds one request per directory: loading asn1js and the
// schemas cost ~60 ms at every start and a request ~1.5 ms to encode, against ~0.1 ms here
// (test/unit/csr-der.test.ts checks the bytes against the schemas' encoding).

/** One DER element (X.690 8.1): tag, definite length, then the contents as given. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = contents.length === 1 ? contents[0]! : Buffer.concat(contents);
  const n = body.length;
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : n < 0x10000 ? [tag, 0x82, n >> 8, n & 0xff] : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(head), body]);
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const oids = new Map<string, Buffer>();

/** OBJECT IDENTIFIER (X.690 8.19): the first two arcs as 40·a + b, each arc base 128, high bit = more. */
export function oid(dotted: string): Buffer {
  const known = oids.get(dotted);
  if (known) return known;
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [];
  [40 * arcs[0]! + arcs[1]!, ...arcs.slice(2)].forEach((arc) => {
    const groups = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest & 0x7f) | 0x80);
    bytes.push(...groups);
  });
  const encoded = tlv(TAG.OID, Buffer.from(bytes));
  oids.set(dotted, encoded);
  return encoded;
}

/** INTEGER (X.690 8.3) for a non-negative number: the fewest octets, a leading 00 when the top bit is set. */
export function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (bytes.length === 0 || bytes[0]! >= 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

export const TRUE = Buffer.from([TAG.BOOLEAN, 0x01, 0xff]);
export const NULL = Buffer.from([TAG.NULL, 0x00]);

/**
 * A named-bit BIT STRING (X.690 11.2.2): bit n is 1 << n of `flags`, counted from the first
 * octet's top bit, with the trailing zero bits left out.
 */
export function namedBits(flags: number): Buffer {
  if (flags === 0) return tlv(TAG.BIT_STRING, Buffer.from([0]));
  let highest = 0;
  for (let bit = 0; 1 << bit <= flags; bit++) if (flags & (1 << bit)) highest = bit;
  const octets = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (let bit = 0; bit <= highest; bit++) if (flags & (1 << bit)) octets[bit >> 3] = octets[bit >> 3]! | (0x80 >> (bit & 7));
  return tlv(TAG.BIT_STRING, Buffer.from([7 - (highest & 7)]), octets);
}

// ---- reading ------------------------------------------------------------------------------

export interface Element {
  tag: number;
  /** The whole element, header included. */
  whole: Uint8Array;
  content: Uint8Array;
}

/** The elements one after another in `der`; anything but well-formed DER throws. */
export function elements(der: Uint8Array): Element[] {
  const out: Element[] = [];
  for (let at = 0; at < der.length;) {
    const tag = der[at]!;
    if ((tag & 0x1f) === 0x1f) throw new Error("multi-byte tag");
    let length = der[at + 1];
    let header = 2;
    if (length === undefined || length === 0x80) throw new Error("truncated or indefinite length");
    if (length > 0x80) {
      const octets = length & 0x7f;
      if (octets > 3) throw new Error("length too long");
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + (der[at + 2 + i] ?? NaN);
      header += octets;
    }
    const end = at + header + length;
    if (!(end <= der.length)) throw new Error("truncated element");
    out.push({ tag, whole: der.subarray(at, end), content: der.subarray(at + header, end) });
    at = end;
  }
  return out;
}

/** The fields of a certificate the planning and checks read, from its DER. */
export interface CertificateFields {
  /** The serial's INTEGER content, as hex. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo, the whole element. */
  spki: Uint8Array;
  /** The subject Name. */
  subject: Element;
  /** The [3] extensions element, when there is one. */
  extensions: Element | undefined;
}

/**
 * Serial, validity and key of an X.509 certificate (RFC 5280 4.1), read straight from the DER:
 * node's X509Certificate costs ~0.3 ms (OpenSSL decodes the key on every parse) where this
 * costs microseconds, and planning reads one per directory on every cron run. Throws on
 * anything it does not expect; callers then parse it the full way.
 */
export function certificateFields(der: Uint8Array): CertificateFields {
  const [certificate, ...rest] = elements(der);
  if (certificate?.tag !== TAG.SEQUENCE || rest.length !== 0) throw new Error("not one SEQUENCE");
  const [tbs, algorithm, signature, ...more] = elements(certificate.content);
  if (tbs?.tag !== TAG.SEQUENCE || algorithm?.tag !== TAG.SEQUENCE || signature?.tag !== TAG.BIT_STRING || more.length !== 0) throw new Error("not a Certificate");
  const fields = elements(tbs.content);
  const start = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const [serial, , issuer, validity, subject, spki, ...optional] = fields.slice(start);
  if (serial?.tag !== TAG.INTEGER || issuer?.tag !== TAG.SEQUENCE || validity?.tag !== TAG.SEQUENCE || subject?.tag !== TAG.SEQUENCE || spki?.tag !== TAG.SEQUENCE) {
    throw new Error("not a TBSCertificate");
  }
  const [notBefore, notAfter, extra] = elements(validity.content);
  if (!notBefore || !notAfter || extra) throw new Error("not a Validity");
  return {
    serialHex: Buffer.from(serial.content).toString("hex"), notBefore: time(notBefore), notAfter: time(notAfter), spki: spki.whole,
    subject, extensions: optional.find((part) => part.tag === 0xa3),
  };
}

/**
 * A PrivateKeyInfo (RFC 5208): its AlgorithmIdentifier and the fields of the key inside it
 * (ECPrivateKey, RSAPrivateKey). Throws on another shape.
 */
export function privateKeyInfo(der: Uint8Array): { algorithm: Element; keyFields: Element[] } {
  const [info] = elements(der);
  const [version, algorithm, privateKey] = info?.tag === TAG.SEQUENCE ? elements(info.content) : [];
  if (version?.tag !== TAG.INTEGER || algorithm?.tag !== TAG.SEQUENCE || privateKey?.tag !== TAG.OCTET_STRING) throw new Error("not a PrivateKeyInfo");
  const [key] = elements(privateKey.content);
  if (key?.tag !== TAG.SEQUENCE) throw new Error("not a private key SEQUENCE");
  return { algorithm, keyFields: elements(key.content) };
}

/** An ECPrivateKey's [1] publicKey BIT STRING (RFC 5915), when it carries one. */
export function ecPublicKeyBits(keyFields: Element[]): Element | undefined {
  const tagged = keyFields.find((field) => field.tag === 0xa1);
  const [bits] = tagged ? elements(tagged.content) : [];
  return bits?.tag === TAG.BIT_STRING ? bits : undefined;
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 4.1.2.5 has them. */
function time(element: Element): Date {
  const text = Buffer.from(element.content).toString("latin1");
  const match = element.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : element.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!match) throw new Error("not an RFC 5280 time");
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = element.tag === 0x17 ? (year >= 50 ? 1900 + year : 2000 + year) : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}
