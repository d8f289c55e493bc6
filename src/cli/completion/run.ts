// `certctl completion <shell>`: the script for the program this command belongs to, generated
// from its command tree. Loads nothing heavy.
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { generateCompletion, type Shell } from "./spec.js";
import { createOutput } from "../../ui/output.js";
import { SHELLS } from "./define.js";
import { invalidValue } from "../shared/wording.js";

export interface CompletionParams {
  shell: Shell;
}

/** The wiring: the <shell> argument → params (commander has checked it against SHELLS already). */
export function parseCompletionFlags(shell: string): CompletionParams {
  if (!(SHELLS as readonly string[]).includes(shell)) throw invalidValue("<shell>", shell, `options are ${SHELLS.join(", ")}`);
  return { shell: shell as Shell };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const { shell } = parseCompletionFlags(String(command.args[0] ?? ""));
  const root = command.parent ?? command;
  const script = generateCompletion(root, shell);
  // result() adds the final newline back, so stdout equals completions/certctl.<shell> byte for byte.
  createOutput(ctx).result({ shell, script }, () => script.replace(/\n$/, ""));
  return 0;
}
