import { Command } from "commander";

export function devServerCommand(): Command {
  return new Command("dev-server").description("Run a local Infisical-compatible issuer");
}
