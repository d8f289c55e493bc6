// certctl convert-agent-config <file>: the Infisical agent's config as a certctl file, on stdout.
import type { Command } from "commander";
import { resolve } from "node:path";
import { stringify } from "yaml";
import type { CommandContext } from "../context.js";
import { UsageError } from "../../model/errors.js";
import { readConfigSource } from "../../core/config/source.js";
import { isAgentConfig } from "../../core/config/agent.js";
import { fromSource } from "../../core/config/load.js";
import { createOutput } from "../../ui/output.js";

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const path = resolve(ctx.io.cwd, String(command.args[0]));
  const source = await readConfigSource(path);
  if (!isAgentConfig(source.data)) {
    throw new UsageError(`${source.label}: not an Infisical agent config (version: v1 or v2 with certificates carrying profile-name or certificate-id)`);
  }
  const { file, agent } = fromSource(source);
  const out = createOutput(ctx);
  for (const note of agent?.notes ?? []) out.warn(note);
  const header = `# certctl declarative file, converted from ${source.label} (certctl apply -f <this file>)\n` +
    `# yaml-language-server: $schema=https://raw.githubusercontent.com/certctl/certctl/main/schema/certctl.schema.json\n`;
  if (out.mode === "json") ctx.io.stdout.write(JSON.stringify(file, null, 2) + "\n");
  else if (out.mode === "human") ctx.io.stdout.write(header + stringify(file));
  return 0;
}
