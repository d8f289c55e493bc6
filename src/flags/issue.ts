import { Command } from "commander";

export function issueCommand(): Command {
  return new Command("issue").description("Issue a certificate");
}
