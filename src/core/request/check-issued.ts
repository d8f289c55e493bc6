// Before a certificate is installed: is it valid now, and does it carry what was asked for? A CA
// may add names and re-order the subject's RDNs (a real server puts O before CN), but must never
// drop a requested name; an expired or not-yet-valid certificate would break the service while
// cron reports success. A refusal is exit 4 and leaves the previous set in place.
import type { X509Certificate } from "node:crypto";
import type { CertificateAttributes } from "../../model/types.js";
import { RefusedError } from "../../model/errors.js";
import { altNamesOf, validity } from "../crypto/verify.js";

/** Clocks disagree a little; more than this is not skew. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const SUBJECT_KEYS: Array<[keyof CertificateAttributes, string]> = [
  ["commonName", "CN"], ["organization", "O"], ["organizationalUnit", "OU"], ["country", "C"], ["state", "ST"], ["locality", "L"],
];

const SAN_PREFIX: Record<string, string> = { dns_name: "DNS", ip_address: "IP", email: "email", uri: "URI" };

function sanKey(text: string): string {
  const colon = text.indexOf(":");
  const label = text.slice(0, colon);
  let value = text.slice(colon + 1);
  if (label === "IP" && value.includes(":")) value = new URL(`http://[${value}]`).hostname.slice(1, -1);
  return `${label}:${label === "DNS" || label === "email" ? value.toLowerCase() : value}`;
}

/** "CN=a\nO=b" (node's form) → [["CN","a"],["O","b"]], values as they were asked for. */
function subjectPairs(subject: string | undefined): Array<[string, string]> {
  return (subject ?? "").split("\n").filter(Boolean).map((line) => {
    const eq = line.indexOf("=");
    return [line.slice(0, eq), unescapeValue(line.slice(eq + 1))];
  });
}

/**
 * node:crypto prints a name's values with RFC 2253's escapes (`O=Example\, Inc.`, `\#` at the
 * start, `\ ` at the end, control characters as `\0A`): undone, so `--org "Example, Inc."` finds
 * its organisation. Hex pairs are UTF-8 bytes.
 */
export function unescapeValue(value: string): string {
  if (!value.includes("\\")) return value;
  const bytes: number[] = [];
  const chars = [...value];
  for (let i = 0; i < chars.length; i++) {
    const hex = (chars[i + 1] ?? "") + (chars[i + 2] ?? "");
    if (chars[i] === "\\" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
      continue;
    }
    if (chars[i] === "\\" && i + 1 < chars.length) i += 1; // an escaped character stands for itself
    bytes.push(...Buffer.from(chars[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** What was asked for and is missing from the certificate, one line each. */
export function missingNames(leaf: X509Certificate, attributes: CertificateAttributes): string[] {
  const missing: string[] = [];
  const pairs = subjectPairs(leaf.subject);
  for (const [field, key] of SUBJECT_KEYS) {
    const wanted = attributes[field];
    if (typeof wanted !== "string") continue;
    if (!pairs.some(([k, v]) => k === key && v === wanted)) missing.push(`subject ${key}=${wanted}`);
  }
  const present = new Set(altNamesOf(leaf).map(sanKey));
  for (const name of attributes.altNames ?? []) {
    const text = `${SAN_PREFIX[name.type] ?? name.type}:${name.value}`;
    if (!present.has(sanKey(text))) missing.push(`SAN ${text}`);
  }
  return missing;
}

/**
 * Throws RefusedError (exit 4) when the certificate is expired, not valid yet beyond the skew
 * (unless a later start was asked for), or lacks a requested name. Returns a warning for a start
 * in the future that was asked for.
 */
export function checkIssuedCertificate(leaf: X509Certificate, attributes: CertificateAttributes, now: Date, certificateId: string): string | undefined {
  const { notBefore, notAfter } = validity(leaf);
  const problem = (what: string, lines: string[] = []) =>
    new RefusedError(`the server issued certificate ${certificateId}, but ${what}; it was not installed and the previous files are kept`, { lines });
  if (notAfter.getTime() <= now.getTime() + CLOCK_SKEW_MS) {
    throw problem(`it is already expired (not after ${notAfter.toISOString()}, now ${now.toISOString()})`);
  }
  let warning: string | undefined;
  if (notBefore.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    const asked = attributes.notBefore !== undefined && Date.parse(attributes.notBefore) > now.getTime();
    if (!asked) throw problem(`it is not valid yet (not before ${notBefore.toISOString()}, now ${now.toISOString()}): check the server's clock`);
    warning = `certificate ${certificateId} is not valid before ${notBefore.toISOString()} (the notBefore asked for)`;
  }
  const missing = missingNames(leaf, attributes);
  if (missing.length > 0) throw problem("it lacks what was asked for", missing.map((line) => `missing: ${line}`));
  return warning;
}
