// certctl(1) rendered from the command tree, the way completions are: a flag added to a command's
// define.ts is in the man page the day it is added (test/e2e/man.test.ts fails when man/certctl.1
// falls behind). Structural types only, so this module loads no commander of its own.

/** The parts of a commander Option and Command the page reads. */
export interface ManOption {
  flags: string;
  description: string;
  hidden: boolean;
  defaultValue?: unknown;
  negate?: boolean;
}
export interface ManCommand {
  name(): string;
  description(): string;
  summary?(): string;
  usage(): string;
  readonly options: readonly ManOption[];
  readonly commands: readonly ManCommand[];
  helpInformation?(): string;
}

export interface ManPage {
  version: string;
  /** One line per exit code: [code, meaning]. */
  exitCodes: ReadonlyArray<readonly [string, string]>;
  /** Extra sections after COMMANDS: [title, paragraphs]. */
  sections?: ReadonlyArray<readonly [string, readonly string[]]>;
}

/** roff escaping: backslashes, and a leading dot or quote that would start a request. */
export function roff(text: string): string {
  return text
    .replace(/\\/g, "\\e")
    .replace(/-/g, "\\-")
    .replace(/^([.'])/gm, "\\&$1");
}

function optionBlock(option: ManOption): string[] {
  const def = option.defaultValue;
  const shown = def === undefined || def === false || option.negate || (Array.isArray(def) && def.length === 0)
    ? ""
    : ` (default: ${Array.isArray(def) ? def.join(", ") : String(def)})`;
  return [".TP", `.B ${roff(option.flags)}`, roff(`${option.description}${shown}`)];
}

function optionsOf(command: ManCommand): string[] {
  return command.options.filter((o) => !o.hidden).flatMap(optionBlock);
}

/** The whole page. `date` is fixed by the caller so the generated file is reproducible. */
export function renderManPage(root: ManCommand, page: ManPage): string {
  const lines: string[] = [
    `.TH CERTCTL 1 "" "certctl ${roff(page.version)}" "User Commands"`,
    ".SH NAME",
    `certctl \\- ${roff(root.description())}`,
    ".SH SYNOPSIS",
    ".B certctl",
    "[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]",
    ".SH DESCRIPTION",
    roff("certctl issues, renews, revokes and inspects X.509 certificates through the Infisical Certificate Manager API. " +
      "By default the key is generated locally and only a certificate signing request is sent. Files are written as one " +
      "verified set and replaced atomically."),
    ".SH GLOBAL OPTIONS",
    ...optionsOf(root),
    ".SH COMMANDS",
  ];
  for (const command of root.commands) {
    lines.push(".SS " + roff(`certctl ${command.name()} ${command.usage()}`.trim()));
    lines.push(roff(command.description()));
    const options = optionsOf(command);
    if (options.length > 0) lines.push(".PP", "Options:", ".RS", ...options, ".RE");
  }
  for (const [title, paragraphs] of page.sections ?? []) {
    lines.push(`.SH ${roff(title.toUpperCase())}`);
    paragraphs.forEach((text, i) => lines.push(...(i > 0 ? [".PP"] : []), roff(text)));
  }
  lines.push(".SH EXIT STATUS");
  for (const [code, meaning] of page.exitCodes) lines.push(".TP", `.B ${roff(code)}`, roff(meaning));
  lines.push(".SH SEE ALSO", ".BR openssl (1),", ".BR systemd.timer (5),", ".BR crontab (5)");
  return lines.join("\n") + "\n";
}
