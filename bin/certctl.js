#!/usr/bin/env node
// Tiny shim: all behaviour lives in src/main.ts (bundled into dist/ by scripts/build.js).
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
  // Asked often by scripts and tooling: answer without loading the program at all.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // dist/ is minified; with CERTCTL_DEBUG=1 stack traces point into src/ through the source maps.
  if (process.env.CERTCTL_DEBUG === "1") process.setSourceMapsEnabled(true);
  const { main } = await import("../dist/main.js");
  process.exitCode = await main(argv);
}
