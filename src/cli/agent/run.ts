// certctl agent: flags → the agent loop (src/core/agent/loop.ts) with a cycle made from the
// declarative file, a client per server kept for the whole run (one login, the token renewed
// before it expires, one 429 pause shared by every lane and cycle), SIGHUP → re-read the file,
// SIGTERM/SIGINT → finish the current write and exit 0. Logs go to stderr (--log-format).
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import type { CommandContext } from "../context.js";
import type { AgentFlags } from "./define.js";
import { FileError, UsageError, invalidFlag, mostSevere } from "../../model/errors.js";
import { parseDuration } from "../../model/duration.js";
import { agentLogger, type LogFormat } from "../../ui/agent-log.js";
import type { CycleResult, RunCycle } from "../../core/agent/types.js";
import type { InfisicalApi } from "../../api/infisical.js";
import type { RenewServer } from "../../core/renew/request.js";
import { globalsWithRecordedDomain } from "../recorded.js";
import { connect } from "../connect.js";
import { parseRenewFlags } from "../renew/run.js";

export interface AgentParams {
  file: string;
  intervalMs: number;
  randomDelayMs: number;
  logFormat: LogFormat;
  once: boolean;
  concurrency: number;
}

export function parseAgentFlags(flags: AgentFlags, cwd: string): AgentParams {
  if (flags.config.trim() === "") throw invalidFlag("--config", flags.config, "expected the path of a YAML or JSON file");
  const concurrency = Number(flags.concurrency);
  if (!/^\d+$/.test(flags.concurrency.trim()) || concurrency < 1 || concurrency > 32) {
    throw invalidFlag("--concurrency", flags.concurrency, "expected a whole number from 1 to 32");
  }
  return {
    file: resolve(cwd, flags.config),
    intervalMs: parseDuration("--interval", flags.interval),
    randomDelayMs: flags.randomDelay.trim() === "0" ? 0 : parseDuration("--random-delay", flags.randomDelay, { allowZero: true }),
    logFormat: flags.logFormat === "json" ? "json" : "text",
    once: flags.once === true,
    concurrency,
  };
}

/** What a cycle needs from the run: the servers (kept across cycles), the environment, the signal. */
export interface CycleDeps {
  ctx: CommandContext;
  concurrency: number;
  server(recordedDomain: string): Promise<RenewServer & { api: InfisicalApi }>;
}

// ---- THE SEAM -----------------------------------------------------------------------------
/**
 * Reads the file and returns the cycle it asks for. Until the apply core lands on this branch,
 * a cycle is `certctl renew` over the directories under the file's `defaults.directory`; the
 * lead swaps in `planApply(file, now)` + `executePlan(plan, deps)` here when merging.
 */
async function loadCycle(file: string, deps: CycleDeps): Promise<RunCycle> {
  const root = await defaultsDirectory(file);
  return async (signal, info) => {
    const dirs = await certificateDirs(root);
    const todo = dirs.filter((dir) => !info.backingOff.has(dir));
    const params = parseRenewFlags(todo, { hookTimeout: "2m", concurrency: String(deps.concurrency), lockTimeout: "30s", wait: true, waitTimeout: "10m" });
    const { renewDirectories } = await import("../../core/renew/fleet.js");
    const { results } = todo.length === 0 ? { results: [] } : await renewDirectories(params, {
      cwd: deps.ctx.io.cwd, now: () => new Date(), signal, hookOutput: deps.ctx.io.stderr,
      env: { ...deps.ctx.io.env, CERTCTL_EVENT: "renewed" },
      connect: (domain) => deps.server(domain),
    });
    const skipped = dirs.filter((dir) => info.backingOff.has(dir)).map((dir) => ({ certificate: basename(dir), dir, event: "skipped" as const, exitCode: 0 }));
    return {
      certificates: [...skipped, ...results.map((r) => ({
        certificate: basename(r.dir), dir: r.dir, exitCode: r.exitCode,
        event: r.outcome === "renewed" || r.outcome === "hook-failed" ? "renewed" as const
          : r.outcome === "interrupted" ? "skipped" as const : r.exitCode !== 0 ? "failed" as const : "unchanged" as const,
        message: r.outcome === "renewed" ? `renewed: serial ${r.serialNumber ?? "?"}, not after ${r.notAfter ?? "?"}` : r.reason ?? r.outcome,
      }))],
    };
  };
}
// ---- end of the seam ----------------------------------------------------------------------

/** The one key the renew cycle reads, with the yaml package (JSON is YAML too). */
async function defaultsDirectory(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new FileError(`cannot read --config ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not readable"}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new UsageError(`--config ${file} is not valid YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
  }
  const directory = (doc as { defaults?: { directory?: unknown } } | null)?.defaults?.directory;
  if (typeof directory !== "string" || directory.trim() === "") {
    throw new UsageError(`--config ${file}: defaults.directory is required (the directory holding one subdirectory per certificate)`);
  }
  const root = resolve(file, "..", directory);
  if (!(await stat(root).then((s) => s.isDirectory(), () => false))) throw new FileError(`--config ${file}: defaults.directory ${root} is not a directory`);
  return root;
}

/** The subdirectories holding a certctl.json, sorted by name (like certbot's live/). */
async function certificateDirs(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name)).sort();
  const held = await Promise.all(dirs.map((dir) => stat(join(dir, "certctl.json")).then(() => true, () => false)));
  return dirs.filter((_, i) => held[i]);
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  // Before anything slow: SIGHUP's default action would kill the agent.
  const hangupListeners = new Set<() => void>();
  const onHup = () => hangupListeners.forEach((listener) => listener());
  process.on("SIGHUP", onHup);
  try {
    return await runAgent(ctx, parseAgentFlags(command.opts<AgentFlags>(), ctx.io.cwd), hangupListeners);
  } finally {
    process.off("SIGHUP", onHup);
  }
}

async function runAgent(ctx: CommandContext, params: AgentParams, hangups: Set<() => void>): Promise<number> {
  const log = agentLogger(ctx.io.stderr, params.logFormat, { quiet: ctx.globals.quiet === true });
  const servers = new Map<string, Promise<RenewServer & { api: InfisicalApi }>>();
  const deps: CycleDeps = {
    ctx,
    concurrency: params.concurrency,
    // One client per server for the whole run; the renew core's close() after each cycle is a no-op.
    server(domain) {
      let server = servers.get(domain);
      if (!server) {
        server = (async () => {
          const globals = globalsWithRecordedDomain(ctx.globals, ctx.io.env, domain, false);
          const { api, connection } = await connect({ ...ctx, globals });
          return { apiUrl: connection.apiUrl, api: { ...api, close: async () => undefined } };
        })();
        server.catch(() => servers.delete(domain));
        servers.set(domain, server);
      }
      return server;
    },
  };
  let cycle = await loadCycle(params.file, deps);
  log({ level: "info", event: "start", message: `watching ${params.file} every ${Math.round(params.intervalMs / 1000)}s (pid ${process.pid})` });
  const { runAgentLoop } = await import("../../core/agent/loop.js");
  let last: CycleResult = { certificates: [] };
  const settled = async () => (await Promise.all([...servers.values()].map((s) => s.catch(() => undefined)))).filter((s) => s !== undefined);
  try {
    await runAgentLoop({
      runCycle: async (signal, info) => {
        const result = await cycle(signal, info);
        await runFailureHooks(result, ctx, signal);
        return result;
      },
      reload: async () => {
        cycle = await loadCycle(params.file, deps);
      },
      intervalMs: params.intervalMs, randomDelayMs: params.randomDelayMs, once: params.once,
      clock: { now: () => Date.now(), sleep: (await import("../../util/sleep.js")).sleep },
      random: Math.random,
      signal: ctx.signal,
      onHangup: (listener) => (hangups.add(listener), () => hangups.delete(listener)),
      token: {
        dueAt: () => tokenDueAt(servers),
        refresh: async () => {
          const done = await Promise.all((await settled()).map((s) => s.api.refreshToken()));
          return done.includes("logged-in") ? "logged-in" : done.includes("renewed") ? "renewed" : "unchanged";
        },
      },
      log,
      onCycle: (result) => (last = result),
    });
  } finally {
    for (const server of await settled()) await server.api.close();
  }
  // Stopped by a signal after finishing its work: that is how an agent ends, so 0.
  if (!params.once) return 0;
  return mostSevere(last.certificates.map((c) => c.exitCode));
}

/** Each failed certificate's recorded hook, with CERTCTL_EVENT=failed (a hook's own failure is only logged by its output). */
async function runFailureHooks(result: CycleResult, ctx: CommandContext, signal: AbortSignal): Promise<void> {
  const failed = result.certificates.filter((c) => c.event === "failed");
  if (failed.length === 0) return;
  const { runFailureHook } = await import("../../core/agent/failure-hook.js");
  for (const c of failed) {
    await runFailureHook({ dir: c.dir, message: c.message ?? "failed", timeoutMs: 120_000, env: ctx.io.env, output: ctx.io.stderr, signal });
  }
}

/** The soonest token renewal among the servers already connected (synchronously known ones only). */
const resolvedServers = new WeakMap<object, RenewServer & { api: InfisicalApi }>();
function tokenDueAt(servers: Map<string, Promise<RenewServer & { api: InfisicalApi }>>): number | undefined {
  let due: number | undefined;
  for (const promise of servers.values()) {
    const server = resolvedServers.get(promise);
    if (!server) {
      void promise.then((s) => resolvedServers.set(promise, s), () => undefined);
      continue;
    }
    const at = server.api.tokenRenewalDueAt();
    if (at !== undefined && (due === undefined || at < due)) due = at;
  }
  return due;
}
