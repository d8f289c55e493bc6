// PEM (RFC 7468) in one place: finding complete blocks, counting BEGIN lines (a truncated block has
// one without its END), encoding DER, and spotting private keys. No knowledge of what a block
// means: callers decide which labels they accept, and never print a block's body.

export interface PemBlock {
  /** Position among the complete blocks, from 0. */
  index: number;
  /** "CERTIFICATE", "CERTIFICATE REQUEST", "PRIVATE KEY", … */
  label: string;
  /** The body with RFC 7468 headers (Proc-Type: …) and all whitespace removed. */
  base64: string;
  /** The block as it stands in the text, BEGIN to END lines included. */
  text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 #-]+)-----([\s\S]*?)-----END \1-----/g;

/** Every complete block, in order. */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((match, index) => ({
    index,
    label: match[1]!,
    base64: match[2]!.replace(/^[^\n]*:[^\n]*$/gm, "").replace(/\s+/g, ""),
    text: match[0],
  }));
}

/** BEGIN lines, complete or not: more than pemBlocks() found means a truncated or stray block. */
export function countBeginLines(text: string): number {
  return (text.match(/-----BEGIN /g) ?? []).length;
}

/** 64-character lines, no trailing newline (as @peculiar/x509 writes it). */
export function pemEncode(der: Uint8Array, label: string): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].join("\n");
}

/** A private key block in any of its forms (PKCS#8, SEC1, PKCS#1, encrypted), complete or cut short. */
export const PRIVATE_KEY_PEM = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

/** True when the text holds the BEGIN line of a private key (PRIVATE KEY, EC/RSA/ENCRYPTED PRIVATE KEY). */
export function hasPrivateKeyPem(text: string): boolean {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);
}
