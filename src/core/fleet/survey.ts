// list, check and the metrics file over many directories: read each one's state (a few files and
// one certificate parse each) with a bounded number in flight, and judge the whole.
import type { RenewBefore } from "../renew/due.js";
import { discoverDirectories, throwFirstProblem, type DiscoveredDir } from "./discover.js";
import { CERT_STATES, directoryState, type CertState, type DirectoryState } from "./state.js";

/**
 * Enough reads in flight to keep libuv's file threads busy; more only queues up open files
 * (10,000 directories at once would risk EMFILE).
 */
const READS_IN_FLIGHT = 32;

/** The states of `targets`, in their order. Targets with a discovery error must be handled first. */
export async function surveyDirectories(targets: readonly DiscoveredDir[], now: Date, renewBefore: RenewBefore): Promise<DirectoryState[]> {
  const states = new Array<DirectoryState>(targets.length);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < targets.length; index = next++) {
      const { dir, input } = targets[index]!;
      states[index] = await directoryState(dir, now, renewBefore, input);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, targets.length) }, lane));
  return states;
}

/**
 * list and check: the states of every directory `args` name (discovery included, pending-only
 * directories counted); an argument naming nothing managed is an error for the run (exit 7).
 */
export async function surveyArguments(args: readonly string[], cwd: string, now: Date, renewBefore: RenewBefore): Promise<DirectoryState[]> {
  const targets = await discoverDirectories(args, cwd, { pendingOnly: true });
  throwFirstProblem(targets);
  return surveyDirectories(targets, now, renewBefore);
}

/** How urgent a state is for monitoring: due and pending warn (renew is on it), the rest is critical. */
export type CheckLevel = "ok" | "warning" | "critical";

export const STATE_LEVEL: Record<CertState, CheckLevel> = {
  ok: "ok", due: "warning", pending: "warning", revoked: "critical", expired: "critical", broken: "critical",
};

/** Most urgent first: the critical states, then the warnings; within a state, the soonest to expire. */
const ATTENTION_ORDER: readonly CertState[] = ["broken", "expired", "revoked", "pending", "due"];

export interface CheckSummary {
  total: number;
  counts: Record<CertState, number>;
  /** Every directory that is not ok, in ATTENTION_ORDER. */
  attention: DirectoryState[];
  /** The certificate that expires next (expired ones included), when any has a date. */
  next?: DirectoryState;
  level: CheckLevel;
}

export function summarize(states: readonly DirectoryState[]): CheckSummary {
  const counts = Object.fromEntries(CERT_STATES.map((s) => [s, 0])) as Record<CertState, number>;
  for (const s of states) counts[s.state]++;
  const left = (s: DirectoryState) => s.secondsLeft ?? Number.NEGATIVE_INFINITY;
  const attention = states.filter((s) => s.state !== "ok")
    .sort((a, b) => ATTENTION_ORDER.indexOf(a.state) - ATTENTION_ORDER.indexOf(b.state) || left(a) - left(b) || a.dir.localeCompare(b.dir));
  const dated = states.filter((s) => s.secondsLeft !== undefined);
  const next = dated.reduce<DirectoryState | undefined>((soonest, s) => (soonest === undefined || left(s) < left(soonest) ? s : soonest), undefined);
  const level: CheckLevel = attention.some((s) => STATE_LEVEL[s.state] === "critical") ? "critical" : attention.length > 0 ? "warning" : "ok";
  return { total: states.length, counts, attention, ...(next ? { next } : {}), level };
}
