// certctl issue: flags → one typed IssueParams (every check before any request) → core → ui.
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import type { IssueFlags } from "./define.js";
import { parseIssueFlags } from "./parse.js";
import { withServerHint } from "./server-hints.js";
import { createOutput } from "../../ui/output.js";
import { issueJson, issueSummary } from "../../ui/issue.js";
import { trackIssueProgress } from "../../ui/issue-progress.js";

export { parseIssueFlags } from "./parse.js";

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const flags = command.opts<IssueFlags>();
  const params = parseIssueFlags(flags, ctx.io.cwd, undefined, undefined, ctx.io.env);
  if (ctx.globals.domain !== undefined) params.domainFlag = ctx.globals.domain;
  const output = createOutput(ctx);
  // The default directory is certctl's choice, not the user's: say where the files go.
  if (flags.outDir === undefined) output.info(`No --out-dir given: writing into ${params.outDir}`);
  // Started before the heavy imports (x509 takes a moment), so a terminal shows life at once.
  const progress = output.progress("Preparing the request");
  const view = trackIssueProgress(progress);
  try {
    const [{ issueCertificate }, { connect }] = await Promise.all([import("../../core/request/issue.js"), import("../connect.js")]);
    const result = await issueCertificate(params, {
      connect: () => connect(ctx, { onLogin: view.onLogin }),
      stdin: ctx.io.stdin,
      signal: ctx.signal,
      onProgress: view.onProgress,
      env: ctx.io.env,
    });
    progress.stop();
    output.result(issueJson(result), () => issueSummary(result, output.style));
    return 0;
  } catch (error) {
    progress.stop();
    throw withServerHint(error, params);
  }
}
