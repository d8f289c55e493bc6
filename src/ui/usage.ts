// What a person sees when they run `certctl` with nothing, or mistype a command or a flag: a
// short overview instead of the full help, and commander's errors in certctl's own voice with
// the next thing to run. Plain text: these run before any command, and must stay cheap.
import type { Command } from "commander";

/** The one-line summary of a command: its summary(), else its description up to the first colon or semicolon. */
export function commandSummary(command: Command): string {
  return command.summary() || (command.description().split(/[:;]/)[0] ?? "").trim();
}

export interface OverviewDocument {
  name: string;
  version: string;
  usage: string;
  commands: Array<{ name: string; summary: string; usage: string }>;
  help: string;
}

export function overviewDocument(program: Command, version: string): OverviewDocument {
  return {
    name: "certctl",
    version,
    usage: "certctl [global flags] <command> [flags]",
    commands: program.commands.map((c) => ({ name: c.name(), summary: commandSummary(c), usage: `certctl ${c.name()} ${c.usage()}` })),
    help: "certctl <command> --help",
  };
}

/** `certctl` with no command: what it is, the commands, how to start, where the details are. */
export function overviewLines(doc: OverviewDocument): string[] {
  const width = Math.max(...doc.commands.map((c) => c.name.length));
  return [
    `certctl ${doc.version}: issue, renew and inspect X.509 certificates with Infisical Certificate Manager`,
    "",
    `Usage: ${doc.usage}`,
    "",
    "Commands:",
    ...doc.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Try it without an Infisical account:",
    "  certctl dev-server                 # a local issuer; it prints the three exports to paste",
    "  certctl issue --profile <id printed by dev-server> --cn demo.localhost   # writes ./demo.localhost/",
    "  certctl inspect demo.localhost/fullchain.pem",
    "",
    "Run 'certctl <command> --help' for a command's flags and examples, 'certctl --help' for the global flags.",
  ];
}

/**
 * commander's "error: unknown option '--cnn'\n(Did you mean --cn?)" as
 * "certctl: unknown option '--cnn' (Did you mean --cn?)", and its choice errors in the wording
 * certctl's own flags use (src/cli/shared/wording.ts): "invalid value 'x' for <shell>; options are …".
 */
export function usageMessage(commanderText: string): string {
  return commanderText
    .trim()
    .replace(/^error: /, "")
    .replace(/^command-argument value '(.*)' is invalid for argument '([^']+)'\. Allowed choices are (.*?)\.?$/s, "invalid value '$1' for <$2>; options are $3")
    .replace(/^option '(\S+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*?)\.?$/s, "invalid value '$2' for $1; options are $3")
    .replace(/\n\((Did you mean .*\?)\)/, " ($1)");
}

/** The next step after a usage error in `command`. */
export function usageHint(command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
  const name = ["certctl", ...path].join(" ");
  return path.length === 0
    ? "Run 'certctl --help' to see the commands and global flags."
    : `Run '${name} --help' to see its flags and examples.`;
}
