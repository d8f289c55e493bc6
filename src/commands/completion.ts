import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";

export async function run(_ctx: CommandContext, _command: Command): Promise<number> {
  throw new UsageError("'completion' is not implemented yet");
}
