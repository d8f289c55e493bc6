// Flags of `certctl list`. Light module: commander only.
import { Command, Option } from "commander";

export interface ListFlags {
  renewBefore?: string;
}

/** --renew-before as renew reads it, so list, check and renew agree on what is due. */
export function renewBeforeOption(): Option {
  return new Option("--renew-before <duration|percent>", "count a certificate as due when less than this is left, as renew would: 30d, 12h, or 25% of the lifetime; default one third (half under 10 days)");
}

export function listCommand(): Command {
  return new Command("list")
    .summary("Show every managed certificate directory and its state")
    .description("Show every certificate directory (default .) with its state, time left, subject and SANs, profile and server; reads local files only")
    .argument("[dir...]", "directories holding certctl.json, or directories of such directories (each subdirectory with a certctl.json)", ["."])
    .addOption(renewBeforeOption())
    .addHelpText("after", `
States: ok; due (renew would renew it now); pending (a request is waiting, e.g. for approval: its
id is shown); revoked (certctl revoke recorded it); expired; broken (certctl.json unreadable, a file
missing, the key not matching the certificate, or the set not what certctl.json records).
Sends nothing and needs no credentials: it reads certctl.json and the files of each directory.

Examples:
  $ certctl list /etc/certctl/certs                    # every subdirectory holding a certctl.json
  $ certctl list ./web ./api --renew-before 30d
  $ certctl list /etc/certctl/certs --json | jq -r '.[] | select(.state != "ok") | .dir'
`);
}
