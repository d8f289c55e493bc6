// What a certificate request is while certctl works on it: the one record kept for it (on disk
// under .certctl/pending/ while it waits, and carried into certctl.json once it is issued), the
// progress events every command shows, and the result once the set is on disk.
import type { KeyAlgorithm } from "../../model/types.js";
import type { FilePaths, WrittenFiles } from "../../store/layout.js";
import { metadataPaths, type IssueMode } from "../../store/metadata.js";
import type { PendingRecord } from "../../store/pending.js";

/**
 * The one record of a request: everything certctl.json will say, except what only the issued
 * certificate knows. With --csr the CSR's public key rides along; a renewal keeps its lineage.
 */
export type RequestRecord = PendingRecord;

export type IssueProgress =
  | { kind: "generating-key"; keyAlgorithm: KeyAlgorithm }
  | { kind: "requesting"; host: string }
  /** The request is not final yet; `waiting` says whether this run waits for it. */
  | { kind: "pending"; requestId: string; status: string; pendingMessage: string | null; waiting: boolean }
  | { kind: "writing"; mode: IssueMode };

export interface IssueResult {
  status: "issued";
  certificateId: string;
  certificateRequestId: string;
  serialNumber: string;
  subject: string;
  /** "DNS:example.com", "IP:192.0.2.1", … as in the certificate. */
  altNames: string[];
  notBefore: string;
  notAfter: string;
  mode: IssueMode;
  keyAlgorithm?: KeyAlgorithm;
  files: WrittenFiles;
  metadataFile: string;
  /** Set when the certificate starts later than now (beyond the clock-skew allowance). */
  notYetValidWarning?: string;
}

/** The absolute paths of the set a record describes. */
export function recordPaths(record: Pick<RequestRecord, "outDir" | "files">): FilePaths {
  return metadataPaths(record.outDir, record);
}

/**
 * The one form of a serial number certctl shows and records: the certificate's integer in
 * lowercase hex, whole bytes, no sign byte (what openssl prints). The server writes 40 digits,
 * with a leading 00 when the top bit is set; both name the same integer.
 */
export function canonicalSerial(hex: string): string {
  const digits = hex.trim().toLowerCase().replace(/^0x/, "").replace(/:/g, "");
  if (!/^[0-9a-f]+$/.test(digits)) return digits;
  const text = BigInt(`0x${digits}`).toString(16);
  return text.length % 2 === 0 ? text : `0${text}`;
}

/** Serial numbers compared as integers. */
export function sameSerial(a: string, b: string): boolean {
  return canonicalSerial(a) === canonicalSerial(b);
}
