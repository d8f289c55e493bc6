// Flags of `certctl agent`. Light module: commander only.
import { Command, Option } from "commander";
import { withDefault } from "../shared/flags.js";

export interface AgentFlags {
  config: string;
  interval: string;
  randomDelay: string;
  logFormat: string;
  once?: boolean;
  concurrency: string;
}

export function agentCommand(): Command {
  return new Command("agent")
    .summary("Keep the certificates of a declarative file current, as a long-running process")
    .description(
      "Keep the certificates of a declarative file current: a long-running process for containers and hosts " +
      "without cron. Each cycle is `certctl apply` over the file's certificates (issue what is missing, renew what " +
      "is due, re-issue what changed, follow certificate-id entries, resume a pending request); the Infisical " +
      "agent's certificate-agent-config.yaml is read too. Checks on an interval with jitter; keeps its state in the " +
      "certificate directories, so a restart re-issues nothing; logs in once and renews the access token before it " +
      "expires; SIGHUP re-reads the file (one that does not validate is logged and the previous one kept); " +
      "SIGTERM/SIGINT finish the current write and exit 0. One certificate's failure never stops it: that " +
      "certificate is retried after 1m, 2m, 4m ... up to the interval.",
    )
    .addOption(new Option("-f, --config <file>", "the declarative file (YAML or JSON)").makeOptionMandatory())
    .addOption(withDefault(new Option("--interval <duration>", "time between checks (varies by up to 5 % either way)"), "1h"))
    .addOption(withDefault(new Option("--random-delay <duration>", "wait a random time up to this before each check: spreads a fleet across the server's rate-limit window"), "0"))
    .addOption(withDefault(new Option("--log-format <format>", "log lines as text or one JSON object per line (time, level, event, certificate, message)").choices(["text", "json"]), "text"))
    .addOption(new Option("--once", "run one check and exit (its exit code says how it went)"))
    .addOption(withDefault(new Option("--concurrency <n>", "work on at most this many certificates at once"), "4"))
    .addHelpText(
      "after",
      `
An entry's deploy-hook runs with the certificate's CERTCTL_* variables and CERTCTL_EVENT=issued,
renewed or reinstalled (only the output formats changed); its failure-hook with CERTCTL_EVENT=failed, CERTCTL_NAME and CERTCTL_MESSAGE. Under
--log-format json, what hooks print is logged as hook-output events. Send SIGHUP (kill -HUP <pid>; the pid is in the start line) to re-read the file and the secret files it names, and to retry failed certificates now.

Examples:
  $ certctl agent -f /etc/certctl/certctl.yaml
  $ certctl agent -f certctl.yaml --interval 30m --random-delay 5m --log-format json
  $ certctl agent -f /etc/infisical/certificate-agent-config.yaml   # the official agent's file
  $ certctl agent -f certctl.yaml --once               # one check; the exit code says how it went
`,
    );
}
