// What `certctl revoke` shows: the confirmation question on a terminal and the result.
import { createInterface } from "node:readline/promises";
import type { RevokePlan, RevokeResult } from "../core/revoke.js";
import { friendlyReason, type RevocationReason } from "../model/types.js";
import type { Io } from "../util/io.js";
import type { Output } from "./output.js";
import { humanDate } from "../model/date.js";

/** Asks on stderr, reads one line from stdin; only "y" or "yes" confirms. Ctrl-C (or a signal) is "interrupted". */
export async function confirmRevocation(ctx: { io: Io; signal: AbortSignal }, plan: RevokePlan, reason: RevocationReason): Promise<"yes" | "no" | "interrupted"> {
  const what = [
    `certificate ${plan.certificateId}`,
    plan.serialNumber ? `serial ${plan.serialNumber}` : undefined,
    plan.commonName ? `CN=${plan.commonName}` : undefined,
  ].filter(Boolean).join(", ");
  const rl = createInterface({ input: ctx.io.stdin, output: ctx.io.stderr, terminal: ctx.io.stdinIsTTY });
  let interrupted = false;
  const stop = new AbortController();
  const onAbort = () => {
    interrupted = true;
    stop.abort();
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  // On a terminal Ctrl-C reaches readline, not the process: it is an interruption, not a "no".
  rl.on("SIGINT", onAbort);
  try {
    const answer = await rl.question(`Revoke ${what} (reason ${friendlyReason(reason)})? This cannot be undone. [y/N] `, { signal: stop.signal });
    return /^y(es)?$/i.test(answer.trim()) ? "yes" : "no";
  } catch {
    return interrupted ? "interrupted" : "no";
  } finally {
    // The next message starts on its own line, not after the question.
    if (interrupted) ctx.io.stderr.write("\n");
    ctx.signal.removeEventListener("abort", onAbort);
    rl.close();
  }
}

export function showRevoked(out: Output, result: RevokeResult): void {
  const already = result.status === "already-revoked";
  out.result(
    {
      status: result.status,
      certificateId: result.certificateId,
      serialNumber: result.serialNumber,
      revokedAt: result.revokedAt,
      reason: result.reason,
      ...(result.dir !== undefined ? { dir: result.dir } : {}),
    },
    () => [
      already ? `${out.style.green("already revoked")} certificate ${result.certificateId} (nothing sent)` : `${out.style.green("revoked")} certificate ${result.certificateId}`,
      `  serial      ${result.serialNumber}`,
      `  revoked at  ${humanDate(result.revokedAt)}`,
      `  reason      ${friendlyReason(result.reason)}`,
      ...(result.dir !== undefined ? [`  recorded in ${result.dir}/certctl.json: certctl renew replaces it`] : []),
    ],
  );
}
