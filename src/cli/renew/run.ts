// certctl renew: flags → one typed RenewParams (every check before any file is touched or
// request sent) → renewDirectories → one line per directory (or one JSON array).
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { FileError, UsageError, fileError, invalidFlag, mostSevere } from "../../model/errors.js";
import { parseRenewBefore } from "./renew-before.js";
import { parseDuration } from "../../model/duration.js";
import type { RenewParams } from "../../core/renew/plan.js";
import { globalsWithRecordedDomain } from "../recorded.js";
import type { RenewFlags } from "./define.js";
import { createOutput } from "../../ui/output.js";
import { renewReporter } from "../../ui/renew.js";
import { connect } from "../connect.js";
import { nonEmptyPath } from "../shared/flags.js";
import { FLAG_NAMES } from "../shared/input-names.js";

const MAX_CONCURRENCY = 32;

/** The wiring: argv values → validated params. Throws UsageError naming the flag; touches nothing. */
export function parseRenewFlags(dirs: string[], flags: RenewFlags): RenewParams {
  const concurrency = Number(flags.concurrency);
  if (!/^\d+$/.test(flags.concurrency.trim()) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw invalidFlag("--concurrency", flags.concurrency, `expected a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  for (const [flag, value] of [["--deploy-hook", flags.deployHook], ["--pre-hook", flags.preHook], ["--post-hook", flags.postHook]] as const) {
    if (value !== undefined && value.trim() === "") throw invalidFlag(flag, value, "expected a shell command such as 'systemctl reload nginx'");
  }
  if (flags.csr !== undefined && flags.csr.trim() === "") throw invalidFlag("--csr", flags.csr, "expected the path of a PEM certificate request");
  const list = dirs.length > 0 ? dirs : ["."];
  for (const dir of list) if (dir.trim() === "") throw new UsageError("an empty directory name was given; expected directories holding certctl.json");
  const params: RenewParams = {
    dirs: [...new Set(list)],
    renewBefore: parseRenewBefore(flags.renewBefore),
    force: flags.force === true,
    dryRun: flags.dryRun === true,
    reuseKey: flags.reuseKey === true,
    hookTimeoutMs: parseDuration("--hook-timeout", flags.hookTimeout),
    lockWaitMs: parseOptionalDuration("--lock-timeout", flags.lockTimeout),
    wait: flags.wait,
    waitTimeoutMs: parseDuration("--wait-timeout", flags.waitTimeout),
    concurrency,
    randomDelayMs: flags.randomDelay === undefined ? 0 : parseOptionalDuration("--random-delay", flags.randomDelay),
  };
  if (flags.deployHook !== undefined) params.deployHook = flags.deployHook;
  if (flags.preHook !== undefined) params.preHook = flags.preHook;
  if (flags.postHook !== undefined) params.postHook = flags.postHook;
  if (flags.trustSharedDir === true) params.trustSharedDir = true;
  params.names = FLAG_NAMES;
  return params;
}

/** renew --csr: read before anything is planned, so a missing file is exit 7 with nothing sent. */
async function readCsrFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw fileError("read --csr", path, error);
  }
  if (!text.includes("-----BEGIN CERTIFICATE REQUEST-----") && !text.includes("-----BEGIN NEW CERTIFICATE REQUEST-----")) {
    throw invalidFlag("--csr", path, "expected a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
  }
  return text;
}

/** A duration where a bare 0 ("skip at once", "no delay") is unambiguous. */
function parseOptionalDuration(flag: string, value: string): number {
  return value.trim() === "0" ? 0 : parseDuration(flag, value, { allowZero: true });
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const flags = command.opts<RenewFlags>();
  const params = parseRenewFlags(command.args, flags);
  if (flags.csr !== undefined) params.csrPem = await readCsrFile(resolve(ctx.io.cwd, flags.csr));
  const metricsFile = flags.metricsFile === undefined ? undefined : await metricsTarget(resolve(ctx.io.cwd, nonEmptyPath("--metrics-file", flags.metricsFile)));
  const out = createOutput(ctx);
  const reporter = renewReporter(ctx, out);
  const { renewDirectories } = await import("../../core/renew/fleet.js");
  const { results, exitCode } = await renewDirectories(params, {
    cwd: ctx.io.cwd,
    now: () => new Date(),
    signal: ctx.signal,
    env: ctx.io.env,
    hookOutput: ctx.io.stderr,
    checkServer: (recordedDomain) => void globalsWithRecordedDomain(ctx.globals, ctx.io.env, recordedDomain, flags.moveToDomain === true),
    connect: async (recordedDomain) => {
      const globals = globalsWithRecordedDomain(ctx.globals, ctx.io.env, recordedDomain, flags.moveToDomain === true);
      // --concurrency bounds what the server sees: requests in flight (fleet.ts works on more directories).
      const { api, connection } = await connect({ ...ctx, globals }, { maxInFlight: params.concurrency });
      return { api, apiUrl: connection.apiUrl };
    },
    onProgress: (input, event) => reporter.onProgress(input, event),
    onResult: (result) => reporter.onResult(result),
  });
  reporter.finish(results);
  if (metricsFile === undefined) return exitCode;
  // The run's own result stands; a metrics file that cannot be written adds exit 7 to it.
  try {
    const { writeFleetMetrics } = await import("../../core/fleet/metrics.js");
    await writeFleetMetrics(command.args, ctx.io.cwd, new Date(), params.renewBefore, metricsFile);
    return exitCode;
  } catch (error) {
    ctx.io.stderr.write(`certctl: --metrics-file: ${error instanceof Error ? error.message : String(error)}\n`);
    return mostSevere([exitCode, error instanceof FileError ? error.exitCode : 1]);
  }
}

/** --metrics-file: refused before anything is planned or sent when its directory is missing. */
async function metricsTarget(path: string): Promise<string> {
  const { metricsTargetProblem } = await import("../../core/fleet/metrics.js");
  const problem = await metricsTargetProblem(path);
  if (problem !== undefined) throw new FileError(`cannot write --metrics-file ${path}: ${problem}`);
  return path;
}
