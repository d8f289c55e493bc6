// What `certctl list` shows: one aligned row per directory (the state coloured), with an indented
// line under a row for what the row cannot hold — a pending request's id, why a set is broken, the
// last failed renewal. --json: one array of the state documents.
import type { ChalkInstance } from "chalk";
import type { CertState, DirectoryState } from "../core/fleet/state.js";
import { humanDate } from "../model/date.js";
import { friendlyReason, type RevocationReason } from "../model/types.js";
import { humanDuration } from "./time-left.js";

/** One directory's state as JSON: the state document without the argument it was found through. */
export function stateDocument(state: DirectoryState): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const key of DOCUMENT_ORDER) if (state[key] !== undefined) doc[key] = state[key];
  return doc;
}

/** The fields of a state document, in reading order (the argument it was found through is left out). */
const DOCUMENT_ORDER: ReadonlyArray<Exclude<keyof DirectoryState, "input">> = [
  "dir", "name", "state", "reason", "subject", "altNames", "notBefore", "notAfter", "secondsLeft", "dueAt",
  "serialNumber", "certificateId", "profile", "server", "pendingRequestId", "pendingSince", "revokedAt",
  "lastRenewal", "lastFailure", "keyUnchecked",
];

export function stateColour(style: ChalkInstance, state: CertState): (text: string) => string {
  switch (state) {
    case "ok": return style.green;
    case "due": case "pending": return style.yellow;
    default: return style.red;
  }
}

/** "29 days", "expired 2 hours ago", or "-" when no certificate could be read. */
export function leftText(state: DirectoryState): string {
  if (state.secondsLeft === undefined) return "-";
  return state.secondsLeft > 0 ? humanDuration(state.secondsLeft) : `expired ${humanDuration(-state.secondsLeft)} ago`;
}

/** "CN=www.example.com; DNS:www.example.com, DNS:example.com" */
export function namesText(state: DirectoryState): string {
  const parts = [state.subject, (state.altNames ?? []).join(", ")].filter((p): p is string => p !== undefined && p !== "");
  return parts.length > 0 ? parts.join("; ") : "-";
}

/** What a row cannot hold, one line each. */
export function detailLines(state: DirectoryState): string[] {
  const lines: string[] = [];
  if (state.state === "broken" && state.reason) lines.push(`broken: ${state.reason}`);
  if (state.state === "revoked") lines.push(`revoked ${humanDate(state.revokedAt ?? "")}${state.reason ? ` (${friendlyReason(state.reason as RevocationReason)})` : ""}`);
  if (state.pendingRequestId) {
    // A first issue has no certctl.json yet, so only status can finish it; a renewal is resumed by renew.
    const resume = state.certificateId === undefined ? `certctl status ${state.pendingRequestId} --out-dir ${state.input}` : `certctl renew ${state.input}`;
    lines.push(`request ${state.pendingRequestId} pending since ${humanDate(state.pendingSince ?? "")}; ${resume} resumes it`);
  }
  if (state.lastFailure) {
    lines.push(`last failure ${humanDate(state.lastFailure.time)} (exit ${state.lastFailure.exitCode}): ${state.lastFailure.message}`);
  }
  return lines;
}

const HEADERS = ["NAME", "STATE", "LEFT", "NOT AFTER", "PROFILE", "SERVER", "SUBJECT / SANS"] as const;

export function listTable(states: readonly DirectoryState[], style: ChalkInstance): string[] {
  if (states.length === 0) return [];
  const rows = states.map((s) => [
    s.name, s.state, leftText(s), s.notAfter ? humanDate(s.notAfter) : "-", s.profile ?? "-", s.server ?? "-", namesText(s),
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[], colour: (column: number, text: string) => string) =>
    cells.map((cell, column) => colour(column, column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ").trimEnd();
  const out = [line(HEADERS, (_, text) => style.bold(text))];
  states.forEach((state, index) => {
    out.push(line(rows[index]!, (column, text) => (column === 1 ? stateColour(style, state.state)(text) : text)));
    const indent = " ".repeat(widths[0]! + 2);
    for (const detail of detailLines(state)) out.push(style.dim(`${indent}${detail}`));
  });
  return out;
}
