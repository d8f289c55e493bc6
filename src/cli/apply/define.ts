// Flags of `certctl apply` and `certctl convert-agent-config`. Light module: commander only.
import { Command, Option } from "commander";
import { withDefault } from "../shared/flags.js";

export interface ApplyFlags {
  config?: string;
  dryRun?: boolean;
  concurrency: string;
}

export function applyCommand(): Command {
  return new Command("apply")
    .summary("Make the certificates of a declarative file so: create, renew, replace or leave each")
    .description("Read a certctl file (YAML or JSON; or the Infisical agent's certificate-agent-config.yaml) and issue what is missing, renew what is due, re-issue what changed, and leave the rest")
    .addOption(new Option("-f, --config <file>", "the declarative file (schema: schema/certctl.schema.json)"))
    .addOption(new Option("--dry-run", "print the plan and send nothing"))
    .addOption(withDefault(new Option("--concurrency <n>", "at most this many certificates in flight"), "4"))
    .addHelpText("after", APPLY_EXAMPLES);
}

export function convertAgentConfigCommand(): Command {
  return new Command("convert-agent-config")
    .summary("Print the certctl file equivalent to an Infisical agent config")
    .description("Convert the Infisical agent's certificate-agent-config.yaml into certctl's declarative file (printed as YAML, or JSON with --json)")
    .argument("<file>", "the agent's config file")
    .addHelpText("after", `
Examples:
  $ certctl convert-agent-config /etc/infisical/certificate-agent-config.yaml > /etc/certctl/certctl.yaml
  $ certctl convert-agent-config certificate-agent-config.yaml --json   # the same, as JSON
`);
}

const APPLY_EXAMPLES = `
Plan symbols: + create, ~ renew, -/+ replace (the entry asks for something the certificate
lacks), = unchanged. Secrets are read only from files or the environment, never the file itself.
Exit code: the most severe entry's (see certctl --help).

Examples:
  $ certctl apply -f /etc/certctl/certctl.yaml --dry-run
  $ certctl apply -f /etc/certctl/certctl.yaml
  $ certctl apply -f /etc/infisical/certificate-agent-config.yaml   # the agent's file, converted in memory
`;
