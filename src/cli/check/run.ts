// certctl check: the same reading as list, judged: exit 0 or 9 (or the Nagios plugin codes), and
// optionally the Prometheus textfile.
import type { Command } from "commander";
import { resolve } from "node:path";
import type { CommandContext } from "../context.js";
import { metricsText, metricsTargetProblem, writeMetricsFile } from "../../core/fleet/metrics.js";
import { summarize, surveyArguments, type CheckLevel } from "../../core/fleet/survey.js";
import { ExitCode, FileError } from "../../model/errors.js";
import { checkDocument, checkLines, nagiosLine, nagiosUnknown } from "../../ui/check.js";
import { createOutput } from "../../ui/output.js";
import { parseListFlags, type ListParams } from "../list/run.js";
import { nonEmptyPath } from "../shared/flags.js";
import { conflicting } from "../shared/wording.js";
import type { CheckFlags } from "./define.js";

export interface CheckParams extends ListParams {
  format: "text" | "nagios";
  /** Absolute. */
  metricsFile?: string;
}

/** The Nagios plugin API's codes. */
const NAGIOS_CODES: Record<CheckLevel | "unknown", number> = { ok: 0, warning: 1, critical: 2, unknown: 3 };

export function parseCheckFlags(dirs: readonly string[], flags: CheckFlags, cwd: string, json: boolean): CheckParams {
  if (flags.format === "nagios" && json) throw conflicting("--format nagios", "--json", "a Nagios plugin prints one line of text");
  const params: CheckParams = { ...parseListFlags(dirs, flags), format: flags.format };
  if (flags.metricsFile !== undefined) params.metricsFile = resolve(cwd, nonEmptyPath("--metrics-file", flags.metricsFile));
  return params;
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const flags = command.opts<CheckFlags>();
  if (flags.format !== "nagios") return check(ctx, parseCheckFlags(command.args, flags, ctx.io.cwd, ctx.globals.json === true));
  // A plugin must answer with one line and a plugin code whatever went wrong: UNKNOWN, not exit 2 or 7.
  try {
    return await check(ctx, parseCheckFlags(command.args, flags, ctx.io.cwd, ctx.globals.json === true));
  } catch (error) {
    ctx.io.stdout.write(nagiosUnknown(error instanceof Error ? error.message : String(error)) + "\n");
    return NAGIOS_CODES.unknown;
  }
}

async function check(ctx: CommandContext, params: CheckParams): Promise<number> {
  const out = createOutput(ctx);
  if (params.metricsFile !== undefined) {
    const problem = await metricsTargetProblem(params.metricsFile);
    if (problem !== undefined) throw new FileError(`cannot write --metrics-file ${params.metricsFile}: ${problem}`);
    if (!params.metricsFile.endsWith(".prom") && params.format !== "nagios") out.warn("node_exporter's textfile collector reads only files named *.prom");
  }
  const now = new Date();
  const states = await surveyArguments(params.dirs, ctx.io.cwd, now, params.renewBefore);
  const summary = summarize(states);
  if (params.metricsFile !== undefined) await writeMetricsFile(params.metricsFile, metricsText(states, now));
  if (params.format === "nagios") {
    ctx.io.stdout.write(nagiosLine(summary) + "\n");
    return NAGIOS_CODES[summary.level];
  }
  out.result(checkDocument(summary, states), () => checkLines(summary, out.style));
  return summary.attention.length === 0 ? ExitCode.ok : ExitCode.attention;
}
