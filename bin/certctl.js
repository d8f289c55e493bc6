#!/usr/bin/env node
// Tiny shim: all behaviour lives in src/cli/main.ts (bundled into dist/ by scripts/build.js).
// CommonJS on purpose (bin/package.json): `--version` is answered without starting Node's ESM
// loader at all, which is most of what it would otherwise cost over a bare `node`.
"use strict";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${require("../package.json").version}\n`);
} else {
  // dist/ is minified; with CERTCTL_DEBUG=1 stack traces point into src/ through the source maps.
  if (process.env.CERTCTL_DEBUG === "1") process.setSourceMapsEnabled(true);
  import("../dist/main.js").then(
    async ({ main }) => {
      process.exitCode = await main(argv);
    },
    (error) => {
      process.stderr.write(`certctl: cannot load dist/ (${error.code ?? error.message}); run \`npm run build\` first\n`);
      process.exitCode = 1;
    },
  );
}
