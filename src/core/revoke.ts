// Revocation: the certificate comes from a directory's certctl.json or straight from an id,
// and the reason is one of the server's enum values, however the user spelt it.
import type { InfisicalApi } from "../api/infisical.js";
import { REVOCATION_REASONS, friendlyReason, type RevocationReason } from "../model/types.js";
import { FileError, invalidFlag } from "../model/errors.js";
import { readMetadata, type CertctlMetadata } from "../store/metadata.js";

export type RevokeTarget = { kind: "dir"; dir: string } | { kind: "id"; certificateId: string };

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
  certificateId: string;
  serialNumber: string;
  revokedAt: string;
  reason: RevocationReason;
  message: string;
  dir?: string;
}

/** `key-compromise`, `Key_Compromise`, `KEY_COMPROMISE`, `aa-compromise` → the server's enum value. */
export function parseRevocationReason(value: string, flag = "--reason"): RevocationReason {
  const squash = (text: string) => text.toUpperCase().replace(/[^A-Z]/g, "");
  const wanted = squash(value);
  const found = wanted === "" ? undefined : REVOCATION_REASONS.find((reason) => squash(reason) === wanted);
  if (!found) {
    throw invalidFlag(flag, value, `options are ${REVOCATION_REASONS.map(friendlyReason).join(", ")} (or the same in UPPER_SNAKE_CASE)`);
  }
  return found;
}

/** Everything known before a request: the id to revoke and what it is. */
export async function planRevocation(target: RevokeTarget): Promise<RevokePlan> {
  if (target.kind === "id") return { certificateId: target.certificateId };
  const meta: CertctlMetadata | undefined = await readMetadata(target.dir);
  if (!meta) {
    throw new FileError(`${target.dir} holds no certctl.json; nothing to revoke there`, {
      hint: "Pass the directory certctl issue wrote to, or --certificate-id <id>.",
    });
  }
  const plan: RevokePlan = { certificateId: meta.certificateId, serialNumber: meta.serialNumber, domain: meta.domain, dir: target.dir };
  if (meta.attributes.commonName !== undefined) plan.commonName = meta.attributes.commonName;
  return plan;
}

export async function revokeCertificate(api: Pick<InfisicalApi, "revokeCertificate">, plan: RevokePlan, reason: RevocationReason): Promise<RevokeResult> {
  const answer = await api.revokeCertificate(plan.certificateId, reason);
  const result: RevokeResult = {
    certificateId: plan.certificateId,
    serialNumber: answer.serialNumber,
    revokedAt: answer.revokedAt,
    reason,
    message: answer.message,
  };
  if (plan.dir !== undefined) result.dir = plan.dir;
  return result;
}
