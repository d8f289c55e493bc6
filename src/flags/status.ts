import { Command } from "commander";

export function statusCommand(): Command {
  return new Command("status").description("Check or resume a pending certificate request");
}
