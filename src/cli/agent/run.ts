// certctl agent: flags → the agent loop (src/core/agent/loop.ts) with a cycle made from the
// declarative file (src/core/agent/apply-cycle.ts: apply's plan and executor), one client kept for
// the whole run (one login, the token renewed before it expires, one 429 pause shared by every lane
// and cycle), SIGHUP → re-read the file, SIGTERM/SIGINT → finish the current write and exit 0.
// Logs go to stderr (--log-format).
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import type { AgentFlags } from "./define.js";
import { invalidFlag, mostSevere } from "../../model/errors.js";
import { parseDuration } from "../../model/duration.js";
import { agentLogger, type LogFormat } from "../../ui/agent-log.js";
import type { CycleResult, RunCycle } from "../../core/agent/types.js";
import { applyCycle } from "../../core/agent/apply-cycle.js";
import type { InfisicalApi } from "../../api/infisical.js";
import type { Connection } from "../../api/config.js";
import { connect } from "../connect.js";
import { resolveConnection } from "../connection.js";
import { prepareApply } from "../apply/run.js";
import { hookOutputAsEvents } from "./hook-output.js";

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
  const session = createSession();
  const hooks = params.logFormat === "json" ? hookOutputAsEvents(log) : { stream: ctx.io.stderr, flush: () => undefined };
  let connectCtx: CommandContext | undefined;
  const load = async (): Promise<RunCycle> => {
    const prepared = await prepareApply(ctx, params.file);
    connectCtx = prepared.connectCtx;
    if (prepared.loaded.agent) {
      log({ level: "info", event: "config", message: `${prepared.loaded.source.label}: the Infisical agent's format, converted (certctl convert-agent-config prints the result)` });
      for (const note of prepared.loaded.agent.notes) log({ level: "warn", event: "config", message: note });
    }
    return applyCycle(prepared.entries, {
      connect: () => session.connect(prepared.connectCtx),
      cwd: ctx.io.cwd, env: ctx.io.env, stdin: ctx.io.stdin, hookOutput: hooks.stream,
      concurrency: params.concurrency, now: () => new Date(), log,
    });
  };
  // A file that does not load is refused before anything starts (its exit code, nothing sent).
  let cycle = await load();
  log({ level: "info", event: "start", message: `watching ${params.file} every ${Math.round(params.intervalMs / 1000)}s (pid ${process.pid})` });
  const { runAgentLoop } = await import("../../core/agent/loop.js");
  let last: CycleResult = { certificates: [] };
  try {
    await runAgentLoop({
      runCycle: async (signal, info) => {
        try {
          return await cycle(signal, info);
        } finally {
          hooks.flush();
        }
      },
      // A file that fails to load on SIGHUP throws here: the loop keeps the previous cycle and logs why.
      // The credential files are read again too: a rotated client secret (or JWT, or token) takes
      // effect on SIGHUP, with a fresh login; unchanged credentials keep the login.
      reload: async () => {
        cycle = await load();
        // Credentials that no longer read (an emptied secret file) start over too: the next request says why.
        if (connectCtx) await session.resetIfChanged(await resolveConnection(connectCtx.globals, connectCtx.io.env).catch(() => undefined));
      },
      intervalMs: params.intervalMs, randomDelayMs: params.randomDelayMs, once: params.once,
      clock: { now: () => Date.now(), sleep: (await import("../../util/sleep.js")).sleep },
      random: Math.random,
      signal: ctx.signal,
      onHangup: (listener) => (hangups.add(listener), () => hangups.delete(listener)),
      token: { dueAt: () => session.tokenDueAt(), refresh: () => session.refreshToken() },
      log,
      onCycle: (result) => (last = result),
    });
  } finally {
    await session.close();
  }
  // Stopped by a signal after finishing its work: that is how an agent ends, so 0.
  if (!params.once) return 0;
  return mostSevere(last.certificates.map((c) => c.exitCode));
}

type Client = { api: InfisicalApi; connection: Connection };

/**
 * The run's one client: logged in on first need and kept across cycles (the token renewed before
 * it expires, a 429 pause shared by every lane). A reload that changes the server or the
 * credentials starts a new one; a failed connection is forgotten so the next cycle tries again.
 */
function createSession() {
  let current: { key: string; client: Promise<Client>; ready?: Client } | undefined;
  const closeOld = async (old: typeof current) => {
    // The real close (the client handed to the cycles has a no-op one).
    if (old) await old.client.then(() => old.ready?.api.close(), () => undefined);
  };
  return {
    connect(connectCtx: CommandContext): Promise<Client> {
      const key = JSON.stringify([connectCtx.globals, Object.entries(connectCtx.io.env).sort()]);
      if (current?.key !== key) {
        void closeOld(current);
        const session: NonNullable<typeof current> = {
          key,
          client: connect(connectCtx).then(({ api, connection }) => {
            // executePlan closes its connection after each cycle; this one outlives the cycle.
            const kept = { api: { ...api, close: async () => undefined }, connection };
            session.ready = { api, connection };
            return kept;
          }),
        };
        session.client.catch(() => {
          if (current === session) current = undefined;
        });
        current = session;
      }
      return current.client;
    },
    tokenDueAt: () => current?.ready?.api.tokenRenewalDueAt(),
    refreshToken: async () => (current?.ready ? current.ready.api.refreshToken() : "unchanged"),
    /** Starts over (a new login on the next request) when `latest` holds other credentials than the session's, or none. */
    resetIfChanged: async (latest: Connection | undefined) => {
      const held = current?.ready?.connection;
      if (!held || (latest && JSON.stringify(held.credentials) === JSON.stringify(latest.credentials))) return;
      const old = current;
      current = undefined;
      await closeOld(old);
    },
    close: () => closeOld(current),
  };
}
