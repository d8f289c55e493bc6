// When is a certificate due for renewal? The certificate on disk is the source of truth for
// the dates (certctl.json could be stale or edited); the clock is injected so the rule can be
// tested on fixed dates.
import { parseCertificate } from "../../util/certificates.js";
import { defaultRenewalMargin } from "../../model/renewal.js";
import { canonicalSerial } from "../request/record.js";
import { certificateFields } from "../crypto/der.js";
import { pemBlocks } from "../../util/pem.js";

const DAY = 86_400_000;

/** The renewal margin rule: the default one, a fixed time before expiry, or a fraction of the lifetime. */
export type RenewBefore =
  | { kind: "default" }
  | { kind: "duration"; ms: number }
  | { kind: "fraction"; fraction: number };

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

export interface DueDecision {
  due: boolean;
  lifetimeMs: number;
  /** Time left until notAfter; negative once expired. */
  remainingMs: number;
  /** Renewal starts when less than this is left. */
  marginMs: number;
  /** The moment the certificate becomes due (notAfter − margin). */
  dueAt: Date;
  expired: boolean;
}

export function renewalMargin(lifetimeMs: number, rule: RenewBefore): number {
  switch (rule.kind) {
    case "duration":
      return rule.ms;
    case "fraction":
      return lifetimeMs * rule.fraction;
    case "default":
      // The one rule inspect colours "expiring" by (model/renewal.ts), so the two never disagree.
      return defaultRenewalMargin(lifetimeMs);
  }
}

/** Due when strictly less than the margin is left (an expired certificate is always due). */
export function decideDue(validity: Validity, now: Date, rule: RenewBefore): DueDecision {
  const lifetimeMs = validity.notAfter.getTime() - validity.notBefore.getTime();
  const remainingMs = validity.notAfter.getTime() - now.getTime();
  const marginMs = renewalMargin(lifetimeMs, rule);
  return {
    due: remainingMs < marginMs || remainingMs <= 0,
    lifetimeMs,
    remainingMs,
    marginMs,
    dueAt: new Date(validity.notAfter.getTime() - marginMs),
    expired: remainingMs <= 0,
  };
}

/** notBefore/notAfter and serial of the first certificate in a PEM (read from its DER; node:crypto when that fails). */
export type CertificateValidity = Validity & { serialNumber: string };

export function certificateValidity(pem: string): CertificateValidity {
  const block = pemBlocks(pem).find((b) => b.label === "CERTIFICATE");
  if (block !== undefined) {
    try {
      const fields = certificateFields(Buffer.from(block.base64, "base64"));
      return { notBefore: fields.notBefore, notAfter: fields.notAfter, serialNumber: canonicalSerial(fields.serialHex) };
    } catch {
      // read the full way below, which says what is wrong
    }
  }
  const cert = parseCertificate(pem);
  return {
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    serialNumber: canonicalSerial(cert.serialNumber),
  };
}

/** Whole days, rounded down, for "25 days left" lines. */
export function wholeDays(ms: number): number {
  return Math.floor(ms / DAY);
}
