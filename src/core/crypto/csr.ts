// PKCS#10 requests built from validated attributes and a key (the default mode). A CSR the user
// brings (--csr) is read and checked in csr-input.ts.
import type { CertificateAttributes } from "../../model/types.js";
import { UsageError } from "../../model/errors.js";
import { keyFamily, signatureHash } from "../../model/algorithms.js";
import { publicKeyDer, type SigningKey } from "./keys.js";
import {
  EXT_KEY_USAGE_OIDS, EXTENSION_REQUEST_OID, GENERAL_NAME_FIELDS, KEY_USAGE_FLAGS, SIGNATURE_OIDS, SUBJECT_FIELD_OIDS, subjectFields,
} from "../../model/x509-names.js";
import { KeyObject, sign } from "node:crypto";
import { wireIp } from "../../model/ip.js";
import { pemEncode } from "../../util/pem.js";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier, Attribute, AttributeTypeAndValue, AttributeValue, BasicConstraints, ExtendedKeyUsage, Extension, Extensions,
  GeneralName, KeyUsage, Name, RelativeDistinguishedName, SubjectAlternativeName,
  id_ce_basicConstraints, id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName,
} from "@peculiar/asn1-x509";

/** The published spec's limit on the `csr` string; a longer one is refused with a 422. */
export const CSR_MAX_LENGTH = 4096;

/**
 * One RDN per field, each value taken literally (no escapes, no "#hex" forms): PrintableString
 * when every character allows it, as openssl and @peculiar/x509 choose, otherwise UTF8String.
 */
function subjectName(attributes: CertificateAttributes): Name {
  return new Name(subjectFields(attributes).map(([field, value]) => new RelativeDistinguishedName([
    new AttributeTypeAndValue({
      type: SUBJECT_FIELD_OIDS[field],
      value: new AttributeValue(PRINTABLE.test(value) ? { printableString: value } : { utf8String: value }),
    }),
  ])));
}
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** SANs, key usage, EKU and basic constraints, as the server copies them into the certificate. */
function csrExtensions(attributes: CertificateAttributes): Extension[] {
  const extensions: Extension[] = [];
  if (attributes.altNames?.length) {
    // Critical when the subject is empty, as RFC 5280 4.2.1.6 asks.
    const critical = subjectFields(attributes).length === 0;
    // The wire form here too: certctl.json files written before --ip normalised its values may hold
    // a dotted IPv4 tail, which the encoder would misread (see wireIp).
    const names = attributes.altNames.map((n) => new GeneralName({
      [GENERAL_NAME_FIELDS[n.type]]: n.type === "ip_address" ? wireIp(n.value) : n.value,
    }));
    extensions.push(extension(id_ce_subjectAltName, critical, new SubjectAlternativeName(names)));
  }
  if (attributes.keyUsages?.length) {
    const flags = attributes.keyUsages.reduce((acc, usage) => acc | KEY_USAGE_FLAGS[usage], 0);
    extensions.push(extension(id_ce_keyUsage, true, new KeyUsage(flags)));
  }
  if (attributes.extendedKeyUsages?.length) {
    extensions.push(extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(attributes.extendedKeyUsages.map((u) => EXT_KEY_USAGE_OIDS[u]))));
  }
  if (attributes.basicConstraints) {
    const { isCA, pathLength } = attributes.basicConstraints;
    extensions.push(extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: isCA, ...(pathLength !== undefined ? { pathLenConstraint: pathLength } : {}) })));
  }
  return extensions;
}

/**
 * A PEM CSR carrying subject, SANs, usages and constraints, signed with the key's signature
 * algorithm. The parts with structure (name, extensions, algorithm) are encoded by @peculiar's
 * ASN.1 schemas and the signature made by node:crypto; the SEQUENCEs around them are written
 * here (`tlv`), so the key's SubjectPublicKeyInfo goes in as exported and nothing is encoded
 * twice. Measured over 40 requests in one process: @peculiar/x509's generator (which parses its
 * own output back) cost ~5 ms more per request, and a CertificationRequest object serialized
 * whole ~1.3 ms more — the difference a fleet renewal feels.
 */
export async function buildCsr(attributes: CertificateAttributes, key: SigningKey, spki?: Buffer): Promise<string> {
  const publicKey = spki ?? (await publicKeyDer(key.keys.publicKey));
  const extensions = csrExtensions(attributes);
  const requested = extensions.length === 0 ? [] : [AsnConvert.serialize(new Attribute({ type: EXTENSION_REQUEST_OID, values: [AsnConvert.serialize(new Extensions(extensions))] }))];
  // CertificationRequestInfo (RFC 2986 4.1): version 0, subject, key, [0] attributes (present even when empty).
  const tbs = tlv(SEQUENCE, VERSION_1, AsnConvert.serialize(subjectName(attributes)), publicKey, tlv(ATTRIBUTES_TAG, ...requested));
  const hash = signatureHash(key.signatureAlgorithm);
  const ec = keyFamily(key.keyAlgorithm) === "EC";
  // DER-encoded ECDSA signatures and PKCS#1 v1.5 for RSA: what X.509 wants, and node:crypto's defaults.
  const signature = sign(hash.replace("-", "").toLowerCase(), tbs, { key: KeyObject.from(key.keys.privateKey), dsaEncoding: "der" });
  // RSA algorithm identifiers carry an explicit NULL parameter (RFC 4055); ECDSA ones none (RFC 5758).
  const algorithm = AsnConvert.serialize(new AlgorithmIdentifier(ec ? { algorithm: SIGNATURE_OIDS[key.signatureAlgorithm] } : { algorithm: SIGNATURE_OIDS[key.signatureAlgorithm], parameters: null }));
  const der = tlv(SEQUENCE, tbs, algorithm, tlv(BIT_STRING, NO_UNUSED_BITS, signature));
  const pem = pemEncode(der, "CERTIFICATE REQUEST");
  if (pem.length > CSR_MAX_LENGTH) {
    const sans = attributes.altNames?.length ?? 0;
    throw new UsageError(`the CSR for these names is ${pem.length} characters as PEM (${sans} SANs, ${key.keyAlgorithm} key); the API accepts at most ${CSR_MAX_LENGTH}`, {
      hint: `Spread the SANs over more than one certificate${ec ? "" : ", or use an EC key (P-256), whose CSR is smaller"}.`,
    });
  }
  return pem;
}

const SEQUENCE = 0x30;
const BIT_STRING = 0x03;
/** [0] IMPLICIT SET OF Attribute, constructed. */
const ATTRIBUTES_TAG = 0xa0;
/** INTEGER 0: PKCS#10 version 1. */
const VERSION_1 = new Uint8Array([0x02, 0x01, 0x00]);
const NO_UNUSED_BITS = new Uint8Array([0x00]);

/** One DER element (X.690 8.1): tag, definite length, then the contents as given. */
function tlv(tag: number, ...contents: Array<Uint8Array | ArrayBuffer>): Buffer {
  const body = Buffer.concat(contents.map((part) => (part instanceof Uint8Array ? part : new Uint8Array(part))));
  const size: number[] = [];
  for (let n = body.length; n > 0; n = Math.floor(n / 256)) size.unshift(n % 256);
  const length = body.length < 0x80 ? [body.length] : [0x80 | size.length, ...size];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
