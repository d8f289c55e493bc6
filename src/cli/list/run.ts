// certctl list: arguments → directories (discover) → their states (local files only) → a table,
// or one JSON array.
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import type { RenewBefore } from "../../core/renew/due.js";
import { parseRenewBefore } from "../renew/renew-before.js";
import { surveyArguments } from "../../core/fleet/survey.js";
import { UsageError } from "../../model/errors.js";
import { createOutput } from "../../ui/output.js";
import { listTable, stateDocument } from "../../ui/list.js";
import type { ListFlags } from "./define.js";

export interface ListParams {
  dirs: string[];
  renewBefore: RenewBefore;
}

/** The wiring: argv → params; a usage error names the flag. Touches nothing. */
export function parseListFlags(dirs: readonly string[], flags: ListFlags): ListParams {
  for (const dir of dirs) if (dir.trim() === "") throw new UsageError("an empty directory name was given; expected directories holding certctl.json");
  return { dirs: [...dirs], renewBefore: parseRenewBefore(flags.renewBefore) };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = parseListFlags(command.args, command.opts<ListFlags>());
  const states = await surveyArguments(params.dirs, ctx.io.cwd, new Date(), params.renewBefore);
  const out = createOutput(ctx);
  out.result(states.map(stateDocument), () => listTable(states, out.style));
  return 0;
}
