import { Command } from "commander";

export function revokeCommand(): Command {
  return new Command("revoke").description("Revoke a certificate");
}
