import { Command } from "commander";

export function renewCommand(): Command {
  return new Command("renew").description("Renew certificates that are due");
}
