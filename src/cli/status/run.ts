// certctl status <certificateRequestId>: report a request; once issued, finish the file set that
// `certctl issue` left pending in --out-dir.
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { ExitCode, PendingError, invalidFlag } from "../../model/errors.js";
import { parseDuration } from "../../model/duration.js";
import type { StatusParams } from "../../core/request/status.js";
import type { StatusFlags } from "./define.js";
import { readPending } from "../../store/pending.js";
import { resumeCommand } from "../../model/commands.js";
import { FLAG_NAMES } from "../shared/input-names.js";
import { globalsWithRecordedDomain, usesRecordedDomain } from "../recorded.js";
import { checkDirectoryTrust } from "../../store/trust.js";
import { createOutput } from "../../ui/output.js";
import { statusJson, statusSummary } from "../../ui/issue.js";
import { trackIssueProgress } from "../../ui/issue-progress.js";

export function parseStatusFlags(requestId: string, flags: StatusFlags, cwd: string): StatusParams {
  const id = requestId.trim();
  // Infisical's request ids are UUIDs: anything else is a typo, refused before a request is sent.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw invalidFlag("<certificateRequestId>", requestId, "expected the request id certctl issue printed (a UUID such as 6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41)");
  }
  if ((flags.outDir ?? ".").trim() === "") throw invalidFlag("--out-dir", flags.outDir ?? "", "expected a directory path");
  return {
    requestId: id,
    outDir: resolve(cwd, flags.outDir ?? "."),
    wait: flags.wait === true,
    waitTimeoutMs: parseDuration("--wait-timeout", flags.waitTimeout ?? "10m"),
    ...(flags.trustSharedDir === true ? { trustSharedDir: true } : {}),
    names: FLAG_NAMES,
  };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = parseStatusFlags(String(command.args[0] ?? ""), command.opts<StatusFlags>(), ctx.io.cwd);
  if (ctx.globals.domain !== undefined) params.domainFlag = ctx.globals.domain;
  // A kept request remembers its server: `certctl status <id>` then works without repeating --domain,
  // and a --domain or INFISICAL_DOMAIN naming another server is refused (exit 2, nothing sent), as
  // renew and revoke refuse a directory recorded for another server.
  let runCtx = ctx;
  const kept = await readPending(params.outDir, params.requestId);
  if (kept) {
    // The kept record's domain receives the credentials: used only from a directory no one else can write.
    if (usesRecordedDomain(ctx.globals, ctx.io.env)) await checkDirectoryTrust(params.outDir, { trustSharedDir: params.trustSharedDir === true });
    const globals = globalsWithRecordedDomain(ctx.globals, ctx.io.env, kept.record.domain, false, { movable: false, where: "its pending record" });
    runCtx = { ...ctx, globals };
  }
  const output = createOutput(ctx);
  const [{ checkRequestStatus }, { connect }] = await Promise.all([import("../../core/request/status.js"), import("../connect.js")]);
  // connect() only resolves settings (the login comes with the first request), so a missing
  // credential fails before any progress is shown.
  const { api } = await connect(runCtx, { onLogin: (host) => view.onLogin(host) });
  const progress = output.progress(`Checking request ${params.requestId}`);
  const view = trackIssueProgress(progress);
  try {
    const report = await checkRequestStatus(params, { api, signal: ctx.signal, env: ctx.io.env, onProgress: view.onProgress });
    progress.stop();
    if (report.kind === "pending" && output.mode !== "json") {
      // Only a directory holding the request's pending record can be finished: never hint one that does not.
      const hint = report.kept
        ? `Resume with: ${resumeCommand(params.requestId, params.outDir, { domain: params.domainFlag, wait: true })}`
        : `No pending record for this request in ${params.outDir}: run certctl status with --out-dir set to the directory certctl issue or renew wrote to.`;
      throw new PendingError(`certificate request ${params.requestId} is ${report.request.status}; not waiting`, params.requestId, report.request.status, { hint });
    }
    output.result(statusJson(report), () => statusSummary(report, output.style, params.outDir));
    // Still pending: the document says so on stdout (for `| jq -r .status`), and the exit code too.
    return report.kind === "pending" ? ExitCode.pending : ExitCode.ok;
  } catch (error) {
    progress.stop();
    throw error;
  } finally {
    await api.close();
  }
}
