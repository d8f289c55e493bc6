import { Command } from "commander";

export function completionCommand(): Command {
  return new Command("completion").description("Print a shell completion script");
}
