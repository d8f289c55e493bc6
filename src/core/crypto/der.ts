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
