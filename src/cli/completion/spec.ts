// Shell completion scripts generated from the command tree, so a new flag or value is completed
// the day it is added. Kept light (no commander, x509 or undici import): it describes commander
// objects structurally and takes its value lists from the tiny src/model/types.ts.
import {
  EXT_KEY_USAGES, KEY_ALGORITHMS, KEY_USAGES, REVOCATION_REASONS, SIGNATURE_ALGORITHMS,
} from "../../model/types.js";
import { KEY_ALGORITHM_SHORT_NAMES } from "../../model/algorithms.js";
import { renderBash, renderFish, renderZsh } from "./scripts.js";

export type Shell = "bash" | "zsh" | "fish";

/** The parts of a commander Option that completion reads. */
export interface OptionLike {
  long?: string | undefined;
  short?: string | undefined;
  description: string;
  required: boolean;
  optional: boolean;
  variadic: boolean;
  hidden: boolean;
  argChoices?: string[] | undefined;
  defaultValue?: unknown;
}
export interface ArgumentLike {
  name(): string;
  description: string;
  variadic: boolean;
  argChoices?: string[] | undefined;
}
export interface CommandLike {
  name(): string;
  description(): string;
  readonly options: readonly OptionLike[];
  readonly registeredArguments: readonly ArgumentLike[];
  readonly commands: readonly CommandLike[];
}

/** What follows a flag or fills an argument. */
export type ValueKind =
  | { kind: "none" } // a switch
  | { kind: "free" } // any text: offer nothing
  | { kind: "file" }
  | { kind: "dir" }
  | { kind: "values"; values: string[]; list: boolean }; // list: comma-separated

export interface FlagSpec {
  long?: string;
  short?: string;
  description: string;
  value: ValueKind;
  /** The value may be omitted (`--flag[=value]`). */
  optionalValue: boolean;
  repeatable: boolean;
}
export interface CommandSpec {
  name: string;
  description: string;
  flags: FlagSpec[];
  /** Positional arguments in order; the last one repeats when variadic. */
  args: Array<{ name: string; value: ValueKind; variadic: boolean }>;
}
export interface CompletionSpec {
  program: string;
  globals: FlagSpec[];
  commands: CommandSpec[];
}

const kebab = (values: readonly string[]) => values.map((v) => v.replaceAll("_", "-"));

/**
 * Values of flags that take a fixed set, where the flag itself does not declare choices. Only
 * flags of the real command tree may appear here and below (test/e2e/completion.test.ts checks).
 */
const FLAG_VALUES: Record<string, { values: readonly string[]; list?: boolean }> = {
  // The short spellings are the ones --key-algorithm's help and error message advertise.
  "--key-algorithm": { values: [...KEY_ALGORITHMS, ...KEY_ALGORITHM_SHORT_NAMES] },
  "--key-usage": { values: [...KEY_USAGES, ...kebab(KEY_USAGES)], list: true },
  "--ext-key-usage": { values: [...EXT_KEY_USAGES, ...kebab(EXT_KEY_USAGES)], list: true },
  "--signature-algorithm": { values: SIGNATURE_ALGORITHMS },
  "--reason": { values: [...kebab(REVOCATION_REASONS).map((r) => r.toLowerCase()), ...REVOCATION_REASONS] },
  "--approval": { values: ["none", "manual", "auto="] },
};
const FILE_FLAGS = new Set(["--cacert", "--csr", "--key"]);
const REPEATABLE_FLAGS = new Set(["--dns", "--ip", "--email", "--uri", "--san", "--key-usage", "--ext-key-usage"]);

/** Every flag the tables above name, so a test can check each one exists. */
export function flagsNamedByCompletionTables(): string[] {
  return [...Object.keys(FLAG_VALUES), ...FILE_FLAGS, ...REPEATABLE_FLAGS];
}

function flagValue(option: OptionLike): ValueKind {
  if (!option.required && !option.optional) return { kind: "none" };
  if (option.argChoices) return { kind: "values", values: [...option.argChoices], list: false };
  const long = option.long ?? "";
  const table = FLAG_VALUES[long];
  if (table) return { kind: "values", values: [...table.values], list: table.list === true };
  if (long.endsWith("-dir")) return { kind: "dir" };
  if (long.endsWith("-file") || FILE_FLAGS.has(long)) return { kind: "file" };
  return { kind: "free" };
}

function argValue(arg: ArgumentLike, commands: readonly string[]): ValueKind {
  if (arg.argChoices) return { kind: "values", values: [...arg.argChoices], list: false };
  const name = arg.name().toLowerCase();
  if (name === "command") return { kind: "values", values: [...commands], list: false };
  if (name.includes("dir")) return { kind: "dir" };
  if (name.includes("file") || name.includes("path")) return { kind: "file" };
  return { kind: "free" };
}

function flagSpecs(options: readonly OptionLike[]): FlagSpec[] {
  const flags: FlagSpec[] = options
    .filter((option) => !option.hidden)
    .map((option) => {
      const spec: FlagSpec = {
        description: firstSentence(option.description),
        value: flagValue(option),
        optionalValue: option.optional,
        repeatable: option.variadic || Array.isArray(option.defaultValue) || REPEATABLE_FLAGS.has(option.long ?? ""),
      };
      if (option.long) spec.long = option.long;
      if (option.short) spec.short = option.short;
      return spec;
    });
  // commander keeps the help option apart from .options.
  flags.push({ short: "-h", long: "--help", description: "show help", value: { kind: "none" }, optionalValue: false, repeatable: false });
  return flags;
}

/** The command tree as plain data: global flags, then each command's flags and arguments. */
export function completionSpec(root: CommandLike): CompletionSpec {
  const names = root.commands.map((command) => command.name());
  const commands: CommandSpec[] = root.commands.map((command) => ({
    name: command.name(),
    description: firstSentence(command.description()),
    flags: flagSpecs(command.options),
    args: command.registeredArguments.map((arg) => ({ name: arg.name(), value: argValue(arg, names), variadic: arg.variadic })),
  }));
  // commander adds `help [command]` on demand, outside .commands.
  commands.push({
    name: "help",
    description: "show help for a command",
    flags: [],
    args: [{ name: "command", value: { kind: "values", values: names, list: false }, variadic: false }],
  });
  return { program: root.name(), globals: flagSpecs(root.options), commands };
}

export function generateCompletion(root: CommandLike, shell: Shell): string {
  const spec = completionSpec(root);
  if (shell === "bash") return renderBash(spec);
  if (shell === "zsh") return renderZsh(spec);
  return renderFish(spec);
}

/** Help texts run long; a completion menu wants a short clause. */
function firstSentence(text: string): string {
  let cut = (text.replace(/\s*\([^)]*\)/g, "").split(/;\s|\.\s/)[0] ?? "").replace(/\s+/g, " ").trim();
  // "key to generate: RSA_2048, RSA_3072, …" — the values are completed anyway.
  if (cut.length > 60 && cut.indexOf(": ") > 8) cut = cut.slice(0, cut.indexOf(": "));
  return cut.length > 72 ? `${cut.slice(0, 69).trimEnd()}...` : cut;
}
