// `certctl apply`'s output: the plan like a terraform plan (one line per entry, a symbol, the
// action and why), then one line per entry acted on, and the same as one JSON document.
import type { ChalkInstance } from "chalk";
import type { Plan, PlanAction, PlanItem } from "../core/config/plan.js";
import type { ApplyResult } from "../core/config/execute.js";

const SYMBOL: Record<PlanAction, string> = { create: "+", renew: "~", replace: "-/+", reinstall: "~", unchanged: "=", follow: "?", broken: "!" };

export function planLine(item: PlanItem, style: ChalkInstance): string {
  const colour = { create: style.green, renew: style.yellow, replace: style.magenta, reinstall: style.yellow, unchanged: style.dim, follow: style.cyan, broken: style.red }[item.action];
  return colour(`${SYMBOL[item.action]} ${item.action} ${item.entry.name}`) + ` (${item.reasons.join("; ")})`;
}

export function planSummary(plan: Plan): string {
  const count = (action: PlanAction) => plan.items.filter((i) => i.action === action).length;
  const parts = [`${count("create")} to create`, `${count("renew")} to renew`, `${count("replace")} to replace`, `${count("unchanged")} unchanged`];
  if (count("reinstall") > 0) parts.splice(3, 0, `${count("reinstall")} to reinstall`);
  if (count("follow") > 0) parts.push(`${count("follow")} to check for a server renewal`);
  if (count("broken") > 0) parts.push(`${count("broken")} broken`);
  return `Plan: ${parts.join(", ")}.`;
}

export function planLines(plan: Plan, style: ChalkInstance): string[] {
  return [...plan.items.map((item) => planLine(item, style)), planSummary(plan)];
}

export function resultLine(result: ApplyResult, style: ChalkInstance): string {
  const expires = result.notAfter !== undefined ? `, expires ${result.notAfter.slice(0, 10)}` : "";
  switch (result.outcome) {
    case "created":
    case "renewed":
    case "replaced":
    case "reinstalled":
      return `${style.green(`${result.outcome} ${result.name}`)}: certificate ${result.certificateId ?? "?"}${expires} (${result.reasons.join("; ")})`;
    case "unchanged":
      return `${style.dim(`unchanged ${result.name}`)} (${result.reasons.join("; ")})`;
    case "hook-failed":
      return `${style.yellow(`hook failed ${result.name}`)}: ${result.error ?? ""}`;
    default:
      return `${style.red(`${result.outcome} ${result.name}`)}: ${result.error ?? ""}${result.hint ? ` (${result.hint})` : ""}`;
  }
}

/** One document for --json: the plan, and (unless a dry run) what was done. */
export function applyJson(plan: Plan, results: ApplyResult[] | undefined, exitCode: number, notes: string[]): unknown {
  return {
    dryRun: results === undefined,
    plan: plan.items.map((item) => ({ name: item.entry.name, dir: item.entry.dir, action: item.action, reasons: item.reasons })),
    ...(results !== undefined ? { results } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    exitCode,
  };
}
