// Flags of `certctl revoke`. Light module: commander only.
import { Command, Option } from "commander";
import { moveToDomainOption, outDirOption, trustSharedDirOption } from "../shared/flags.js";

export interface RevokeFlags {
  trustSharedDir?: boolean;
  outDir?: string;
  certificateId?: string;
  reason?: string;
  yes?: boolean;
  moveToDomain?: boolean;
}

const REASONS =
  "unspecified, key-compromise, ca-compromise, affiliation-changed, superseded, cessation-of-operation, " +
  "certificate-hold, privilege-withdrawn, a-a-compromise (KEY_COMPROMISE etc. also accepted)";

export function revokeCommand(): Command {
  return new Command("revoke")
    .summary("Revoke a certificate")
    .description("Revoke a certificate, named by the directory certctl wrote it to or by its certificate id")
    .addOption(outDirOption("revoke the certificate recorded in <dir>/certctl.json"))
    .addOption(new Option("--certificate-id <id>", "revoke the certificate with this Infisical id"))
    .addOption(new Option("--reason <reason>", `why: ${REASONS}`))
    .addOption(new Option("-y, --yes", "do not ask for confirmation (needed when not on a terminal)"))
    .addOption(moveToDomainOption())
    .addOption(trustSharedDirOption())
    .addHelpText(
      "after",
      `
Exactly one of --out-dir and --certificate-id. On a terminal certctl asks before revoking;
scripts must pass --yes. Revocation cannot be undone.

Examples:
  $ certctl revoke --out-dir /etc/certctl/web --reason key-compromise
  $ certctl revoke --certificate-id 6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41 --reason superseded --yes
  $ certctl revoke --out-dir ./old-api --reason cessation-of-operation --yes --json
`,
    );
}
