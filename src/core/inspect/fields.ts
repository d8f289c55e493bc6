// Decoders of certificate fields into certctl's vocabulary: key usages and EKUs in the spelling of
// --key-usage/--ext-key-usage, signature algorithms as --signature-algorithm, keys as --key-algorithm.
import { x509 } from "../crypto/x509.js";
import type { BasicConstraintsSummary, PublicKeySummary, SubjectAltNames } from "./inspect.js";
import { ANY_EXT_KEY_USAGE_OID, EXT_KEY_USAGE_OIDS, KEY_USAGE_FLAGS } from "../../model/x509-names.js";
import { curveNamed, rsaKeyAlgorithm } from "../../model/algorithms.js";
import { displayIp } from "../../model/ip.js";

/** Curves Infisical does not issue for but a certificate may carry (secp256k1). */
const OTHER_CURVE_BITS: Record<string, number> = { "K-256": 256 };
const RSA_NAMES = new Set(["RSASSA-PKCS1-v1_5", "RSA-PSS", "RSA-OAEP"]);

export async function summarizeKey(key: x509.PublicKey, crypto: Crypto): Promise<PublicKeySummary> {
  const algorithm = key.algorithm as Algorithm & { modulusLength?: number; namedCurve?: string };
  const sha256 = colonHex(await key.getThumbprint("SHA-256", crypto));
  if (RSA_NAMES.has(algorithm.name)) {
    const bits = algorithm.modulusLength ?? null;
    const type = algorithm.name === "RSA-PSS" ? "RSA-PSS" : "RSA";
    const keyAlgorithm = rsaKeyAlgorithm(bits ?? undefined);
    return keyAlgorithm ? { type, bits, keyAlgorithm, sha256 } : { type, bits, sha256 };
  }
  if (algorithm.namedCurve !== undefined) {
    const curve = algorithm.namedCurve;
    const type = algorithm.name === "ECDSA" || algorithm.name === "ECDH" ? "EC" : algorithm.name;
    const known = curveNamed(curve);
    const bits = known?.bits ?? OTHER_CURVE_BITS[curve] ?? null;
    const keyAlgorithm = known?.keyAlgorithm;
    return keyAlgorithm ? { type, bits, curve, keyAlgorithm, sha256 } : { type, bits, curve, sha256 };
  }
  const bits = ({ Ed25519: 256, X25519: 256, Ed448: 456, X448: 448 } as Record<string, number>)[algorithm.name] ?? null;
  return { type: algorithm.name, bits, sha256 };
}

/** Names in the spelling of --signature-algorithm (RSA-SHA256, ECDSA-SHA384, …). */
export function signatureName(algorithm: Algorithm & { hash?: Algorithm }): string {
  const hash = algorithm.hash?.name.replace("-", "");
  if (algorithm.name === "RSASSA-PKCS1-v1_5") return hash ? `RSA-${hash}` : "RSA";
  if (algorithm.name === "ECDSA") return hash ? `ECDSA-${hash}` : "ECDSA";
  if (algorithm.name === "RSA-PSS") return hash ? `RSA-PSS-${hash}` : "RSA-PSS";
  return algorithm.name;
}

const SAN_KEYS: Record<string, keyof SubjectAltNames> = { dns: "dns_name", ip: "ip_address", email: "email", url: "uri" };
/** The prefixes of the issue summary and of openssl: "DNS:a", "IP:10.0.0.1", "email:x@y", "URI:…". */
const SAN_PREFIXES: Record<string, string> = { dns: "DNS", ip: "IP", email: "email", url: "URI" };

/** SANs grouped by type (the JSON document) and as one list in the certificate's order (people). */
export function altNames(san: x509.SubjectAlternativeNameExtension | undefined): { grouped: SubjectAltNames; ordered: string[] } {
  const grouped: SubjectAltNames = { dns_name: [], ip_address: [], email: [], uri: [], other: [] };
  const ordered: string[] = [];
  for (const name of safeList(() => san?.names.items ?? [])) {
    const key = SAN_KEYS[name.type];
    const value = name.type === "ip" ? displayIp(name.value) : name.value;
    if (key && key !== "other") grouped[key].push(value);
    else grouped.other.push(`${name.type}:${value}`);
    ordered.push(`${SAN_PREFIXES[name.type] ?? name.type}:${value}`);
  }
  return { grouped, ordered };
}

// Bit order of RFC 5280 (and of `openssl x509 -text`), in the spelling of --key-usage.
const KEY_USAGE_BITS = Object.entries(KEY_USAGE_FLAGS).map(([name, bit]) => [bit, name] as const);

export function keyUsages(ext: x509.KeyUsagesExtension | undefined): string[] {
  if (!ext) return [];
  return KEY_USAGE_BITS.filter(([bit]) => (ext.usages & bit) !== 0).map(([, name]) => name);
}

// The --ext-key-usage spellings, from the same table the CSR builder encodes with.
const EKU_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(EXT_KEY_USAGE_OIDS).map(([name, oid]) => [oid, name])),
  [ANY_EXT_KEY_USAGE_OID]: "any",
};

export function extKeyUsages(ext: x509.ExtendedKeyUsageExtension | undefined): string[] {
  return (ext?.usages ?? []).map((oid) => EKU_NAMES[String(oid)] ?? String(oid));
}

export function basicConstraints(ext: x509.BasicConstraintsExtension | undefined): BasicConstraintsSummary | null {
  if (!ext) return null;
  return ext.pathLength === undefined ? { isCA: ext.ca } : { isCA: ext.ca, pathLength: ext.pathLength };
}

export function extension<T extends x509.Extension>(list: readonly x509.Extension[], type: abstract new (...args: never[]) => T): T | undefined {
  return list.find((ext): ext is T => ext instanceof type);
}

// x509 throws on SAN kinds it cannot represent (otherName, X.400); show what it can instead of failing.
export function safeList<T>(read: () => readonly T[]): readonly T[] {
  try {
    return read();
  } catch {
    return [];
  }
}

export function colonHex(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString("hex").toUpperCase().replace(/(..)(?!$)/g, "$1:");
}
