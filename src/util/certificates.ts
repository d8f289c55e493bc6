// Parsed certificates, shared by everything that reads them. A fleet run meets the same issuing
// chain once per directory and each leaf several times (planning, verifying, splitting off the
// root); node's X509Certificate parse costs ~0.35 ms, and a 40-directory renewal parsed ~260
// times. A parsed certificate is immutable, so one text gives one object; the cache is bounded
// because an agent runs for months.
import { X509Certificate } from "node:crypto";

const CAPACITY = 256;
const parsed = new Map<string, X509Certificate>();
/** Links whose signature already verified: child → the parents that signed it. */
const verified = new WeakMap<X509Certificate, WeakSet<X509Certificate>>();

/** The certificate in a PEM block (or DER), parsed once. Throws like `new X509Certificate`. */
export function parseCertificate(source: string | Buffer): X509Certificate {
  if (typeof source !== "string") return new X509Certificate(source);
  const known = parsed.get(source);
  if (known) return known;
  const cert = new X509Certificate(source);
  if (parsed.size >= CAPACITY) parsed.delete(parsed.keys().next().value as string);
  parsed.set(source, cert);
  return cert;
}

/** Whether `parent`'s key verifies `child`'s signature; a link that verified once is not checked again. */
export function signedBy(child: X509Certificate, parent: X509Certificate): boolean {
  if (verified.get(child)?.has(parent)) return true;
  let ok: boolean;
  try {
    ok = child.verify(parent.publicKey);
  } catch {
    ok = false;
  }
  if (ok) {
    const parents = verified.get(child) ?? new WeakSet<X509Certificate>();
    parents.add(parent);
    verified.set(child, parents);
  }
  return ok;
}
