// Flags of `certctl status`. Light module: commander only.
import { Command, Option } from "commander";
import { outDirOption, waitTimeoutOption, trustSharedDirOption } from "../shared/flags.js";

export interface StatusFlags {
  trustSharedDir?: boolean;
  outDir: string;
  wait?: boolean;
  waitTimeout: string;
}

export function statusCommand(): Command {
  return new Command("status")
    .summary("Check or resume a pending certificate request")
    .description("Check or resume a certificate request; once issued, write the file set 'issue' would have written")
    .argument("<certificateRequestId>", "the request id certctl issue printed")
    .addOption(outDirOption("the directory given to certctl issue (holds the kept key)", "."))
    .addOption(new Option("--wait", "wait until the request is issued, failed or rejected"))
    .addOption(waitTimeoutOption("with --wait, wait at most this long"))
    .addOption(trustSharedDirOption())
    .addHelpText(
      "after",
      `
Exit codes: 0 issued (files written when certctl issue left a pending record in --out-dir),
4 failed or rejected, 5 still pending.

Examples:
  $ certctl status 8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e --out-dir /etc/certctl/web
  $ certctl status 8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e --out-dir ./pay --wait --wait-timeout 1h
  $ certctl status 8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e --json | jq -r .status
`,
    );
}
