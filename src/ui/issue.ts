// How an issued set, a pending request and a status report read: a short human summary on
// stdout, or one JSON document.
import type { ChalkInstance } from "chalk";
import type { CertificateRequestStatus } from "../model/types.js";
import type { IssueResult } from "../core/request/record.js";
import type { StatusReport } from "../core/request/status.js";
import { escapeControlsOneLine } from "../util/terminal.js";
import { humanDate } from "../model/date.js";
import { timeLeft } from "./time-left.js";

export function issueSummary(result: IssueResult, style: ChalkInstance, now = Date.now()): string[] {
  // Subject and SANs are the CA's choice, not certctl's: escaped like any server text.
  const subject = escapeControlsOneLine(result.subject);
  const altNames = result.altNames.map(escapeControlsOneLine);
  const rows: Array<[string, string]> = [
    ["subject", subject || "(empty)"],
    ["SANs", altNames.length ? altNames.join(", ") : "(none)"],
    ["serial", result.serialNumber],
    ["not after", `${humanDate(result.notAfter)} (${timeLeft(result.notAfter, now)})`],
    ["certificate", result.certificateId],
    ["request", result.certificateRequestId],
    ["cert", result.files.cert],
    ["chain", result.files.chain],
    ["fullchain", result.files.fullchain],
  ];
  // The self-signed root, for clients to trust (absent with --remove-roots-from-chain).
  if (result.files.ca) rows.push(["ca", result.files.ca]);
  if (result.files.key) rows.push(["key", `${result.files.key} (0600)`]);
  // The optional formats (--p12, --der, --combined-file), when asked for.
  for (const role of ["p12", "der", "combined"] as const) if (result.files[role]) rows.push([role, result.files[role]]);
  rows.push(["metadata", result.metadataFile]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [style.green(`Issued ${subject ? firstCn(subject) : altNames[0] ?? "certificate"}`),
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ...(result.notYetValidWarning ? [style.yellow(`  warning: ${result.notYetValidWarning}`)] : [])];
}

function firstCn(subject: string): string {
  return /CN=([^,]+)/.exec(subject)?.[1] ?? subject;
}

export interface IssueJson {
  status: string;
  certificateId: string | null;
  certificateRequestId: string;
  serialNumber: string | null;
  notAfter: string | null;
  files: { cert: string | null; chain: string | null; fullchain: string | null; ca?: string; key: string | null; p12?: string; der?: string; combined?: string };
}

export function issueJson(result: IssueResult): IssueJson {
  return {
    status: result.status,
    certificateId: result.certificateId,
    certificateRequestId: result.certificateRequestId,
    serialNumber: result.serialNumber,
    notAfter: result.notAfter,
    files: {
      cert: result.files.cert, chain: result.files.chain, fullchain: result.files.fullchain,
      ...(result.files.ca ? { ca: result.files.ca } : {}), key: result.files.key ?? null,
      ...(result.files.p12 ? { p12: result.files.p12 } : {}), ...(result.files.der ? { der: result.files.der } : {}),
      ...(result.files.combined ? { combined: result.files.combined } : {}),
    },
  };
}

/** `certctl status`: the same document as issue, with `written` saying whether files were written. */
export function statusJson(report: StatusReport): IssueJson & { written: boolean; note?: string } {
  if (report.kind === "written") return { ...issueJson(report.result), written: true };
  if (report.kind === "pending") return { ...requestJson(report.requestId, report.request), written: false };
  return {
    ...requestJson(report.requestId, report.request),
    written: false,
    note: "no pending record for this request in --out-dir; nothing was written",
  };
}

function requestJson(requestId: string, request: CertificateRequestStatus): IssueJson {
  return {
    status: request.status,
    certificateId: request.certificateId,
    certificateRequestId: requestId,
    serialNumber: request.serialNumber,
    notAfter: null,
    files: { cert: null, chain: null, fullchain: null, key: null },
  };
}

export function statusSummary(report: StatusReport, style: ChalkInstance, outDir: string): string[] {
  if (report.kind === "written") return issueSummary(report.result, style);
  const { request } = report;
  if (report.kind === "pending") {
    return [
      style.yellow(`Request ${report.requestId} is ${request.status}`),
      ...(request.pendingMessage ? [`  ${request.pendingMessage}`] : []),
      `  Wait for it with: certctl status ${report.requestId} --out-dir ${outDir} --wait`,
    ];
  }
  return [
    style.green(`Request ${report.requestId} is ${request.status}`),
    `  certificate  ${request.certificateId ?? "-"}`,
    `  serial       ${request.serialNumber ?? "-"}`,
    `  No pending record for this request in ${outDir}, so nothing was written.`,
    "  (certctl status writes files only for a request that certctl issue left pending in that directory.)",
  ];
}
