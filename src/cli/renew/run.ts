// certctl renew: flags → one typed RenewRunParams (every check before any file is touched or
// request sent) → renewDirectories → one line per directory (or one JSON array).
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError, invalidFlag } from "../../model/errors.js";
import { parseRenewBefore } from "../../core/renew/due.js";
import { parseDuration } from "../../model/duration.js";
import type { RenewRunParams } from "../../core/renew/fleet.js";
import { globalsWithRecordedDomain } from "../recorded.js";
import type { RenewFlags } from "./define.js";
import type { InstallOptions } from "../../store/layout.js";
import { createOutput } from "../../ui/output.js";
import { renewReporter } from "../../ui/renew.js";
import { connect } from "../connect.js";

const MAX_CONCURRENCY = 32;
const CRASH_STEPS = ["version-written", "live-swapped", "links-installed"] as const;

/** The wiring: argv values → validated params. Throws UsageError naming the flag; touches nothing. */
export function parseRenewFlags(dirs: string[], flags: RenewFlags): RenewRunParams {
  const concurrency = Number(flags.concurrency);
  if (!/^\d+$/.test(flags.concurrency.trim()) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw invalidFlag("--concurrency", flags.concurrency, `expected a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  if (flags.deployHook !== undefined && flags.deployHook.trim() === "") {
    throw invalidFlag("--deploy-hook", flags.deployHook, "expected a shell command such as 'systemctl reload nginx'");
  }
  const list = dirs.length > 0 ? dirs : ["."];
  for (const dir of list) if (dir.trim() === "") throw new UsageError("an empty directory name was given; expected directories holding certctl.json");
  const params: RenewRunParams = {
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
  return params;
}

/** A duration where a bare 0 ("skip at once", "no delay") is unambiguous. */
function parseOptionalDuration(flag: string, value: string): number {
  return value.trim() === "0" ? 0 : parseDuration(flag, value, { allowZero: true });
}

/**
 * Test-only fault injection: CERTCTL_TEST_CRASH_AT=<step> kills this process with SIGKILL at
 * that step of the file swap, so the tests can prove a crash at any point leaves a set a
 * service can load. Unset in normal use; an unknown step is ignored.
 */
function crashInjection(env: NodeJS.ProcessEnv): InstallOptions | undefined {
  const step = env.CERTCTL_TEST_CRASH_AT;
  if (!step || !(CRASH_STEPS as readonly string[]).includes(step)) return undefined;
  return {
    onStep: (at) => {
      if (at === step) process.kill(process.pid, "SIGKILL");
    },
  };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = parseRenewFlags(command.args, command.opts<RenewFlags>());
  const out = createOutput(ctx);
  const reporter = renewReporter(ctx, out);
  const { renewDirectories } = await import("../../core/renew/fleet.js");
  const installOptions = crashInjection(ctx.io.env);
  const { results, exitCode } = await renewDirectories(params, {
    cwd: ctx.io.cwd,
    now: () => new Date(),
    signal: ctx.signal,
    env: ctx.io.env,
    hookOutput: ctx.io.stderr,
    ...(installOptions ? { installOptions } : {}),
    connect: async (recordedDomain) => {
      const globals = globalsWithRecordedDomain(ctx.globals, ctx.io.env, recordedDomain, command.opts<RenewFlags>().moveToDomain === true);
      const { api, connection } = await connect({ ...ctx, globals });
      return { api, apiUrl: connection.apiUrl };
    },
    onProgress: (input, event) => reporter.onProgress(input, event),
    onResult: (result) => reporter.onResult(result),
  });
  reporter.finish(results);
  return exitCode;
}
