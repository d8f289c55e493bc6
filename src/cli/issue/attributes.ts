// Subject, SAN, usage, algorithm and validity flags → one validated CertificateAttributes. The
// rules live in core/attributes in domain words; this file names the flag that broke one.
import type {
  AltName, AltNameType, CertificateAttributes, ExtKeyUsage, KeyAlgorithm, KeyUsage, SignatureAlgorithm,
} from "../../model/types.js";
import { UsageError } from "../../model/errors.js";
import {
  DEFAULT_KEY_ALGORITHM, DEFAULT_TTL, EXT_KEY_USAGES, KEY_ALGORITHMS, KEY_ALGORITHM_SHORT_NAMES, KEY_USAGES,
  SIGNATURE_ALGORITHMS, altNameForCommonName, checkAltName, defaultSignatureAlgorithm, detectSanType,
  findExtKeyUsage, findKeyAlgorithm, findKeyUsage, findSignatureAlgorithm, keyAlgorithmPhrase, signatureFamily,
  keyFamily, signaturesFor, subjectValueProblem, type KeyMode, type SubjectField,
} from "../../core/attributes/attributes.js";
import { conflicting, invalidValue, requires } from "../shared/wording.js";
import { ALT_NAME_FLAGS, type AltNameFlag } from "./alt-name-flags.js";
import { checkLifetime, parseIsoDate, parseTtl } from "./validity.js";

export { parseIsoDate, parseTtl } from "./validity.js";

export interface AltNameFlags {
  dns?: readonly string[];
  ip?: readonly string[];
  email?: readonly string[];
  uri?: readonly string[];
  san?: readonly string[];
  /**
   * Every SAN flag's value in the order typed, across flags (commander keeps one list per flag,
   * which would put `--ip 10.0.0.1 --dns a.example` in flag order). When given, it is the list.
   */
  altNamesInOrder?: ReadonlyArray<readonly [AltNameFlag, string]>;
}

const ALT_NAME_TYPES: Record<Exclude<AltNameFlag, "san">, AltNameType> = { dns: "dns_name", ip: "ip_address", email: "email", uri: "uri" };

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
  /** false with --no-cn-san: the CN is not copied into the SANs. */
  cnSan?: boolean;
}

export interface AttributeContext {
  mode: KeyMode;
  /** True when --key supplies the key: its type decides the key algorithm. */
  keyFromFile: boolean;
  now?: Date;
}

const KEY_ALGORITHM_OPTIONS = `options are ${KEY_ALGORITHMS.join(", ")} (or ${KEY_ALGORITHM_SHORT_NAMES.join(", ")})`;

export function parseKeyAlgorithm(value: string, flag = "--key-algorithm"): KeyAlgorithm {
  const found = findKeyAlgorithm(value);
  if (!found) throw invalidValue(flag, value, KEY_ALGORITHM_OPTIONS);
  return found;
}

export function parseSignatureAlgorithm(value: string, flag = "--signature-algorithm"): SignatureAlgorithm {
  const found = findSignatureAlgorithm(value);
  if (!found) throw invalidValue(flag, value, `options are ${SIGNATURE_ALGORITHMS.join(", ")}`);
  return found;
}

/** Comma-separated or repeated lists, duplicates dropped, in the order given. */
function parseUsageList<T extends string>(flag: string, values: readonly string[], find: (name: string) => T | undefined, all: readonly T[]): T[] {
  const out: T[] = [];
  for (const item of values.flatMap((v) => v.split(","))) {
    const text = item.trim();
    if (text === "") continue;
    const found = find(text);
    if (!found) throw invalidValue(flag, text, `options are ${all.join(", ")} (- or _ both work)`);
    if (!out.includes(found)) out.push(found);
  }
  return out;
}

export function parseKeyUsages(values: readonly string[]): KeyUsage[] {
  return parseUsageList("--key-usage", values, findKeyUsage, KEY_USAGES);
}

export function parseExtKeyUsages(values: readonly string[]): ExtKeyUsage[] {
  return parseUsageList("--ext-key-usage", values, findExtKeyUsage, EXT_KEY_USAGES);
}

const SUBJECT_FLAGS: Array<[SubjectField, keyof AttributeFlags, string]> = [
  ["commonName", "cn", "--cn"], ["organization", "org", "--org"], ["organizationalUnit", "ou", "--ou"],
  ["country", "country", "--country"], ["state", "state", "--state"], ["locality", "locality", "--locality"],
];

export function checkSubjectField(flag: string, field: SubjectField, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const problem = subjectValueProblem(field, text);
  if (problem) throw invalidValue(flag, value, problem);
  return text;
}

/**
 * Every SAN flag, typed and validated, duplicates dropped, in the order the user typed them
 * (altNamesInOrder), else flag by flag in the order given per flag.
 */
export function parseAltNames(flags: AltNameFlags): AltName[] {
  const typed = flags.altNamesInOrder ?? ALT_NAME_FLAGS.flatMap((flag) => (flags[flag] ?? []).map((value) => [flag, value] as const));
  const names: AltName[] = [];
  for (const [flag, raw] of typed) {
    const type = flag === "san" ? detectSanType(raw.trim()) : ALT_NAME_TYPES[flag];
    const checked = checkAltName(type, raw);
    if ("problem" in checked) throw invalidValue(`--${flag}`, raw, checked.problem);
    addAltName(names, checked.name);
  }
  return names;
}

function addAltName(names: AltName[], name: AltName): void {
  if (!names.some((n) => n.type === name.type && n.value === name.value)) names.push(name);
}

export function parsePathLength(value: string): number {
  if (/^\d{1,3}$/.test(value.trim())) return Number(value.trim());
  throw invalidValue("--path-length", value, "expected a whole number from 0 to 999");
}

/** Flags the CSR decides: with --csr the server ignores them, so accepting them would mislead. */
const CSR_DECIDES: Array<[keyof AttributeFlags, string]> = [
  ...SUBJECT_FLAGS.map(([, key, flag]) => [key, flag] as [keyof AttributeFlags, string]),
  ...ALT_NAME_FLAGS.map((key) => [key, `--${key}`] as [keyof AttributeFlags, string]),
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
      throw conflicting(clash[1], "--csr", "the CSR already decides the subject, SANs, usages and algorithms", {
        hint: "Put it into the CSR, or drop --csr and let certctl build the CSR from flags.",
      });
    }
  } else {
    for (const [field, key, flag] of SUBJECT_FLAGS) {
      const value = checkSubjectField(flag, field, flags[key] as string | undefined);
      if (value !== undefined) attributes[field] = value;
    }
    const altNames = withCommonName(parseAltNames(flags), attributes.commonName, flags.cnSan !== false);
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
    throw requires("--path-length", "--ca", "a path length only applies to a CA certificate");
  }
  if (flags.ca) {
    attributes.basicConstraints = { isCA: true };
    if (flags.pathLength !== undefined) attributes.basicConstraints.pathLength = parsePathLength(flags.pathLength);
  }
  return attributes;
}

/** The CN's own SAN goes first (what step and certbot produce), unless it is there already or --no-cn-san. */
function withCommonName(altNames: AltName[], cn: string | undefined, copy: boolean): AltName[] {
  const implied = copy && cn !== undefined ? altNameForCommonName(cn) : undefined;
  if (!implied || altNames.some((n) => n.type === implied.type && n.value === implied.value)) return altNames;
  return [implied, ...altNames];
}

function settleAlgorithms(attributes: CertificateAttributes, flags: AttributeFlags, context: AttributeContext): void {
  const signature = flags.signatureAlgorithm === undefined ? undefined : parseSignatureAlgorithm(flags.signatureAlgorithm);
  if (context.keyFromFile) {
    if (flags.keyAlgorithm !== undefined) throw conflicting("--key-algorithm", "--key", "the key file decides the algorithm");
    if (signature) attributes.signatureAlgorithm = signature;
    return;
  }
  const key = flags.keyAlgorithm === undefined ? DEFAULT_KEY_ALGORITHM : parseKeyAlgorithm(flags.keyAlgorithm);
  if (signature && signatureFamily(signature) !== keyFamily(key)) {
    throw new UsageError(`--signature-algorithm ${signature} cannot sign with ${keyAlgorithmPhrase(key)} (--key-algorithm)`, {
      hint: `With this key use one of ${signaturesFor(key).join(", ")}.`,
    });
  }
  attributes.keyAlgorithm = key;
  attributes.signatureAlgorithm = signature ?? defaultSignatureAlgorithm(key);
}

function settleValidity(attributes: CertificateAttributes, flags: AttributeFlags, now: Date): void {
  const dates = flags.notBefore !== undefined || flags.notAfter !== undefined;
  if (flags.ttl !== undefined && dates) {
    throw conflicting("--ttl", "--not-before/--not-after", "give a lifetime or dates, not both");
  }
  if (!dates) {
    attributes.ttl = parseTtl(flags.ttl ?? DEFAULT_TTL);
    return;
  }
  if (flags.notBefore === undefined) throw requires("--not-after", "--not-before", "give both dates, or use --ttl");
  if (flags.notAfter === undefined) throw requires("--not-before", "--not-after", "give both dates, or use --ttl");
  const notBefore = parseIsoDate("--not-before", flags.notBefore);
  const notAfter = parseIsoDate("--not-after", flags.notAfter);
  if (Date.parse(notBefore) >= Date.parse(notAfter)) {
    throw new UsageError(`--not-before (${notBefore}) must be earlier than --not-after (${notAfter})`);
  }
  if (Date.parse(notAfter) <= now.getTime()) throw invalidValue("--not-after", flags.notAfter, "the date is already past");
  checkLifetime("--not-after", flags.notAfter, Date.parse(notAfter) - Date.parse(notBefore));
  attributes.notBefore = notBefore;
  attributes.notAfter = notAfter;
}
