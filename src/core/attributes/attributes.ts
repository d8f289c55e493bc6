// Flag values → validated certificate attributes, checked against the published spec
// (spec/create-certificate.openapi.yaml) before any request is sent. Every violation is a
// UsageError naming the flag and the valid values. Pure: no I/O, no crypto.
import {
  EXT_KEY_USAGES, KEY_ALGORITHMS, KEY_USAGES, SIGNATURE_ALGORITHMS,
  type CertificateAttributes, type ExtKeyUsage, type KeyAlgorithm, type KeyUsage,
  type SignatureAlgorithm,
} from "../../model/types.js";
import { UsageError, invalidFlag } from "../../model/errors.js";
import { parseAltNames, type AltNameFlags } from "./alt-names.js";
import { toServerTtl } from "../../model/duration.js";

export { detectSanType, isDnsName, isEmail, isUri, parseAltNames, type AltNameFlags } from "./alt-names.js";

/** The published spec's limits for subject fields (the newest server allows 255; every server accepts 100). */
export const SUBJECT_MAX_LENGTH = 100;
/** When neither --ttl nor dates are given. The server build in the field requires a ttl; 30 days fits common policies. */
export const DEFAULT_TTL = "30d";
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = "EC_prime256v1";

export type KeyFamily = "RSA" | "EC";

const KEY_ALGORITHM_ALIASES: Record<string, KeyAlgorithm> = {
  rsa2048: "RSA_2048", rsa3072: "RSA_3072", rsa4096: "RSA_4096", rsa: "RSA_2048",
  ecprime256v1: "EC_prime256v1", prime256v1: "EC_prime256v1", p256: "EC_prime256v1", secp256r1: "EC_prime256v1",
  ecp256: "EC_prime256v1", ec: "EC_prime256v1", ecdsa: "EC_prime256v1",
  ecsecp384r1: "EC_secp384r1", secp384r1: "EC_secp384r1", p384: "EC_secp384r1", ecp384: "EC_secp384r1",
  ecsecp521r1: "EC_secp521r1", secp521r1: "EC_secp521r1", p521: "EC_secp521r1", ecp521: "EC_secp521r1",
};

/** Lowercase and drop separators so `RSA-2048`, `rsa_2048` and `rsa2048` compare equal. */
function squash(value: string): string {
  return value.trim().toLowerCase().replace(/[-_\s]/g, "");
}

export function parseKeyAlgorithm(value: string, flag = "--key-algorithm"): KeyAlgorithm {
  const found = KEY_ALGORITHM_ALIASES[squash(value)];
  if (!found) throw invalidFlag(flag, value, `options are ${KEY_ALGORITHMS.join(", ")} (or rsa2048, rsa3072, rsa4096, p256, p384, p521)`);
  return found;
}

export function parseSignatureAlgorithm(value: string, flag = "--signature-algorithm"): SignatureAlgorithm {
  const wanted = squash(value).replace(/^ec(?!dsa)/, "ecdsa");
  const found = SIGNATURE_ALGORITHMS.find((alg) => squash(alg) === wanted);
  if (!found) throw invalidFlag(flag, value, `options are ${SIGNATURE_ALGORITHMS.join(", ")}`);
  return found;
}

export function keyFamily(algorithm: KeyAlgorithm): KeyFamily {
  return algorithm.startsWith("EC_") ? "EC" : "RSA";
}

export function signatureFamily(algorithm: SignatureAlgorithm): KeyFamily {
  return algorithm.startsWith("ECDSA") ? "EC" : "RSA";
}

export function signatureHash(algorithm: SignatureAlgorithm): "SHA-256" | "SHA-384" | "SHA-512" {
  return `SHA-${algorithm.slice(-3)}` as "SHA-256" | "SHA-384" | "SHA-512";
}

/** SHA-256 in the key's family, what openssl and the server default to. */
export function defaultSignatureAlgorithm(algorithm: KeyAlgorithm): SignatureAlgorithm {
  return keyFamily(algorithm) === "EC" ? "ECDSA-SHA256" : "RSA-SHA256";
}

export function assertSignatureSuitsKey(signature: SignatureAlgorithm, key: KeyAlgorithm, keyFlag = "--key-algorithm"): void {
  if (signatureFamily(signature) === keyFamily(key)) return;
  const valid = SIGNATURE_ALGORITHMS.filter((alg) => signatureFamily(alg) === keyFamily(key));
  throw new UsageError(`--signature-algorithm ${signature} cannot sign with a ${key} key (${keyFlag})`, {
    hint: `With this key use one of ${valid.join(", ")}.`,
  });
}

/** Comma-separated or repeated lists; `digital-signature` and `digital_signature` are the same usage. */
function parseEnumList<T extends string>(flag: string, values: readonly string[], allowed: readonly T[]): T[] {
  const out: T[] = [];
  for (const item of values.flatMap((v) => v.split(","))) {
    const text = item.trim();
    if (text === "") continue;
    const wanted = text.toLowerCase().replace(/[-\s]/g, "_");
    const found = allowed.find((a) => a === wanted);
    if (!found) throw invalidFlag(flag, text, `options are ${allowed.join(", ")} (- or _ both work)`);
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

export function parseKeyUsages(values: readonly string[]): KeyUsage[] {
  return parseEnumList("--key-usage", values, KEY_USAGES);
}

export function parseExtKeyUsages(values: readonly string[]): ExtKeyUsage[] {
  return parseEnumList("--ext-key-usage", values, EXT_KEY_USAGES);
}

// ---- subject, validity, constraints -------------------------------------------------------

export function checkSubjectField(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text.length < 1 || text.length > SUBJECT_MAX_LENGTH) {
    throw invalidFlag(flag, value, `expected 1 to ${SUBJECT_MAX_LENGTH} characters (got ${text.length})`);
  }
  // Control characters would end up in the DN and in logs.
  if (/[\u0000-\u001f\u007f]/.test(text)) throw invalidFlag(flag, value, "control characters are not allowed");
  return text;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time; a date alone means midnight UTC. Returned as a full ISO string. */
export function parseIsoDate(flag: string, value: string): string {
  const text = value.trim();
  const date = ISO_DATE.test(text) ? new Date(/T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !sameCalendarDay(text, date)) {
    throw invalidFlag(flag, value, "expected an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z");
  }
  return date.toISOString();
}

/** `2026-02-30` parses as March 2nd in JS; refuse it instead of guessing. */
function sameCalendarDay(text: string, date: Date): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return true;
  return date.toISOString().slice(0, 10) === text;
}

export function parsePathLength(value: string): number {
  if (/^\d{1,3}$/.test(value.trim())) return Number(value.trim());
  throw invalidFlag("--path-length", value, "expected a whole number from 0 to 999");
}

/** --application, and a --profile given as an id: the server answers 422 to anything but a UUID. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.trim());
}

// ---- the whole set -----------------------------------------------------------------------

export type KeyMode = "local-key" | "csr" | "server-keygen";

/** Raw flag values as commander hands them over (lists already collected). */
export interface AttributeFlags extends AltNameFlags {
  cn?: string;
  org?: string;
  ou?: string;
  country?: string;
  state?: string;
  locality?: string;
  keyUsage?: readonly string[];
  extKeyUsage?: readonly string[];
  keyAlgorithm?: string;
  signatureAlgorithm?: string;
  ttl?: string;
  notBefore?: string;
  notAfter?: string;
  ca?: boolean;
  pathLength?: string;
}

export interface AttributeContext {
  mode: KeyMode;
  /** True when --key supplies the key: its type decides the key algorithm. */
  keyFromFile: boolean;
  now?: Date;
}

/** Flags the CSR decides: with --csr the server ignores them, so accepting them would mislead. */
const CSR_DECIDES: Array<[keyof AttributeFlags, string]> = [
  ["cn", "--cn"], ["org", "--org"], ["ou", "--ou"], ["country", "--country"], ["state", "--state"], ["locality", "--locality"],
  ["dns", "--dns"], ["ip", "--ip"], ["email", "--email"], ["uri", "--uri"], ["san", "--san"],
  ["keyUsage", "--key-usage"], ["extKeyUsage", "--ext-key-usage"], ["keyAlgorithm", "--key-algorithm"],
  ["signatureAlgorithm", "--signature-algorithm"],
];

const given = (value: unknown): boolean => (Array.isArray(value) ? value.length > 0 : value !== undefined);

/**
 * One validated attribute set. keyAlgorithm and signatureAlgorithm are filled in when certctl or
 * the server generates the key; with --key they are settled once the key is read (see keys.ts).
 */
export function buildAttributes(flags: AttributeFlags, context: AttributeContext): CertificateAttributes {
  const attributes: CertificateAttributes = {};
  if (context.mode === "csr") {
    const clash = CSR_DECIDES.find(([key]) => given(flags[key]));
    if (clash) {
      throw new UsageError(`${clash[1]} cannot be used with --csr: the CSR already decides the subject, SANs, usages and algorithms`, {
        hint: "Put it into the CSR, or drop --csr and let certctl build the CSR from flags.",
      });
    }
  } else {
    setIfDefined(attributes, "commonName", checkSubjectField("--cn", flags.cn));
    setIfDefined(attributes, "organization", checkSubjectField("--org", flags.org));
    setIfDefined(attributes, "organizationalUnit", checkSubjectField("--ou", flags.ou));
    setIfDefined(attributes, "country", checkSubjectField("--country", flags.country));
    setIfDefined(attributes, "state", checkSubjectField("--state", flags.state));
    setIfDefined(attributes, "locality", checkSubjectField("--locality", flags.locality));
    const altNames = parseAltNames(flags);
    if (altNames.length > 0) attributes.altNames = altNames;
    if (!attributes.commonName && altNames.length === 0) {
      throw new UsageError("nothing to certify: give --cn or at least one SAN (--dns, --ip, --email, --uri, --san)");
    }
    const keyUsages = parseKeyUsages(flags.keyUsage ?? []);
    if (keyUsages.length > 0) attributes.keyUsages = keyUsages;
    const extKeyUsages = parseExtKeyUsages(flags.extKeyUsage ?? []);
    if (extKeyUsages.length > 0) attributes.extendedKeyUsages = extKeyUsages;
    settleAlgorithms(attributes, flags, context);
  }
  settleValidity(attributes, flags, context.now ?? new Date());
  if (flags.pathLength !== undefined && !flags.ca) {
    throw new UsageError("--path-length only applies to a CA certificate: add --ca or drop --path-length");
  }
  if (flags.ca) {
    attributes.basicConstraints = { isCA: true };
    if (flags.pathLength !== undefined) attributes.basicConstraints.pathLength = parsePathLength(flags.pathLength);
  }
  return attributes;
}

function settleAlgorithms(attributes: CertificateAttributes, flags: AttributeFlags, context: AttributeContext): void {
  const signature = flags.signatureAlgorithm === undefined ? undefined : parseSignatureAlgorithm(flags.signatureAlgorithm);
  if (context.keyFromFile) {
    if (flags.keyAlgorithm !== undefined) {
      throw new UsageError("--key-algorithm cannot be used with --key: the key file decides the algorithm");
    }
    if (signature) attributes.signatureAlgorithm = signature;
    return;
  }
  const key = flags.keyAlgorithm === undefined ? DEFAULT_KEY_ALGORITHM : parseKeyAlgorithm(flags.keyAlgorithm);
  if (signature) assertSignatureSuitsKey(signature, key);
  attributes.keyAlgorithm = key;
  attributes.signatureAlgorithm = signature ?? defaultSignatureAlgorithm(key);
}

function settleValidity(attributes: CertificateAttributes, flags: AttributeFlags, now: Date): void {
  const dates = flags.notBefore !== undefined || flags.notAfter !== undefined;
  if (flags.ttl !== undefined && dates) {
    throw new UsageError("--ttl cannot be combined with --not-before/--not-after: give a lifetime or dates, not both");
  }
  if (!dates) {
    attributes.ttl = toServerTtl("--ttl", flags.ttl ?? DEFAULT_TTL);
    return;
  }
  if (flags.notBefore === undefined || flags.notAfter === undefined) {
    throw new UsageError("--not-before and --not-after go together: give both, or use --ttl");
  }
  const notBefore = parseIsoDate("--not-before", flags.notBefore);
  const notAfter = parseIsoDate("--not-after", flags.notAfter);
  if (Date.parse(notBefore) >= Date.parse(notAfter)) {
    throw new UsageError(`--not-before (${notBefore}) must be earlier than --not-after (${notAfter})`);
  }
  if (Date.parse(notAfter) <= now.getTime()) {
    throw invalidFlag("--not-after", flags.notAfter, "the date is already past");
  }
  attributes.notBefore = notBefore;
  attributes.notAfter = notAfter;
}

function setIfDefined<K extends keyof CertificateAttributes>(target: CertificateAttributes, key: K, value: CertificateAttributes[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
