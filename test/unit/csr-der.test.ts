// csr.ts writes the request's DER itself (der.ts). Here every shape of subject and extension it
// can carry is encoded a second time through @peculiar's ASN.1 schemas, as csr.ts did before,
// and the CertificationRequestInfo must be the same bytes.
import { describe, expect, it } from "vitest";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  Attribute, AttributeTypeAndValue, AttributeValue, BasicConstraints, ExtendedKeyUsage, Extension, Extensions, GeneralName, KeyUsage,
  Name, RelativeDistinguishedName, SubjectAlternativeName, id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName,
} from "@peculiar/asn1-x509";
import { buildCsr } from "../../src/core/crypto/csr.js";
import { generateSigningKey, publicKeyDer } from "../../src/core/crypto/keys.js";
import { integer, namedBits, oid } from "../../src/core/crypto/der.js";
import type { CertificateAttributes } from "../../src/model/types.js";
import { EXT_KEY_USAGE_OIDS, EXTENSION_REQUEST_OID, GENERAL_NAME_FIELDS, KEY_USAGE_FLAGS, SUBJECT_FIELD_OIDS, subjectFields } from "../../src/model/x509-names.js";
import { wireIp } from "../../src/model/ip.js";

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** The CertificationRequestInfo as the schemas encode it. */
function schemaTbs(attributes: CertificateAttributes, spki: Buffer): Buffer {
  const name = new Name(subjectFields(attributes).map(([field, value]) => new RelativeDistinguishedName([
    new AttributeTypeAndValue({ type: SUBJECT_FIELD_OIDS[field], value: new AttributeValue(PRINTABLE.test(value) ? { printableString: value } : { utf8String: value }) }),
  ])));
  const ext = (id: string, critical: boolean, value: object) => new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const extensions: Extension[] = [];
  if (attributes.altNames?.length) {
    extensions.push(ext(id_ce_subjectAltName, subjectFields(attributes).length === 0, new SubjectAlternativeName(attributes.altNames.map((n) =>
      new GeneralName({ [GENERAL_NAME_FIELDS[n.type]]: n.type === "ip_address" ? wireIp(n.value) : n.value })))));
  }
  if (attributes.keyUsages?.length) extensions.push(ext(id_ce_keyUsage, true, new KeyUsage(attributes.keyUsages.reduce((a, u) => a | KEY_USAGE_FLAGS[u], 0))));
  if (attributes.extendedKeyUsages?.length) extensions.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage(attributes.extendedKeyUsages.map((u) => EXT_KEY_USAGE_OIDS[u]))));
  if (attributes.basicConstraints) {
    const { isCA, pathLength } = attributes.basicConstraints;
    extensions.push(ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: isCA, ...(pathLength !== undefined ? { pathLenConstraint: pathLength } : {}) })));
  }
  const requested = extensions.length === 0 ? [] : [Buffer.from(AsnConvert.serialize(new Attribute({ type: EXTENSION_REQUEST_OID, values: [AsnConvert.serialize(new Extensions(extensions))] })))];
  const body = Buffer.concat([Buffer.from([2, 1, 0]), Buffer.from(AsnConvert.serialize(name)), spki, element(0xa0, Buffer.concat(requested))]);
  return element(0x30, body);
}

function element(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}

/** The first element inside the CSR's outer SEQUENCE: the signed CertificationRequestInfo. */
function tbsOf(pem: string): Buffer {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  const skip = (at: number) => (der[at + 1]! < 0x80 ? 2 : 2 + (der[at + 1]! & 0x7f));
  const length = (at: number) => (der[at + 1]! < 0x80 ? der[at + 1]! : der.subarray(at + 2, at + skip(at)).reduce((a, b) => a * 256 + b, 0));
  const start = skip(0);
  return der.subarray(start, start + skip(start) + length(start));
}

const SHAPES: Array<[string, CertificateAttributes]> = [
  ["a common name and one DNS name", { commonName: "web.example.com", altNames: [{ type: "dns_name", value: "web.example.com" }] }],
  ["every subject field, one in UTF-8", { country: "DE", state: "Bayern", locality: "München", organization: "Example (Ops)", organizationalUnit: "a+b=c, d", commonName: "ops" }],
  ["SANs only (critical), every type, IPv6 and a mapped IPv4", {
    altNames: [
      { type: "dns_name", value: "*.example.com" }, { type: "ip_address", value: "192.0.2.10" }, { type: "ip_address", value: "2001:db8::1" },
      { type: "ip_address", value: "::ffff:192.0.2.1" }, { type: "email", value: "ops@example.com" }, { type: "uri", value: "spiffe://example.org/web" },
    ],
  }],
  ["one key usage", { commonName: "a", keyUsages: ["digital_signature"] }],
  ["key usages up to decipher_only (a second octet)", { commonName: "a", keyUsages: ["digital_signature", "key_encipherment", "decipher_only"] }],
  ["CA usages", { commonName: "a", keyUsages: ["key_cert_sign", "crl_sign"] }],
  ["every EKU", { commonName: "a", extendedKeyUsages: ["server_auth", "client_auth", "code_signing", "email_protection", "time_stamping", "ocsp_signing"] }],
  ["a CA with path length 0", { commonName: "Sub CA", basicConstraints: { isCA: true, pathLength: 0 } }],
  ["a CA with path length 200", { commonName: "Sub CA", basicConstraints: { isCA: true, pathLength: 200 } }],
  ["a CA without a path length", { commonName: "Sub CA", basicConstraints: { isCA: true } }],
  ["not a CA", { commonName: "leaf", basicConstraints: { isCA: false } }],
  ["no extensions at all", { commonName: "plain" }],
  ["60 SANs (two-octet lengths)", { commonName: "many", altNames: Array.from({ length: 60 }, (_, i) => ({ type: "dns_name" as const, value: `host-${i}.example.com` })) }],
];

describe("csr.ts's DER against @peculiar's ASN.1 schemas", () => {
  it.each(SHAPES)("%s: the same CertificationRequestInfo", async (_, attributes) => {
    const key = await generateSigningKey("EC_prime256v1");
    const spki = await publicKeyDer(key.keys.publicKey);
    const pem = await buildCsr({ ...attributes, keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256" }, key, spki);
    expect(tbsOf(pem).toString("hex")).toBe(schemaTbs(attributes, spki).toString("hex"));
  });

  it("OIDs, integers and named bits as X.690 has them", () => {
    expect(oid("1.2.840.113549.1.9.14").toString("hex")).toBe("06092a864886f70d01090e");
    expect(oid("2.5.29.17").toString("hex")).toBe("0603551d11");
    expect([0, 127, 128, 255, 256, 65535].map((n) => integer(n).toString("hex"))).toEqual(["020100", "02017f", "02020080", "020200ff", "02020100", "020300ffff"]);
    // digitalSignature alone: 1 bit used, 7 unused; keyCertSign + cRLSign: bits 5 and 6, 1 unused.
    expect(namedBits(1).toString("hex")).toBe("03020780");
    expect(namedBits(32 | 64).toString("hex")).toBe("03020106");
    expect(namedBits(256 | 1).toString("hex")).toBe("0303078080");
  });
});
