#!/usr/bin/env node
// Tiny shim: all behaviour lives in src/cli/main.ts (bundled into dist/ by scripts/build.js).
// `--version` is answered before any of dist/ is loaded, which is most of what it would otherwise
// cost over a bare `node`.
"use strict";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  process.stdout.write(`${require("../package.json").version}\n`);
} else {
  // dist/ is minified; with CERTCTL_DEBUG=1 stack traces point into src/ through the source maps.
  if (process.env.CERTCTL_DEBUG === "1") process.setSourceMapsEnabled(true);
  const saveCompileCache = require("./compile-cache.js").enableCompileCache(argv);
  let main;
  try {
    ({ main } = require("../dist/main.cjs"));
  } catch (error) {
    process.stderr.write(`certctl: cannot load dist/ (${error.code ?? error.message}); run \`npm run build\` first\n`);
    process.exitCode = 1;
  }
  if (main) {
    main(argv).then((code) => {
      process.exitCode = code;
      saveCompileCache();
    });
  }
}
