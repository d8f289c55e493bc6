// `certctl completion <shell>`: the script for the program this command belongs to, generated
// from its command tree. Loads nothing heavy.
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { generateCompletion, type Shell } from "./spec.js";
import { createOutput } from "../../ui/output.js";

export interface CompletionParams {
  shell: Shell;
}

export function parseCompletionFlags(command: Command): CompletionParams {
  // commander has already checked the argument against SHELLS.
  return { shell: command.args[0] as Shell };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const { shell } = parseCompletionFlags(command);
  const root = command.parent ?? command;
  const script = generateCompletion(root, shell);
  // result() adds the final newline back, so stdout equals completions/certctl.<shell> byte for byte.
  createOutput(ctx).result({ shell, script }, () => script.replace(/\n$/, ""));
  return 0;
}
