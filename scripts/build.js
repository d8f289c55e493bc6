#!/usr/bin/env node
// Build dist/ with esbuild: our code and its dependencies bundled, split into chunks so each
// command loads only what it uses (--help and --version load commander and the flag
// definitions only; x509, undici and the dev server arrive with the commands that need them).
// Type checking is tsc's job (`tsc --noEmit` in `npm run build`); this only emits.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: {
    main: "src/cli/main.ts",
    // Entry points of their own for the scripts that import them (completions, bench).
    program: "src/cli/program.ts",
    "completion": "src/cli/completion/spec.ts",
    man: "src/cli/man-page.ts",
    "keys": "src/core/crypto/keys.ts",
    "csr": "src/core/crypto/csr.ts",
    "p12": "src/core/formats/p12.ts",
  },
  outdir: "dist",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Maps without the sources themselves: CERTCTL_DEBUG=1 stack traces still point at src/ file
  // and line, and the tests read which modules each chunk holds, but the package does not carry
  // the whole TypeScript source (which was three quarters of the tarball).
  sourcemap: "linked",
  sourcesContent: false,
  // Bundled CommonJS dependencies (commander, undici, ajv…) call require(); give each chunk one.
  banner: { js: 'import { createRequire as __certctlRequire } from "node:module"; const require = __certctlRequire(import.meta.url);' },
  // Smaller files parse faster at start-up; keepNames because error classes report their name.
  // CERTCTL_NO_MINIFY=1 keeps names and lines readable in a --cpu-prof profile.
  minify: process.env.CERTCTL_NO_MINIFY !== "1",
  keepNames: true,
  logLevel: "warning",
});
