// certctl apply: the file → checked entries (the issue flags' parse step) → plan (local files
// only) → printed → executed unless --dry-run. Nothing is sent before every entry is valid.
import type { Command } from "commander";
import { resolve } from "node:path";
import type { CommandContext, GlobalOptions } from "../context.js";
import { UsageError, mostSevere } from "../../model/errors.js";
import { parseWholeNumber } from "../shared/flags.js";
import type { ApplyFlags } from "./define.js";
import { createOutput } from "../../ui/output.js";
import { applyJson, planLines, resultLine } from "../../ui/apply.js";
import { loadConfig, type LoadedConfig } from "../../core/config/load.js";
import type { ApplyEntry } from "../../core/config/entry.js";
import { planApply } from "../../core/config/plan.js";
import { buildEntries } from "./entries.js";
import { globalsFromFile } from "./settings.js";
import { connect } from "../connect.js";

/** Everything a run needs from the file, every check done, nothing sent (agent mode re-reads it on SIGHUP). */
export interface PreparedApply {
  loaded: LoadedConfig;
  entries: ApplyEntry[];
  /** The global options with the file's server and auth filled in. */
  globals: GlobalOptions;
  /** The command's context with those options, for connect() (the file's LDAP user name in its environment only). */
  connectCtx: CommandContext;
}

export async function prepareApply(ctx: CommandContext, file: string | undefined): Promise<PreparedApply> {
  if (file === undefined || file.trim() === "") {
    throw new UsageError("-f, --config is required: the declarative file to apply", { hint: "certctl apply -f /etc/certctl/certctl.yaml" });
  }
  const loaded = await loadConfig(resolve(ctx.io.cwd, file));
  const entries = buildEntries(loaded.file, loaded.source);
  const { globals, env } = await globalsFromFile(loaded.file, loaded.source, ctx.globals);
  const connectCtx: CommandContext = { ...ctx, globals, io: { ...ctx.io, env: { ...ctx.io.env, ...env } } };
  return { loaded, entries, globals, connectCtx };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const flags = command.opts<ApplyFlags>();
  const concurrency = parseWholeNumber("--concurrency", flags.concurrency, 1, 32);
  const { loaded, entries, connectCtx } = await prepareApply(ctx, flags.config);
  const out = createOutput(ctx);
  const notes = loaded.agent?.notes ?? [];
  if (loaded.agent) out.info(`${loaded.source.label}: the Infisical agent's format, converted (certctl convert-agent-config prints the result)`);
  for (const note of notes) out.warn(note);
  const plan = await planApply(entries, new Date());
  if (flags.dryRun) {
    // A dry run sends nothing, but a directory it cannot read is already a failure to report.
    const exitCode = mostSevere(plan.items.map((item) => item.exitCode ?? 0));
    out.result(applyJson(plan, undefined, exitCode, notes), () => planLines(plan, out.style));
    return exitCode;
  }
  if (out.mode === "human") for (const line of planLines(plan, out.style)) ctx.io.stdout.write(line + "\n");
  const { executePlan } = await import("../../core/config/execute.js");
  const { results, exitCode } = await executePlan(plan, {
    connect: () => connect(connectCtx),
    cwd: ctx.io.cwd,
    now: () => new Date(),
    signal: ctx.signal,
    stdin: ctx.io.stdin,
    env: ctx.io.env,
    hookOutput: ctx.io.stderr,
    concurrency,
    onResult: (result) => {
      if (out.mode === "human" && result.outcome !== "unchanged") ctx.io.stdout.write(resultLine(result, out.style) + "\n");
    },
  });
  if (out.mode === "json") out.result(applyJson(plan, results, exitCode, notes), () => []);
  return exitCode;
}
