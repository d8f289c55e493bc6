// One agent cycle = `certctl apply` over the file's entries: plan from the local files only
// (create / renew / replace / unchanged / follow, a pending request resumed), then execute with
// the apply core. State lives in the directories, so a restarted agent plans `unchanged` and
// sends nothing. Entries still backing off after a failure are left alone this cycle. What the
// cycle decides is reported as events for the loop; it never prints.
import type { Readable, Writable } from "node:stream";
import type { InfisicalApi } from "../../api/infisical.js";
import type { Connection } from "../../api/config.js";
import { humanDate } from "../../model/date.js";
import { ExitCode } from "../../model/errors.js";
import type { ApplyEntry } from "../config/entry.js";
import { planApply, type PlanItem } from "../config/plan.js";
import { executePlan, type ApplyResult } from "../config/execute.js";
import { recordOutcomes } from "../fleet/outcomes.js";
import type { DirResult } from "../renew/plan.js";
import type { AgentEvent, CertificateOutcome, RunCycle } from "./types.js";

export interface ApplyCycleDeps {
  /** The run's one client (its close() a no-op): one login kept across cycles. */
  connect(): Promise<{ api: InfisicalApi; connection: Connection }>;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  hookOutput: Writable;
  concurrency: number;
  now: () => Date;
  log: (event: AgentEvent) => void;
}

export function applyCycle(entries: readonly ApplyEntry[], deps: ApplyCycleDeps): RunCycle {
  return async (signal, info) => {
    const active = entries.filter((entry) => !info.backingOff.has(entry.dir));
    const skipped: CertificateOutcome[] = entries.filter((entry) => info.backingOff.has(entry.dir))
      .map((entry) => ({ certificate: entry.name, dir: entry.dir, event: "skipped", exitCode: 0 }));
    const plan = await planApply(active, deps.now());
    // The whole plan on start and after a reload (what the agent now watches); later, what it acts on.
    const everything = info.reason === "start" || info.reason === "reload";
    for (const item of plan.items) if (everything || acts(item)) deps.log(planEvent(item));
    const { results } = await executePlan(plan, {
      connect: deps.connect, cwd: deps.cwd, now: deps.now, signal, stdin: deps.stdin, env: deps.env,
      hookOutput: deps.hookOutput, concurrency: deps.concurrency,
    });
    await recordOutcomes(results.map(dirResult), deps.now());
    const outcomes = results.map(outcomeOf);
    // The apply core ran the deploy and failure hooks (with the certificate's variables); the log says which failed.
    for (const result of results) {
      if (result.outcome === "hook-failed") deps.log({ level: "warn", event: "hook", certificate: result.name, message: result.error ?? "deploy hook failed" });
      if (result.outcome === "failed" && result.hook?.ok === false) deps.log({ level: "warn", event: "hook", certificate: result.name, message: result.hook.reason ?? "failure hook failed" });
    }
    return { certificates: [...skipped, ...outcomes] };
  };
}

function acts(item: PlanItem): boolean {
  return item.action !== "unchanged" && item.action !== "follow";
}

function planEvent(item: PlanItem): AgentEvent {
  return {
    level: item.action === "broken" ? "error" : "info", event: "plan", certificate: item.entry.name,
    message: `${item.action}: ${item.reasons.join("; ")}`,
  };
}

function outcomeOf(result: ApplyResult): CertificateOutcome {
  const out = { certificate: result.name, dir: result.dir, exitCode: result.exitCode };
  const issued = `serial ${result.serialNumber ?? "?"}, not after ${result.notAfter !== undefined ? humanDate(result.notAfter) : "?"}`;
  switch (result.outcome) {
    case "created":
      return { ...out, event: "issued", message: `issued: ${issued}` };
    case "renewed":
    case "replaced":
      return { ...out, event: "renewed", message: `${result.outcome}: ${issued} (${result.reasons.join("; ")})` };
    case "hook-failed": {
      const event = result.action === "create" ? "issued" : "renewed";
      return { ...out, event, message: `${event}: ${issued}; ${result.error ?? "deploy hook failed"}` };
    }
    case "reinstalled":
      return { ...out, event: "reinstalled", message: `reinstalled: ${result.reasons.join("; ")}` };
    case "unchanged":
      return { ...out, event: "unchanged", message: result.reasons.join("; ") };
    case "interrupted":
      return { ...out, event: "interrupted", message: result.error ?? "interrupted" };
    case "failed": {
      const why = [result.error ?? "failed", ...(result.hint !== undefined ? [result.hint] : [])].join(" ");
      return { ...out, event: result.exitCode === ExitCode.pending ? "pending" : "failed", message: `${why} (exit ${result.exitCode})` };
    }
  }
}

/** For `.certctl/last-failure.json` (list, check, metrics): the apply outcome in the renew core's words. */
function dirResult(result: ApplyResult): DirResult {
  const outcome: DirResult["outcome"] = result.outcome === "failed" ? "failed" : result.outcome === "hook-failed" ? "hook-failed"
    : result.outcome === "unchanged" ? "not-due" : result.outcome === "interrupted" ? "interrupted" : "renewed";
  return { input: result.name, dir: result.dir, outcome, exitCode: result.exitCode, ...(result.error !== undefined ? { reason: result.error } : {}) };
}
