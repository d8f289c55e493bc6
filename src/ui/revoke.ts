// What `certctl revoke` shows: the confirmation question on a terminal and the result.
import { createInterface } from "node:readline/promises";
import type { RevokePlan, RevokeResult } from "../core/revoke.js";
import { friendlyReason, type RevocationReason } from "../model/types.js";
import type { Io } from "../util/io.js";
import type { Output } from "./output.js";

/** Asks on stderr, reads one line from stdin; only "y" or "yes" confirms. */
export async function confirmRevocation(ctx: { io: Io; signal: AbortSignal }, plan: RevokePlan, reason: RevocationReason): Promise<boolean> {
  const what = [
    `certificate ${plan.certificateId}`,
    plan.serialNumber ? `serial ${plan.serialNumber}` : undefined,
    plan.commonName ? `CN=${plan.commonName}` : undefined,
  ].filter(Boolean).join(", ");
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr, terminal: ctx.io.stdinIsTTY });
  const onAbort = () => rl.close();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const answer = await rl.question(`Revoke ${what} (reason ${friendlyReason(reason)})? This cannot be undone. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    rl.close();
  }
}

export function showRevoked(out: Output, result: RevokeResult): void {
  out.result(
    {
      status: "revoked",
      certificateId: result.certificateId,
      serialNumber: result.serialNumber,
      revokedAt: result.revokedAt,
      reason: result.reason,
      ...(result.dir !== undefined ? { dir: result.dir } : {}),
    },
    () => [
      `${out.style.green("revoked")} certificate ${result.certificateId}`,
      `  serial      ${result.serialNumber}`,
      `  revoked at  ${result.revokedAt}`,
      `  reason      ${friendlyReason(result.reason)}`,
    ],
  );
}
