// What `certctl check` says: the directories that need attention (one line each) and a summary
// line; or one Nagios plugin line; or one JSON document. Quiet under --quiet: the exit code speaks.
import type { ChalkInstance } from "chalk";
import type { CheckSummary } from "../core/fleet/survey.js";
import type { DirectoryState } from "../core/fleet/state.js";
import { humanDate } from "../model/date.js";
import { friendlyReason, type RevocationReason } from "../model/types.js";
import { leftText, stateColour, stateDocument } from "./list.js";
import { humanDuration } from "./time-left.js";

/** Why a directory needs attention, in a few words. */
export function attentionText(state: DirectoryState): string {
  switch (state.state) {
    case "due":
      return `${leftText(state)} left (not after ${humanDate(state.notAfter ?? "")}), due since ${humanDate(state.dueAt ?? "")}`;
    case "expired":
      return `${leftText(state)} (not after ${humanDate(state.notAfter ?? "")})`;
    case "revoked":
      return `revoked ${humanDate(state.revokedAt ?? "")}${state.reason ? ` (${friendlyReason(state.reason as RevocationReason)})` : ""}`;
    case "pending":
      return `request ${state.pendingRequestId ?? "?"} pending since ${humanDate(state.pendingSince ?? "")}`;
    case "broken":
      return state.reason ?? "broken";
    case "ok":
      return `${leftText(state)} left`;
  }
}

function nextText(summary: CheckSummary): string {
  const next = summary.next;
  if (next?.secondsLeft === undefined) return "";
  return next.secondsLeft > 0 ? `next expiry ${next.name} in ${humanDuration(next.secondsLeft)}` : `${next.name} expired ${humanDuration(-next.secondsLeft)} ago`;
}

function certificates(count: number): string {
  return `${count} certificate${count === 1 ? "" : "s"}`;
}

export function checkLines(summary: CheckSummary, style: ChalkInstance): string[] {
  const lines = summary.attention.map((s) => {
    const failure = s.lastFailure ? `; last renewal attempt failed ${humanDate(s.lastFailure.time)} (exit ${s.lastFailure.exitCode})` : "";
    return `${stateColour(style, s.state)(s.state.padEnd(8))} ${s.input}  ${attentionText(s)}${failure}`;
  });
  const next = nextText(summary);
  if (summary.attention.length === 0) lines.push(style.green(`ok: ${certificates(summary.total)}${next ? `, ${next}` : ""}`));
  else lines.push(`${summary.attention.length} of ${certificates(summary.total)} ${summary.attention.length === 1 ? "needs" : "need"} attention${next ? `; ${next}` : ""}`);
  return lines;
}

export function checkDocument(summary: CheckSummary, states: readonly DirectoryState[]): Record<string, unknown> {
  return {
    status: summary.attention.length === 0 ? "ok" : "attention",
    level: summary.level,
    total: summary.total,
    counts: summary.counts,
    ...(summary.next ? { nextExpiry: { name: summary.next.name, dir: summary.next.dir, notAfter: summary.next.notAfter, secondsLeft: summary.next.secondsLeft } } : {}),
    certificates: states.map(stateDocument),
  };
}

const NAGIOS_WORDS = { ok: "OK", warning: "WARNING", critical: "CRITICAL" } as const;
/** A Nagios line lists a few names; the rest are counted (the line must stay one line). */
const NAGIOS_NAMES = 3;

/**
 * The plugin line: "CERTCTL WARNING - 1 of 12 certificates need attention: web due (12 days left) | certificates=12 ok=11 …".
 * Text before the `|` is for people; the perfdata after it is for graphs (counts, and the soonest expiry in seconds).
 */
export function nagiosLine(summary: CheckSummary): string {
  const next = nextText(summary);
  let text: string;
  if (summary.attention.length === 0) text = `${certificates(summary.total)}${next ? `, ${next}` : ""}`;
  else {
    const named = summary.attention.slice(0, NAGIOS_NAMES).map((s) => `${s.name} ${s.state} (${nagiosReason(s)})`);
    const more = summary.attention.length - named.length;
    text = `${summary.attention.length} of ${certificates(summary.total)} ${summary.attention.length === 1 ? "needs" : "need"} attention: ${named.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
  }
  const perf = [`certificates=${summary.total};;;0`, ...Object.entries(summary.counts).map(([state, count]) => `${state}=${count};;;0`)];
  if (summary.next?.secondsLeft !== undefined) perf.push(`next_expiry=${summary.next.secondsLeft}s`);
  return `CERTCTL ${NAGIOS_WORDS[summary.level]} - ${oneLine(text)} | ${perf.join(" ")}`;
}

export function nagiosUnknown(message: string): string {
  return `CERTCTL UNKNOWN - ${oneLine(message)}`;
}

function nagiosReason(state: DirectoryState): string {
  switch (state.state) {
    case "due": return `${leftText(state)} left`;
    case "expired": return leftText(state);
    case "pending": return `request ${state.pendingRequestId ?? "?"}`;
    default: return state.reason ?? state.state;
  }
}

/** Nagios reads the first line, and `|` starts the perfdata. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/\|/g, "/");
}
