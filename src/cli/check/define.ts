// Flags of `certctl check`. Light module: commander only.
import { Command, Option } from "commander";
import { renewBeforeOption } from "../list/define.js";

export interface CheckFlags {
  renewBefore?: string;
  format: "text" | "nagios";
  metricsFile?: string;
}

export function checkCommand(): Command {
  return new Command("check")
    .summary("Exit 9 when a certificate needs attention (for monitoring and scripts)")
    .description("Check every certificate directory (default .): exit 0 when all are ok, 9 when one is due, pending, revoked, expired or broken; reads local files only")
    .argument("[dir...]", "directories holding certctl.json, or directories of such directories (each subdirectory with a certctl.json)", ["."])
    .addOption(renewBeforeOption())
    .addOption(new Option("--format <format>", "text, or nagios: one plugin line with perfdata and the plugin exit codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)").choices(["text", "nagios"]).default("text"))
    .addOption(new Option("--metrics-file <path>", "also write a Prometheus textfile (node_exporter's textfile collector; name it *.prom), atomically"))
    .addHelpText("after", `
Prints one line per directory that needs attention and a summary line (--json: one document,
--quiet: nothing; the exit code says it). Exit codes: 0 nothing needs attention, 9 something is
due, pending, revoked, expired or broken, 7 a directory named holds no certificate. With
--format nagios: 0 OK, 1 WARNING (due or pending), 2 CRITICAL (expired, revoked or broken),
3 UNKNOWN (check itself could not run). Sends nothing and needs no credentials.

Metrics: certctl_certificate_not_after_timestamp_seconds, certctl_certificate_seconds_left,
certctl_certificate_state{state=...}, certctl_certificate_last_renewal_timestamp_seconds,
certctl_certificate_last_failure_timestamp_seconds, certctl_certificate_info,
certctl_check_timestamp_seconds; labels dir and name.

Examples:
  $ certctl check /etc/certctl/certs || echo "a certificate needs attention"
  $ certctl check /etc/certctl/certs --format nagios     # a Nagios/Icinga command definition
  $ certctl check /etc/certctl/certs --quiet --metrics-file /var/lib/node_exporter/textfile/certctl.prom
`);
}
