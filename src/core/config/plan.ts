// `certctl apply`'s plan: per entry create / renew / replace / unchanged (or follow, for a
// certificate-id entry), with the reasons. Reads only local files and sends nothing, so a dry run
// and an agent's idle cycle cost no request.
import { formatDuration } from "../../model/duration.js";
import { metadataPaths, readMetadata } from "../../store/metadata.js";
import { listPending } from "../../store/pending.js";
import { planDirectory, type DirPlan } from "../renew/plan.js";
import { wholeDays } from "../renew/due.js";
import { formatReasons, replaceReasons } from "./compare.js";
import type { ApplyEntry } from "./entry.js";
import { existsSync } from "node:fs";

export type PlanAction = "create" | "renew" | "replace" | "reinstall" | "unchanged" | "follow" | "broken";

export interface PlanItem {
  entry: ApplyEntry;
  action: PlanAction;
  /** Why, in words: "no certctl.json in …", "due: 9 days left", "SAN mail2.example.com added". */
  reasons: string[];
  /** The directory as read (absent for create). */
  current?: DirPlan;
  /** For `broken`: the exit code the problem carries. */
  exitCode?: number;
}

export interface Plan {
  items: PlanItem[];
  createdAt: Date;
}

export async function planApply(entries: readonly ApplyEntry[], now: Date): Promise<Plan> {
  const items = await Promise.all(entries.map((entry) => planEntry(entry, now)));
  return { items, createdAt: now };
}

async function planEntry(entry: ApplyEntry, now: Date): Promise<PlanItem> {
  let current: DirPlan;
  try {
    const meta = await readMetadata(entry.dir).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
      throw error;
    });
    if (!meta) {
      const what = entry.certificateId !== undefined ? `; fetch certificate ${entry.certificateId}` : "";
      const foreign = existsSync(entry.params.files.cert) ? `; ${entry.params.files.cert} exists and will be replaced` : "";
      const reasons = [`no certctl.json in ${entry.dir}${what}${foreign}`];
      // A request an earlier run left pending (approval, external CA) is followed, not sent again.
      const pending = entry.certificateId === undefined ? await listPending(entry.dir).catch(() => []) : [];
      if (pending.length > 0) reasons.push(`request ${pending[pending.length - 1]!} is pending: resumed, nothing new sent`);
      return { entry, action: "create", reasons };
    }
    current = await planDirectory(entry.dir, entry.dir, now, { renewBefore: entry.renewBefore, force: false });
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode ?? 7;
    return { entry, action: "broken", reasons: [error instanceof Error ? error.message : String(error)], exitCode };
  }
  const left = wholeDays(current.decision.remainingMs);
  const due = current.meta.revokedAt !== undefined ? "revoked"
    : current.decision.expired ? "expired"
    : current.decision.due ? `due: ${left} day${left === 1 ? "" : "s"} left (renew before ${formatDuration(current.decision.marginMs)})`
    : undefined;
  if (entry.certificateId !== undefined) {
    const source = (current.meta as { sourceCertificateId?: unknown }).sourceCertificateId;
    if (typeof source === "string" && source !== entry.certificateId) {
      return { entry, action: "replace", current, reasons: [`certificate-id changed: ${source} → ${entry.certificateId}`] };
    }
    // Formats changed: rewritten from the set on disk now; the next run follows the server as before.
    const formats = formatReasons(entry, current.meta);
    if (formats.length > 0) return { entry, action: "reinstall", current, reasons: [...formats, "rewritten from the certificate on disk; nothing sent"] };
    return { entry, action: "follow", current, reasons: [due ?? "checks the server for a renewal of this certificate"] };
  }
  const changed = replaceReasons(entry, current.meta, current.certPem);
  const formats = formatReasons(entry, current.meta);
  if (changed.length > 0) return { entry, action: "replace", current, reasons: [...changed, ...formats] };
  if (formats.length > 0) {
    // A due certificate is replaced anyway: the new one is written with the formats asked for.
    if (due !== undefined) return { entry, action: "replace", current, reasons: [due, ...formats] };
    // The certificate still fits: its set is rewritten from the certificate and key on disk (nothing sent),
    // unless the key is gone, when only a new certificate can give the formats that hold a key.
    const key = metadataPaths(entry.dir, current.meta).key;
    if (current.meta.mode !== "csr" && !existsSync(key)) return { entry, action: "replace", current, reasons: [...formats, `${key} is missing`] };
    return { entry, action: "reinstall", current, reasons: [...formats, "rewritten from the certificate on disk; nothing sent"] };
  }
  if (due !== undefined) return { entry, action: "renew", current, reasons: [due] };
  return { entry, action: "unchanged", current, reasons: [`${left} day${left === 1 ? "" : "s"} left, due ${current.decision.dueAt.toISOString().slice(0, 10)}`] };
}
