// `certctl revoke`: flags → a typed plan → one revocation → the result. Everything that can be
// wrong with the flags is found before a file is read or a request is sent.
import { resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { InterruptedError, UsageError, isSignalReason } from "../../model/errors.js";
import { globalsWithRecordedDomain } from "../recorded.js";
import { planRevocation, revocationReasonNamed, revokeCertificate, type RevokeParams } from "../../core/revoke.js";
import { REVOCATION_REASONS, friendlyReason, type RevocationReason } from "../../model/types.js";
import { invalidValue } from "../shared/wording.js";
import type { RevokeFlags } from "./define.js";
import { createOutput } from "../../ui/output.js";
import { confirmRevocation, showRevoked } from "../../ui/revoke.js";
import { connect } from "../connect.js";

/** --reason: any spelling of one of the server's reasons. */
export function parseRevocationReason(value: string, flag = "--reason"): RevocationReason {
  const found = revocationReasonNamed(value);
  if (!found) throw invalidValue(flag, value, `options are ${REVOCATION_REASONS.map(friendlyReason).join(", ")} (or the same in UPPER_SNAKE_CASE)`);
  return found;
}

export function parseRevokeFlags(flags: RevokeFlags, ctx: CommandContext): RevokeParams & { yes: boolean } {
  if ((flags.outDir === undefined) === (flags.certificateId === undefined)) {
    throw new UsageError("pass exactly one of --out-dir <dir> and --certificate-id <id>");
  }
  if (flags.reason === undefined) {
    throw new UsageError("--reason is required", { hint: "e.g. --reason key-compromise, superseded or cessation-of-operation; see certctl revoke --help." });
  }
  const reason = parseRevocationReason(flags.reason);
  const yes = flags.yes === true;
  // A script that forgot --yes must fail loudly, not hang on a prompt nobody sees.
  if (!yes && !(ctx.io.stdinIsTTY && ctx.io.stderrIsTTY)) {
    throw new UsageError("revoke needs confirmation and this is not a terminal; pass --yes to revoke without asking");
  }
  if (flags.certificateId !== undefined) {
    const id = flags.certificateId.trim();
    // It becomes part of a URL path: letters, digits and dashes, as Infisical's UUIDs are.
    if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/.test(id)) {
      throw new UsageError(`invalid value '${flags.certificateId}' for --certificate-id; expected an Infisical certificate id such as 6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41`);
    }
    return { target: { kind: "id", certificateId: id }, reason, yes };
  }
  const dir = flags.outDir as string;
  if (dir.trim() === "") throw new UsageError("invalid value '' for --out-dir; expected a directory holding certctl.json");
  return { target: { kind: "dir", dir: resolve(ctx.io.cwd, dir), trustSharedDir: flags.trustSharedDir === true }, reason, yes };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = parseRevokeFlags(command.opts<RevokeFlags>(), ctx);
  const plan = await planRevocation(params.target);
  const globals = globalsWithRecordedDomain(ctx.globals, ctx.io.env, plan.domain, command.opts<RevokeFlags>().moveToDomain === true);
  const { api } = await connect({ ...ctx, globals });
  try {
    const answer = params.yes ? "yes" : await confirmRevocation(ctx, plan, params.reason);
    if (answer === "interrupted") {
      const reason: unknown = ctx.signal.reason;
      throw new InterruptedError(isSignalReason(reason) ? reason.signal : "SIGINT", `cancelled: certificate ${plan.certificateId} was not revoked`);
    }
    if (answer === "no") {
      // Exit 2 like any input that stops the command before a request: a wrapper must not read it as done.
      throw new UsageError(`cancelled: certificate ${plan.certificateId} was not revoked (the answer was not yes)`);
    }
    const result = await revokeCertificate(api, plan, params.reason);
    showRevoked(createOutput(ctx), result);
    return 0;
  } finally {
    await api.close();
  }
}
