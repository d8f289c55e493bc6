// Flags of `certctl renew`. Light module: commander only.
import { Command, Option } from "commander";
import { forceOption, moveToDomainOption, noWaitOption, waitTimeoutOption, withDefault, trustSharedDirOption } from "../shared/flags.js";

export interface RenewFlags {
  trustSharedDir?: boolean;
  renewBefore?: string;
  force?: boolean;
  dryRun?: boolean;
  reuseKey?: boolean;
  deployHook?: string;
  preHook?: string;
  postHook?: string;
  csr?: string;
  hookTimeout: string;
  randomDelay?: string;
  concurrency: string;
  lockTimeout: string;
  wait: boolean;
  waitTimeout: string;
  moveToDomain?: boolean;
  metricsFile?: string;
}

export function renewCommand(): Command {
  return new Command("renew")
    .summary("Renew the certificates that are due (safe to run from cron)")
    .description("Renew the certificates in each directory (default .) that are due; safe to run from cron or a systemd timer")
    .argument("[dir...]", "directories holding a certctl.json written by certctl issue, or directories of such directories", ["."])
    .addOption(new Option("--renew-before <duration|percent>", "renew when less than this is left: a time (30d, 12h) or a share of the lifetime (25%); default: when less than a third of the lifetime is left"))
    .addOption(forceOption("renew even when not due"))
    .addOption(new Option("--dry-run", "say what would be renewed; read local files only and send nothing"))
    .addOption(new Option("--reuse-key", "keep the existing key instead of generating a new one"))
    .addOption(new Option("--deploy-hook <command>", "run this through /bin/sh once per renewed directory, after its files are in place (CERTCTL_* variables set); default: the one recorded at issue time"))
    .addOption(new Option("--pre-hook <command>", "run this once before the first renewal of the run (not when nothing is due)"))
    .addOption(new Option("--post-hook <command>", "run this once after the run, only when something was renewed"))
    .addOption(withDefault(new Option("--hook-timeout <duration>", "kill a hook (and its process group) after this long"), "2m"))
    .addOption(new Option("--csr <file>", "for directories issued with --csr: the CSR to submit (default: the one recorded at issue time)"))
    .addOption(new Option("--random-delay <duration>", "before the first request, sleep a random time up to this (spreads a fleet's cron runs)"))
    .addOption(withDefault(new Option("--concurrency <n>", "at most this many requests to the server at once (twice as many directories are worked on)"), "4"))
    .addOption(withDefault(new Option("--lock-timeout <duration>", "wait this long for another certctl run on the same directory, then skip it (0: skip at once)"), "30s"))
    .addOption(noWaitOption("a pending renewal"))
    .addOption(waitTimeoutOption("wait at most this long for a pending renewal"))
    .addOption(moveToDomainOption())
    .addOption(new Option("--metrics-file <path>", "at the end of the run, write a Prometheus textfile of every directory's state (as certctl check --metrics-file does)"))
    .addOption(trustSharedDirOption())
    .addHelpText(
      "after",
      `
Each directory is decided from the certificate on disk. One line per directory: renewed (new
serial, not-after), not due (days left), skipped (another run holds its lock) or failed (why).
Exit code: 0 when everything was renewed or not due (or skipped for another run); otherwise the
most severe code among the directories (8: renewed but the deploy hook failed), after all were tried.

Deploy hook environment: CERTCTL_DIR, CERTCTL_CERT_FILE, CERTCTL_KEY_FILE, CERTCTL_CHAIN_FILE,
CERTCTL_FULLCHAIN_FILE, CERTCTL_SERIAL, CERTCTL_NOT_AFTER (Infisical secrets are removed).

Examples:
  $ certctl renew /etc/certctl/web --deploy-hook 'systemctl reload nginx'
  $ certctl renew /etc/certctl/certs --random-delay 30m --concurrency 2 --json   # each subdirectory with a certctl.json
  $ certctl renew ./certs --renew-before 25% --dry-run
  $ certctl renew ./certs --force --reuse-key
`,
    );
}
