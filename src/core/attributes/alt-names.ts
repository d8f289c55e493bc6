// Subject alternative names: syntax checks that match what a certificate can carry, and type
// detection for a SAN given without a type. Pure: no I/O, no flags.
import { isIP } from "node:net";
import type { AltName, AltNameType } from "../../model/types.js";
import { wireIp } from "../../model/ip.js";

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** A host name, optionally with one leading `*.` wildcard label; IDNs must be given in punycode (xn--). */
export function isDnsName(value: string): boolean {
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  const rest = labels[0] === "*" ? labels.slice(1) : labels;
  if (rest.length === 0 || (labels[0] === "*" && rest.length < 2)) return false;
  return rest.every((label) => DNS_LABEL.test(label)) && !/^\d+$/.test(rest[rest.length - 1] ?? "");
}

/** addr-spec with a dot-atom local part and a DNS domain: what a SAN rfc822Name holds in practice. */
export function isEmail(value: string): boolean {
  const at = value.lastIndexOf("@");
  if (at <= 0 || at > 64) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local) && isDnsName(domain) && !domain.includes("*");
}

/** An absolute URI: a scheme, then something; `spiffe://trust.domain/ns/x` and `urn:uuid:…` both qualify. */
export function isUri(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:[^\s]+$/i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** Which SAN type an untyped value is: IP, email, URI with a scheme, else a DNS name. */
export function detectSanType(value: string): AltNameType {
  if (isIP(stripBrackets(value)) !== 0) return "ip_address";
  if (value.includes("@") && !value.includes("://")) return "email";
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[^:]+:\d+$/.test(value)) return "uri";
  return "dns_name";
}

function stripBrackets(value: string): string {
  return value.startsWith("[") && value.endsWith("]") ? value.slice(1, -1) : value;
}

/** A checked SAN: the value to certify, or what is wrong with it in domain words. */
export type AltNameCheck = { name: AltName } | { problem: string };

/** Checks one SAN of a known type; the caller names the flag it came from. */
export function checkAltName(type: AltNameType, raw: string): AltNameCheck {
  const value = raw.trim();
  if (value === "") return { problem: "expected a non-empty value" };
  switch (type) {
    case "dns_name":
      if (!isDnsName(value)) {
        return { problem: "expected a DNS name such as www.example.com or *.example.com (letters, digits, hyphens; punycode for IDNs)" };
      }
      return { name: { type, value: value.toLowerCase().replace(/\.$/, "") } };
    case "ip_address": {
      const ip = stripBrackets(value);
      if (ip.includes("%")) {
        return { problem: "a zone index (the %… part) cannot go into a certificate; expected an address such as fe80::1 or 2001:db8::1" };
      }
      if (isIP(ip) === 0) return { problem: "expected an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::1" };
      return { name: { type, value: wireIp(ip) } };
    }
    case "email":
      if (!isEmail(value)) return { problem: "expected an email address such as ops@example.com" };
      return { name: { type, value } };
    case "uri":
      if (!isUri(value)) return { problem: "expected a URI with a scheme such as spiffe://example.org/web or https://example.com/" };
      // A certificate's URI is an IA5String: ASCII only (RFC 5280 4.2.1.6). Suggest the encoded form
      // rather than encoding silently, so the certificate says exactly what was typed.
      if (/[^\x20-\x7e]/.test(value)) {
        return { problem: `a certificate's URI must be ASCII; use the encoded form ${new URL(value).href}` };
      }
      return { name: { type, value } };
  }
}
