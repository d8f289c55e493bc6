// What an entry asks for that the certificate on disk does not give: the reasons for `replace`.
// The entry is compared with certctl.json's recorded request and with the certificate itself
// (its SANs), so a certificate edited by hand or a profile that added names is judged by what it is.
import { X509Certificate } from "node:crypto";
import type { AltName, CertificateAttributes } from "../../model/types.js";
import { relative } from "node:path";
import { metadataPaths, type CertctlMetadata, type PasswordSource } from "../../store/metadata.js";
import type { ApplyEntry } from "./entry.js";

const SAN_PREFIX: Record<AltName["type"], string> = { dns_name: "DNS", ip_address: "IP Address", email: "email", uri: "URI" };

/** Empty when the certificate satisfies the entry. */
export function replaceReasons(entry: ApplyEntry, meta: CertctlMetadata, certPem: string): string[] {
  const reasons: string[] = [];
  const { params } = entry;
  if (params.mode !== meta.mode) reasons.push(`key source changed: ${meta.mode} → ${params.mode}`);
  const profileNow = entry.applicationName === undefined ? params.profile.toLowerCase() : undefined;
  // An application-name entry's profile is looked up by the server, recorded as its id: not comparable offline.
  if (profileNow !== undefined && profileNow !== (meta.profile ?? "").toLowerCase() && profileNow !== meta.profileId.toLowerCase()) {
    reasons.push(`profile changed: ${meta.profile ?? meta.profileId} → ${params.profile}`);
  }
  if (params.mode === "csr") return reasons; // the CSR decides subject, names and key
  const wanted = params.attributes;
  const recorded = meta.attributes;
  const keyNow = recorded.keyAlgorithm ?? meta.keyAlgorithm;
  if (params.keyFile === undefined && wanted.keyAlgorithm !== undefined && keyNow !== undefined && wanted.keyAlgorithm !== keyNow) {
    reasons.push(`key algorithm changed: ${keyNow} → ${wanted.keyAlgorithm}`);
  }
  for (const [field, label] of SUBJECT_FIELDS) {
    if ((wanted[field] ?? "") !== (recorded[field] ?? "")) {
      reasons.push(`subject ${label} changed: ${show(recorded[field])} → ${show(wanted[field])}`);
    }
  }
  const present = certificateSans(certPem);
  for (const name of wanted.altNames ?? []) {
    if (!present.has(sanKey(name))) reasons.push(`SAN ${name.value} added`);
  }
  const wantedKeys = new Set((wanted.altNames ?? []).map(sanKey));
  for (const name of recorded.altNames ?? []) {
    if (!wantedKeys.has(sanKey(name)) && present.has(sanKey(name))) reasons.push(`SAN ${name.value} removed`);
  }
  for (const [field, label] of [["keyUsages", "key usage"], ["extendedKeyUsages", "extended key usage"]] as const) {
    const before = new Set(recorded[field] ?? []);
    const added = (wanted[field] ?? []).filter((u) => !before.has(u as never));
    if (added.length > 0) reasons.push(`${label} ${added.join(", ")} added`);
  }
  return reasons;
}

const SUBJECT_FIELDS: Array<[keyof Pick<CertificateAttributes, "commonName" | "organization" | "organizationalUnit" | "country" | "state" | "locality">, string]> = [
  ["commonName", "CN"], ["organization", "O"], ["organizationalUnit", "OU"], ["country", "C"], ["state", "ST"], ["locality", "L"],
];

function show(value: string | undefined): string {
  return value === undefined ? "(none)" : `'${value}'`;
}

function sanKey(name: AltName): string {
  return normalised(SAN_PREFIX[name.type], name.value);
}

/** One spelling per name: DNS and email case-folded, IPv6 written out in full as node prints it. */
function normalised(type: string, value: string): string {
  if (type === "DNS" || type === "email") return `${type}:${value.toLowerCase()}`;
  if (type === "IP Address" && value.includes(":")) return `${type}:${expandIpv6(value)}`;
  return `${type}:${value}`;
}

function expandIpv6(value: string): string {
  const [head = "", tail] = value.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...fill, ...right].map((group) => group.replace(/^0+(?=.)/, "")).join(":");
}

/** The certificate's SANs as node prints them ("DNS:a, IP Address:10.0.0.1"), normalised like sanKey. */
function certificateSans(pem: string): Set<string> {
  const text = new X509Certificate(pem).subjectAltName ?? "";
  const out = new Set<string>();
  for (const part of text.split(/,\s*/)) {
    const colon = part.indexOf(":");
    if (colon < 0) continue;
    out.add(normalised(part.slice(0, colon), part.slice(colon + 1)));
  }
  return out;
}

const FORMAT_LABEL = { p12: "PKCS#12", der: "DER leaf", combined: "combined PEM" } as const;

/** Where a password comes from, in words (a path or a variable's name: never the password). */
function passwordFrom(source: PasswordSource): string {
  return "file" in source ? source.file : "env" in source ? `$${source.env}` : "no password";
}

/**
 * What the entry's formats ask for that certctl.json does not record: a format added, removed or
 * moved, a password read from elsewhere, the p12's encryption or name. Empty when they match.
 */
export function formatReasons(entry: ApplyEntry, meta: CertctlMetadata): string[] {
  const reasons: string[] = [];
  const wanted = entry.params.formats ?? {};
  const recorded = meta.formats ?? {};
  const before = metadataPaths(entry.dir, meta);
  const shown = (path: string | undefined) => (path === undefined ? "?" : relative(entry.dir, path).startsWith("..") ? path : relative(entry.dir, path));
  for (const role of ["p12", "der", "combined"] as const) {
    const now = entry.params.files[role];
    if (wanted[role] !== undefined && recorded[role] === undefined) reasons.push(`${FORMAT_LABEL[role]} added (${shown(now)})`);
    else if (wanted[role] === undefined && recorded[role] !== undefined) reasons.push(`${FORMAT_LABEL[role]} removed (${shown(before[role])})`);
    else if (wanted[role] !== undefined && now !== before[role]) reasons.push(`${FORMAT_LABEL[role]} moved: ${shown(before[role])} → ${shown(now)}`);
  }
  if (wanted.p12 && recorded.p12) {
    if (passwordFrom(wanted.p12.password) !== passwordFrom(recorded.p12.password)) {
      reasons.push(`PKCS#12 password now from ${passwordFrom(wanted.p12.password)} (was ${passwordFrom(recorded.p12.password)})`);
    }
    if ((wanted.p12.legacy === true) !== (recorded.p12.legacy === true)) reasons.push(`PKCS#12 encryption changed: ${recorded.p12.legacy ? "legacy → modern" : "modern → legacy"}`);
    if (wanted.p12.friendlyName !== recorded.p12.friendlyName) reasons.push(`PKCS#12 friendly name changed: ${show(recorded.p12.friendlyName)} → ${show(wanted.p12.friendlyName)}`);
  }
  if (wanted.encryptedKey && !recorded.encryptedKey) reasons.push(`key.pem encrypted (password from ${passwordFrom(wanted.encryptedKey.password)})`);
  else if (!wanted.encryptedKey && recorded.encryptedKey) reasons.push("key.pem no longer encrypted");
  else if (wanted.encryptedKey && recorded.encryptedKey && passwordFrom(wanted.encryptedKey.password) !== passwordFrom(recorded.encryptedKey.password)) {
    reasons.push(`key.pem password now from ${passwordFrom(wanted.encryptedKey.password)} (was ${passwordFrom(recorded.encryptedKey.password)})`);
  }
  return reasons;
}
