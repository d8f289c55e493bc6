// Revocation: the certificate comes from a directory's certctl.json or straight from an id,
// and the reason is one of the server's enum values, however the user spelt it.
import type { InfisicalApi } from "../api/infisical.js";
import { REVOCATION_REASONS, type RevocationReason } from "../model/types.js";
import { FileError } from "../model/errors.js";
import { readMetadata, writeMetadata, type CertctlMetadata } from "../store/metadata.js";
import { checkDirectoryTrust } from "../store/trust.js";
import { canonicalSerial } from "./request/record.js";

export type RevokeTarget = { kind: "dir"; dir: string; trustSharedDir?: boolean } | { kind: "id"; certificateId: string };

export interface RevokeParams {
  target: RevokeTarget;
  reason: RevocationReason;
}

export interface RevokePlan {
  certificateId: string;
  /** The serial recorded in certctl.json, for the confirmation prompt (unknown for a bare id). */
  serialNumber?: string;
  commonName?: string;
  /** The API root recorded in certctl.json, used when neither --domain nor the environment names one. */
  domain?: string;
  dir?: string;
}

export interface RevokeResult {
  /** `already-revoked`: the server had it revoked before this run (nothing was sent to revoke it). */
  status: "revoked" | "already-revoked";
  certificateId: string;
  serialNumber: string;
  revokedAt: string;
  reason: RevocationReason;
  message: string;
  dir?: string;
}

/** `key-compromise`, `Key_Compromise`, `KEY_COMPROMISE`, `aa-compromise` → the server's enum value, or undefined. */
export function revocationReasonNamed(value: string): RevocationReason | undefined {
  const squash = (text: string) => text.toUpperCase().replace(/[^A-Z]/g, "");
  const wanted = squash(value);
  return wanted === "" ? undefined : REVOCATION_REASONS.find((reason) => squash(reason) === wanted);
}

/** Everything known before a request: the id to revoke and what it is. */
export async function planRevocation(target: RevokeTarget): Promise<RevokePlan> {
  if (target.kind === "id") return { certificateId: target.certificateId };
  // The recorded domain receives the credentials: only from a directory no one else can write.
  await checkDirectoryTrust(target.dir, { trustSharedDir: target.trustSharedDir === true });
  const meta: CertctlMetadata | undefined = await readMetadata(target.dir);
  if (!meta) {
    throw new FileError(`${target.dir} holds no certctl.json; nothing to revoke there`, {
      hint: "Pass the directory certctl issue wrote to, or revoke by the certificate id instead.",
    });
  }
  const plan: RevokePlan = { certificateId: meta.certificateId, serialNumber: meta.serialNumber, domain: meta.domain, dir: target.dir };
  if (meta.attributes.commonName !== undefined) plan.commonName = meta.attributes.commonName;
  return plan;
}

/**
 * Check the certificate's status first (a real server answers a second revocation with a bare
 * 500), revoke it when it is still active, and record the revocation in certctl.json so that
 * `renew` replaces the certificate.
 */
export async function revokeCertificate(api: Pick<InfisicalApi, "revokeCertificate" | "getMetadata">, plan: RevokePlan, reason: RevocationReason): Promise<RevokeResult> {
  const current = (await api.getMetadata(plan.certificateId)).certificate;
  let result: RevokeResult;
  if (current.status === "revoked") {
    const revokedAt = typeof current.revokedAt === "string" ? current.revokedAt : "";
    const said = typeof current.revocationReason === "string" && (REVOCATION_REASONS as readonly string[]).includes(current.revocationReason)
      ? (current.revocationReason as RevocationReason) : reason;
    result = { status: "already-revoked", certificateId: plan.certificateId, serialNumber: canonicalSerial(current.serialNumber), revokedAt, reason: said, message: "already revoked" };
  } else {
    const answer = await api.revokeCertificate(plan.certificateId, reason);
    result = {
      status: "revoked", certificateId: plan.certificateId, serialNumber: canonicalSerial(answer.serialNumber || current.serialNumber),
      revokedAt: answer.revokedAt, reason, message: answer.message,
    };
  }
  if (plan.dir !== undefined) {
    result.dir = plan.dir;
    await recordRevocation(plan.dir, plan.certificateId, result);
  }
  return result;
}

/** Only when certctl.json still names the revoked certificate (a renewal may have replaced it meanwhile). */
async function recordRevocation(dir: string, certificateId: string, result: RevokeResult): Promise<void> {
  const meta = await readMetadata(dir);
  if (!meta || meta.certificateId !== certificateId || meta.revokedAt !== undefined) return;
  await writeMetadata(dir, { ...meta, revokedAt: result.revokedAt || new Date().toISOString(), revocationReason: result.reason });
}
