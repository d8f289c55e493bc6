// The state of one certificate directory, from local files only (no request, no x509 library):
// what `list` shows, what `check` judges, what the metrics file exports. One reading of a
// directory for all three, so they never disagree.
import type { CertificateView } from "../crypto/cert-view.js";
import { basename } from "node:path";
import type { AltName } from "../../model/types.js";
import { readLastFailure, type LastFailure } from "../../store/failure.js";
import { readMetadata, type CertctlMetadata } from "../../store/metadata.js";
import { listPending, readPending, type PendingRecord } from "../../store/pending.js";
import { oneLine } from "../crypto/verify.js";
import { canonicalSerial } from "../request/record.js";
import { decideDue, type RenewBefore } from "../renew/due.js";
import { checkIntegrity } from "./integrity.js";

export const CERT_STATES = ["ok", "due", "pending", "revoked", "expired", "broken"] as const;
export type CertState = (typeof CERT_STATES)[number];

export interface DirectoryState {
  /** The directory as the user named it (or as discovery expanded it). */
  input: string;
  dir: string;
  /** The directory's own name: what a declarative file's entry is called, a metric's `name` label. */
  name: string;
  state: CertState;
  /** Why it is broken, or the revocation reason, in words. */
  reason?: string;
  /** "CN=www.example.com, O=Example" as in the certificate (or as requested, while pending). */
  subject?: string;
  /** "DNS:www.example.com", "IP:192.0.2.1", … */
  altNames?: string[];
  serialNumber?: string;
  certificateId?: string;
  notBefore?: string;
  notAfter?: string;
  /** Seconds until notAfter (negative once expired). */
  secondsLeft?: number;
  /** When renew will consider it due under the renew-before rule in effect. */
  dueAt?: string;
  /** The profile as the user gave it (slug or id). */
  profile?: string;
  /** The instance URL the certificate came from (certctl.json's API root without /api). */
  server?: string;
  /** The outstanding request (`.certctl/pending/`), newest first; set whatever the state. */
  pendingRequestId?: string;
  pendingSince?: string;
  revokedAt?: string;
  /** renewedAt, else issuedAt. */
  lastRenewal?: string;
  lastFailure?: LastFailure;
  /** Set when the key could not be compared with the certificate (unreadable to this user, encrypted). */
  keyUnchecked?: string;
}

/**
 * Read one directory and decide its state. Never throws for a problem with the directory: that
 * is the `broken` state, with the reason.
 */
export async function directoryState(dir: string, now: Date, renewBefore: RenewBefore, input = dir): Promise<DirectoryState> {
  const base: DirectoryState = { input, dir, name: basename(dir), state: "ok" };
  const [lastFailure, pending] = await Promise.all([readLastFailure(dir), newestPending(dir)]);
  if (lastFailure) base.lastFailure = lastFailure;
  if (pending) {
    base.pendingRequestId = pending.certificateRequestId;
    base.pendingSince = pending.createdAt;
  }
  let meta: CertctlMetadata | undefined;
  try {
    meta = await readMetadata(dir);
  } catch (error) {
    return { ...base, state: "broken", reason: error instanceof Error ? error.message : String(error) };
  }
  if (!meta) {
    // issue --no-wait into a new directory: only the pending record says what is coming.
    if (pending) return { ...base, state: "pending", ...requested(pending) };
    return { ...base, state: "broken", reason: `no certctl.json in ${dir}` };
  }
  const state: DirectoryState = { ...base, ...recorded(meta) };
  const integrity = await checkIntegrity(dir, meta);
  if (integrity.keyUnchecked !== undefined) state.keyUnchecked = integrity.keyUnchecked;
  let due = false;
  if (integrity.cert) {
    const read = fromCertificate(integrity.cert, now, renewBefore);
    Object.assign(state, read.fields);
    due = read.due;
  }
  if (integrity.problem !== undefined) return { ...state, state: "broken", reason: integrity.problem };

  // Revoked and expired outrank a pending request: a renewal on its way does not make the
  // certificate being served any less dead.
  if (meta.revokedAt !== undefined) {
    state.state = "revoked";
    state.revokedAt = meta.revokedAt;
    if (meta.revocationReason !== undefined) state.reason = meta.revocationReason;
  } else if ((state.secondsLeft ?? 0) <= 0) state.state = "expired";
  else if (pending) state.state = "pending";
  else if (due) state.state = "due";
  return state;
}

/** What certctl.json says, before the certificate is read. */
function recorded(meta: CertctlMetadata): Partial<DirectoryState> {
  return {
    certificateId: meta.certificateId,
    serialNumber: canonicalSerial(meta.serialNumber),
    profile: meta.profile ?? meta.profileId,
    server: serverUrl(meta.domain),
    lastRenewal: meta.renewedAt ?? meta.issuedAt,
    ...(meta.notAfter ? { notAfter: meta.notAfter } : {}),
  };
}

/** The dates and names of the certificate on disk: the truth, as renew reads it. */
function fromCertificate(cert: CertificateView, now: Date, renewBefore: RenewBefore): { fields: Partial<DirectoryState>; due: boolean } {
  const validity = { notBefore: cert.notBefore, notAfter: cert.notAfter };
  const decision = decideDue(validity, now, renewBefore);
  const found: Partial<DirectoryState> = {
    notBefore: validity.notBefore.toISOString(),
    notAfter: validity.notAfter.toISOString(),
    secondsLeft: Math.floor(decision.remainingMs / 1000),
    dueAt: decision.dueAt.toISOString(),
    serialNumber: canonicalSerial(cert.serialNumber),
    altNames: splitAltNames(cert.subjectAltName),
  };
  // node:crypto has no subject at all for an empty one (SAN-only certificates, the modern default).
  const subject = oneLine(cert.subject);
  if (subject !== "") found.subject = subject;
  return { fields: found, due: decision.due };
}

/** A pending request's subject and SANs as asked for. */
function requested(record: PendingRecord): Partial<DirectoryState> {
  const found: Partial<DirectoryState> = { profile: record.profile ?? record.profileId, server: serverUrl(record.domain) };
  if (record.attributes.commonName !== undefined) found.subject = `CN=${record.attributes.commonName}`;
  const names = (record.attributes.altNames ?? []) as AltName[];
  found.altNames = names.map((n) => `${ALT_PREFIX[n.type] ?? n.type}:${n.value}`);
  return found;
}

const ALT_PREFIX: Record<string, string> = { dns_name: "DNS", ip_address: "IP", email: "email", uri: "URI" };

/** node's "DNS:a, IP Address:192.0.2.1" → ["DNS:a", "IP:192.0.2.1"]. */
function splitAltNames(text: string | undefined): string[] {
  if (text === undefined || text === "") return [];
  return text.split(", ").map((part) => part.replace(/^IP Address:/, "IP:"));
}

function serverUrl(domain: string): string {
  return domain.replace(/\/api\/?$/, "");
}

/** The newest outstanding request; a record that does not read is skipped (renew discards it). */
async function newestPending(dir: string): Promise<PendingRecord | undefined> {
  const ids = await listPending(dir);
  if (ids.length === 0) return undefined;
  const records = await Promise.all(ids.map((id) => readPending(dir, id).then((found) => found?.record, () => undefined)));
  return records
    .filter((r): r is PendingRecord => r !== undefined && typeof r.certificateRequestId === "string")
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
}
