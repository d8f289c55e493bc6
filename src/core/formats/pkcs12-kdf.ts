// The PKCS#12 key derivation of RFC 7292 appendix B.2. Legacy PKCS#12 files derive their cipher
// keys and IVs with it (pbeWithSHAAnd3-KeyTripleDES-CBC), and every PKCS#12 MAC key comes from it
// (ID 3), whatever hash the MAC uses; node:crypto has no such function, so here it is.
import { hash as oneShotHash } from "node:crypto";

/** What a derived byte string is for (RFC 7292 B.3). */
export const PKCS12_KEY = 1;
export const PKCS12_IV = 2;
export const PKCS12_MAC = 3;

/** The hashes certctl derives with: output length u and block length v, in bytes. */
const HASHES = { sha1: { u: 20, v: 64 }, sha256: { u: 32, v: 64 }, sha384: { u: 48, v: 128 }, sha512: { u: 64, v: 128 } } as const;
export type Pkcs12Hash = keyof typeof HASHES;

/** A password as PKCS#12 hashes it: BMPString (UTF-16 big-endian) with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

/** `length` bytes of key material for purpose `id`, from a BMP-encoded password (bmpPassword). */
export function pkcs12Kdf(hash: Pkcs12Hash, id: number, password: Buffer, salt: Buffer, iterations: number, length: number): Buffer {
  const { u, v } = HASHES[hash];
  const fill = (source: Buffer): Buffer => {
    const size = v * Math.ceil(source.length / v);
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = source[i % source.length]!;
    return out;
  };
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([fill(salt), password.length > 0 ? fill(password) : Buffer.alloc(0)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    // crypto.hash (one shot) is about twice as fast as createHash() here: the loop is all overhead.
    let a = oneShotHash(hash, Buffer.concat([diversifier, input]), "buffer");
    for (let r = 1; r < iterations; r++) a = oneShotHash(hash, a, "buffer");
    blocks.push(a);
    if (produced + u >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
    const b = fill(a).subarray(0, v);
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = input[j + k]! + b[k]! + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}
