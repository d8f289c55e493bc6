// What `certctl renew` shows: one line per directory on stdout as each one finishes (a cron
// log reads top to bottom), progress on stderr, or one JSON array under --json.
import type { OutputContext } from "./output.js";
import { formatDuration } from "../model/duration.js";
import type { DirResult } from "../core/renew/plan.js";
import type { RenewProgress } from "../core/renew/fleet.js";
import type { Output } from "./output.js";
import { humanDate } from "../model/date.js";
import { timeLeft } from "./time-left.js";

const LABELS: Record<DirResult["outcome"], string> = {
  "renewed": "renewed",
  "not-due": "not due",
  "would-renew": "would renew",
  "skipped": "skipped",
  "failed": "failed",
  "hook-failed": "hook failed",
  "interrupted": "interrupted",
};

const KEY_SOURCES: Record<string, string> = {
  "new-local-key": "new key",
  "reused-local-key": "same key",
  "new-server-key": "new server-made key",
  "reused-server-key": "same server-made key",
  "csr": "same CSR",
};

/** "29 days left", "19 minutes left" (short-lived certificates), "expired 2 hours ago". */
function left(result: DirResult): string {
  return result.notAfter ? timeLeft(result.notAfter) : "";
}

export function resultLine(result: DirResult, out: Pick<Output, "style">): string {
  const s = out.style;
  const label = LABELS[result.outcome].padEnd(11);
  const head = result.outcome === "renewed" || result.outcome === "would-renew" ? s.green(label)
    : result.outcome === "not-due" || result.outcome === "skipped" ? s.dim(label) : s.red(label);
  const parts: string[] = [`${head} ${result.input}`];
  switch (result.outcome) {
    case "renewed":
    case "hook-failed":
      if (result.serialNumber) {
        parts.push(`serial ${result.serialNumber}, not after ${humanDate(result.notAfter ?? "")} (${left(result)})`);
        if (result.keySource) parts.push(KEY_SOURCES[result.keySource] ?? result.keySource);
      }
      if (result.resumedRequestId) parts.push(`resumed request ${result.resumedRequestId} left pending by an earlier run`);
      if (result.fallbackReason) parts.push(`issued fresh: ${result.fallbackReason}`);
      if (result.outcome === "hook-failed") parts.push(result.reason ?? "deploy hook failed");
      else if (result.hook?.ok) parts.push("deploy hook ok");
      break;
    case "not-due":
      parts.push(`${left(result)} (not after ${humanDate(result.notAfter ?? "")}), due from ${humanDate(result.dueAt ?? "")}`);
      if (result.reason) parts.push(result.reason);
      break;
    case "would-renew":
      parts.push(`${left(result)} (not after ${humanDate(result.notAfter ?? "")})`, result.reason ?? "");
      break;
    default:
      parts.push(`exit ${result.exitCode}: ${result.reason ?? ""}`);
  }
  return parts.filter((p) => p !== "").join("  ");
}

export function resultDocument(result: DirResult): Record<string, unknown> {
  const { input: _input, outcome, ...rest } = result;
  return { status: outcome, ...rest };
}

export interface RenewReporter {
  onResult(result: DirResult): void;
  onProgress(input: string, event: RenewProgress): void;
  finish(results: DirResult[]): void;
}

export function renewReporter(ctx: OutputContext, out: Output): RenewReporter {
  const printed = new Set<DirResult>();
  return {
    onResult(result) {
      if (out.mode === "json") return;
      const line = resultLine(result, out);
      const failed = result.exitCode !== 0;
      // --quiet keeps stdout empty, but a failure is still reported on stderr.
      if (out.mode === "quiet") {
        if (failed) ctx.io.stderr.write(`certctl: ${line}\n`);
      } else {
        ctx.io.stdout.write(line + "\n");
        if (failed && result.hint) ctx.io.stderr.write(`  ${result.input}: ${result.hint}\n`);
      }
      printed.add(result);
    },
    onProgress(input, event) {
      switch (event.kind) {
        case "delay":
          out.info(`waiting ${formatDuration(event.ms)} (--random-delay) before the first request`);
          break;
        case "waiting-for-lock":
          out.info(`${input}: another certctl run is renewing this directory; waiting for its lock`);
          break;
        case "hook":
          out.info(`running the --${event.which}-hook`);
          break;
        case "requesting":
          out.info(`${input}: renewing at ${event.host}`);
          break;
        case "pending":
          out.info(`${input}: request ${event.requestId} is ${event.status}${event.pendingMessage ? `: ${event.pendingMessage}` : ""}; ${event.waiting ? "waiting" : "not waiting"}`);
          break;
        default:
          break;
      }
    },
    finish(results) {
      if (out.mode === "json") ctx.io.stdout.write(JSON.stringify(results.map(resultDocument), null, 2) + "\n");
    },
  };
}
