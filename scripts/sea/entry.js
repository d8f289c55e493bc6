// Entry of the single executable (scripts/sea.js bundles it into one CommonJS script). Same job
// as bin/certctl.js: `--version` is answered before any of the CLI's modules are initialised.
// A Node single executable puts its own path in argv[1] too, so the arguments start at 2.
/* global CERTCTL_VERSION */
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${CERTCTL_VERSION}\n`);
} else {
  import("../../src/cli/main.ts").then(async ({ main }) => {
    process.exitCode = await main(argv);
  });
}
