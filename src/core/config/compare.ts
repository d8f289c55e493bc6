// What an entry asks for that the certificate on disk does not give: the reasons for `replace`.
// The entry is compared with certctl.json's recorded request and with the certificate itself
// (its SANs), so a certificate edited by hand or a profile that added names is judged by what it is.
import { X509Certificate } from "node:crypto";
import type { AltName, CertificateAttributes } from "../../model/types.js";
import type { CertctlMetadata } from "../../store/metadata.js";
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
