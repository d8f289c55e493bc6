// IP addresses in SANs, in two written forms. Both come from the address's 16 (or 4) bytes, so
// any spelling a user types (upper case, zeros, a dotted IPv4 tail) gives the same text.
import { isIP } from "node:net";

/**
 * The form certctl records and sends: RFC 5952 compression with an IPv4 tail written as hex
 * (::ffff:c000:201, not ::ffff:192.0.2.1). The x509 libraries (certctl's CSR builder, and the
 * server's, which uses the same one) read a dotted tail as one hex group and would put the wrong
 * address into the certificate.
 */
export function wireIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

/**
 * The form a person reads: RFC 5952 (lowercase, the longest zero run compressed) with an
 * IPv4-mapped address's tail dotted, as section 5 recommends (::ffff:10.0.0.1). OpenSSL's
 * expanded "0:0:0:0:0:FFFF:A00:1" reads the same way here.
 */
export function displayIp(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const groups = ipv6Groups(ip);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return wireIp(ip);
}

/** Two spellings of one address compare equal (2001:DB8::1 and 2001:db8:0:0:0:0:0:1). */
export function sameIp(a: string, b: string): boolean {
  return isIP(a) !== 0 && isIP(a) === isIP(b) && wireIp(a) === wireIp(b);
}

/** The eight 16-bit groups of an IPv6 address (the URL parser expands it and hexes a dotted tail). */
export function ipv6Groups(ip: string): number[] {
  const text = wireIp(ip);
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
