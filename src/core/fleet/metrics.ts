// The Prometheus textfile (node_exporter's textfile collector reads *.prom files from one
// directory): the exposition format, one family at a time, each with HELP and TYPE once.
// Written atomically — a temporary file in the same directory, then a rename — so the collector
// never reads half a file; the temporary name does not end in .prom, so it is never collected.
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { fileReason } from "../../model/errors.js";
import { PUBLIC_MODE, writeFileAtomic } from "../../store/atomic.js";
import type { RenewBefore } from "../renew/due.js";
import { discoverDirectories } from "./discover.js";
import { CERT_STATES, type DirectoryState } from "./state.js";
import { surveyDirectories } from "./survey.js";

interface Family {
  name: string;
  help: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

const seconds = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000);

/** The metrics text for these states, as of `now`. */
export function metricsText(states: readonly DirectoryState[], now: Date): string {
  const ids = (s: DirectoryState) => ({ dir: s.dir, name: s.name });
  const per = (pick: (s: DirectoryState) => number | undefined) =>
    states.flatMap((s) => {
      const value = pick(s);
      return value === undefined ? [] : [{ labels: ids(s), value }];
    });
  const families: Family[] = [
    {
      name: "certctl_certificate_info",
      help: "Always 1; the labels say which profile and server the certificate came from and its serial number.",
      samples: states.map((s) => ({ labels: { ...ids(s), profile: s.profile ?? "", server: s.server ?? "", serial: s.serialNumber ?? "" }, value: 1 })),
    },
    {
      name: "certctl_certificate_not_after_timestamp_seconds",
      help: "The certificate's notAfter as a Unix time (absent when no certificate could be read).",
      samples: per((s) => seconds(s.notAfter)),
    },
    {
      name: "certctl_certificate_seconds_left",
      help: "Seconds until the certificate's notAfter; negative once expired.",
      samples: per((s) => s.secondsLeft),
    },
    {
      name: "certctl_certificate_state",
      help: "1 for the certificate's current state (ok, due, pending, revoked, expired, broken), 0 for the others.",
      samples: states.flatMap((s) => CERT_STATES.map((state) => ({ labels: { ...ids(s), state }, value: s.state === state ? 1 : 0 }))),
    },
    {
      name: "certctl_certificate_last_renewal_timestamp_seconds",
      help: "When the certificate on disk was issued or last renewed, as a Unix time.",
      samples: per((s) => seconds(s.lastRenewal)),
    },
    {
      name: "certctl_certificate_last_failure_timestamp_seconds",
      help: "When the last failed renewal attempt happened, as a Unix time; 0 when none is recorded (a success clears it).",
      samples: per((s) => seconds(s.lastFailure?.time) ?? 0),
    },
    {
      name: "certctl_check_timestamp_seconds",
      help: "When certctl wrote this file, as a Unix time.",
      samples: [{ labels: {}, value: now.getTime() / 1000 }],
    },
  ];
  return families.map(familyText).join("");
}

function familyText(family: Family): string {
  const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} gauge`];
  for (const { labels, value } of family.samples) {
    const pairs = Object.entries(labels).map(([key, text]) => `${key}="${escapeLabel(text)}"`);
    lines.push(`${family.name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${formatValue(value)}`);
  }
  return lines.join("\n") + "\n";
}

/** Label values: backslash, double quote and line feed are escaped (the exposition format's rule). */
export function escapeLabel(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text: backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  return String(value);
}

/** Why `path` cannot take the metrics file (its directory missing, or it is a directory); undefined when it can. */
export async function metricsTargetProblem(path: string): Promise<string | undefined> {
  const folder = await stat(dirname(path)).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (folder instanceof Error) return `its directory ${dirname(path)}: ${fileReason(folder)}`;
  if (!folder.isDirectory()) return `${dirname(path)} is not a directory`;
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) return "it is a directory";
  return undefined;
}

export async function writeMetricsFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, PUBLIC_MODE);
}

/** renew --metrics-file: read the directories a run named as they are now, and write the file. */
export async function writeFleetMetrics(args: readonly string[], cwd: string, now: Date, renewBefore: RenewBefore, path: string): Promise<void> {
  const targets = (await discoverDirectories(args, cwd, { pendingOnly: true })).filter((t) => t.error === undefined);
  const states = await surveyDirectories(targets, now, renewBefore);
  await writeMetricsFile(path, metricsText(states, now));
}
