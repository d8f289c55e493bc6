// PKCS#10 requests built from validated attributes and a key (the default mode). A CSR the user
// brings (--csr) is read and checked in csr-input.ts.
import type { AltName, CertificateAttributes } from "../../model/types.js";
import { UsageError } from "../../model/errors.js";
import { keyFamily, signatureHash } from "../../model/algorithms.js";
import { publicKeyDer, type SigningKey } from "./keys.js";
import {
  EXT_KEY_USAGE_OIDS, EXTENSION_REQUEST_OID, KEY_USAGE_FLAGS, SIGNATURE_OIDS, SUBJECT_FIELD_OIDS, subjectFields,
} from "../../model/x509-names.js";
import { KeyObject, sign } from "node:crypto";
import { isIP } from "node:net";
import { ipv6Groups, wireIp } from "../../model/ip.js";
import { pemEncode } from "../../util/pem.js";
import { NULL, TAG, TRUE, integer, namedBits, oid, tlv } from "./der.js";

/** The published spec's limit on the `csr` string; a longer one is refused with a 422. */
export const CSR_MAX_LENGTH = 4096;

/**
 * One RDN per field, each value taken literally (no escapes, no "#hex" forms): PrintableString
 * when every character allows it, as openssl and @peculiar/x509 choose, otherwise UTF8String.
 */
function subjectName(attributes: CertificateAttributes): Buffer {
  return tlv(TAG.SEQUENCE, ...subjectFields(attributes).map(([field, value]) => tlv(TAG.SET, tlv(TAG.SEQUENCE,
    oid(SUBJECT_FIELD_OIDS[field]),
    PRINTABLE.test(value) ? tlv(TAG.PRINTABLE_STRING, Buffer.from(value, "latin1")) : tlv(TAG.UTF8_STRING, Buffer.from(value, "utf8")),
  ))));
}
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** Extension (RFC 5280 4.1): critical is DEFAULT FALSE, so only a critical one says so. */
function extension(extnID: string, critical: boolean, value: Buffer): Buffer {
  return tlv(TAG.SEQUENCE, oid(extnID), ...(critical ? [TRUE] : []), tlv(TAG.OCTET_STRING, value));
}

/** GeneralName CHOICE tags (RFC 5280 4.2.1.6), implicit and primitive: [1] rfc822Name, [2] dNSName, [6] URI, [7] iPAddress. */
const GENERAL_NAME_TAGS: Record<AltName["type"], number> = { email: 0x81, dns_name: 0x82, uri: 0x86, ip_address: 0x87 };

function generalName(name: AltName): Buffer {
  if (name.type !== "ip_address") return tlv(GENERAL_NAME_TAGS[name.type], Buffer.from(name.value, "latin1"));
  // The wire form here too: certctl.json files written before --ip normalised its values may hold
  // a dotted IPv4 tail (see wireIp); an address goes in as its 4 or 16 octets.
  const ip = wireIp(name.value);
  const octets = isIP(ip) === 4 ? ip.split(".").map(Number) : ipv6Groups(ip).flatMap((group) => [group >> 8, group & 0xff]);
  return tlv(GENERAL_NAME_TAGS.ip_address, Buffer.from(octets));
}

/** SANs, key usage, EKU and basic constraints, as the server copies them into the certificate. */
function csrExtensions(attributes: CertificateAttributes): Buffer[] {
  const extensions: Buffer[] = [];
  if (attributes.altNames?.length) {
    // Critical when the subject is empty, as RFC 5280 4.2.1.6 asks.
    const critical = subjectFields(attributes).length === 0;
    extensions.push(extension(OID.subjectAltName, critical, tlv(TAG.SEQUENCE, ...attributes.altNames.map(generalName))));
  }
  if (attributes.keyUsages?.length) {
    const flags = attributes.keyUsages.reduce((acc, usage) => acc | KEY_USAGE_FLAGS[usage], 0);
    extensions.push(extension(OID.keyUsage, true, namedBits(flags)));
  }
  if (attributes.extendedKeyUsages?.length) {
    extensions.push(extension(OID.extKeyUsage, false, tlv(TAG.SEQUENCE, ...attributes.extendedKeyUsages.map((u) => oid(EXT_KEY_USAGE_OIDS[u])))));
  }
  if (attributes.basicConstraints) {
    // cA is DEFAULT FALSE too; pathLenConstraint only when given.
    const { isCA, pathLength } = attributes.basicConstraints;
    extensions.push(extension(OID.basicConstraints, true, tlv(TAG.SEQUENCE, ...(isCA ? [TRUE] : []), ...(pathLength !== undefined ? [integer(pathLength)] : []))));
  }
  return extensions;
}

const OID = { subjectAltName: "2.5.29.17", keyUsage: "2.5.29.15", extKeyUsage: "2.5.29.37", basicConstraints: "2.5.29.19" };

/**
 * A PEM CSR carrying subject, SANs, usages and constraints, signed with the key's signature
 * algorithm: DER written here (der.ts), the key's SubjectPublicKeyInfo put in as exported, the
 * signature made by node:crypto. @peculiar/x509's generator (which parses its own output back)
 * cost ~5 ms more per request, and @peculiar's ASN.1 schemas ~1.5 ms per request plus ~60 ms of
 * loading at every start — the difference a fleet renewal feels.
 */
export async function buildCsr(attributes: CertificateAttributes, key: SigningKey, spki?: Buffer): Promise<string> {
  const publicKey = spki ?? (await publicKeyDer(key.keys.publicKey));
  const extensions = csrExtensions(attributes);
  // The extensionRequest attribute (PKCS#9): SET OF one Extensions.
  const requested = extensions.length === 0 ? [] : [tlv(TAG.SEQUENCE, oid(EXTENSION_REQUEST_OID), tlv(TAG.SET, tlv(TAG.SEQUENCE, ...extensions)))];
  // CertificationRequestInfo (RFC 2986 4.1): version 0, subject, key, [0] attributes (present even when empty).
  const tbs = tlv(TAG.SEQUENCE, VERSION_1, subjectName(attributes), publicKey, tlv(ATTRIBUTES_TAG, ...requested));
  const hash = signatureHash(key.signatureAlgorithm);
  const ec = keyFamily(key.keyAlgorithm) === "EC";
  // DER-encoded ECDSA signatures and PKCS#1 v1.5 for RSA: what X.509 wants, and node:crypto's defaults.
  const signature = sign(hash.replace("-", "").toLowerCase(), tbs, { key: KeyObject.from(key.keys.privateKey), dsaEncoding: "der" });
  // RSA algorithm identifiers carry an explicit NULL parameter (RFC 4055); ECDSA ones none (RFC 5758).
  const algorithm = tlv(TAG.SEQUENCE, oid(SIGNATURE_OIDS[key.signatureAlgorithm]), ...(ec ? [] : [NULL]));
  const der = tlv(TAG.SEQUENCE, tbs, algorithm, tlv(TAG.BIT_STRING, NO_UNUSED_BITS, signature));
  const pem = pemEncode(der, "CERTIFICATE REQUEST");
  if (pem.length > CSR_MAX_LENGTH) {
    const sans = attributes.altNames?.length ?? 0;
    throw new UsageError(`the CSR for these names is ${pem.length} characters as PEM (${sans} SANs, ${key.keyAlgorithm} key); the API accepts at most ${CSR_MAX_LENGTH}`, {
      hint: `Spread the SANs over more than one certificate${ec ? "" : ", or use an EC key (P-256), whose CSR is smaller"}.`,
    });
  }
  return pem;
}

/** [0] IMPLICIT SET OF Attribute, constructed. */
const ATTRIBUTES_TAG = 0xa0;
/** INTEGER 0: PKCS#10 version 1. */
const VERSION_1 = new Uint8Array([0x02, 0x01, 0x00]);
const NO_UNUSED_BITS = new Uint8Array([0x00]);
