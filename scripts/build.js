#!/usr/bin/env node
// Build dist/ with esbuild: our code and its dependencies bundled, split into chunks so each
// command loads only what it uses (--help and --version load commander and the flag
// definitions only; x509, undici and the dev server arrive with the commands that need them).
// Type checking is tsc's job (`tsc --noEmit` in `npm run build`); this only emits.
//
// Two passes, because esbuild splits only ES modules and dist/ is CommonJS:
// 1. bundle and split as ES modules into a scratch folder;
// 2. turn each file into CommonJS (import → require, import() → a lazy require), with the
//    first pass's source maps carried through.
// dist/ is CommonJS so that bin/compile-cache.js can give V8 a code cache for it: Node 20's ES
// module loader takes none (`module.enableCompileCache` arrived in Node 22), and compiling the
// renew path's ~1 MB again on every run was a fifth of a fleet renewal's main-thread time.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const scratch = join(root, "dist.esm-tmp");
rmSync(dist, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });

const minify = process.env.CERTCTL_NO_MINIFY !== "1";

// commander requires node:child_process at the top of lib/command.js for executable
// subcommands, which certctl has none of; loading it cost ~9 ms at every start, --help included.
// It is required when commander would spawn, never before.
//
// undici's HTTP/1.1 client requires its HTTP/2 client (and node:http2, ~8 ms) at the top of
// client.js; it is used only for a TLS connection that negotiated h2, which certctl's agents
// never offer (allowH2 is off), so it is required when that happens, not before. Its proxy
// agent requires the SOCKS5 agent the same way, for a socks5:// proxy only.
const REQUIRE_REWRITES = [
  {
    file: /[\\/]commander[\\/]lib[\\/]command\.js$/,
    from: "const childProcess = require('node:child_process');",
    to: "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };",
  },
  {
    // SOCKS5 proxies (socks5:// in ALL_PROXY and the like), likewise: loaded when one is used.
    file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]proxy-agent\.js$/,
    from: "const Socks5ProxyAgent = require('./socks5-proxy-agent')",
    to: "const Socks5ProxyAgent = function (...args) { return new (require('./socks5-proxy-agent'))(...args) }",
  },
  {
    // proper-lockfile's fs is graceful-fs, whose loading (it clones and patches fs, ~7 ms) sits
    // between a renewal's planning and its login; graceful-fs queues calls that hit EMFILE, and
    // certctl keeps at most a few dozen files open. Node's own fs, as for everything else.
    file: /[\\/]proper-lockfile[\\/]lib[\\/](lockfile|adapter)\.js$/,
    from: "const fs = require('graceful-fs');",
    to: "const fs = require('fs');",
  },
  {
    file: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
    from: "const connectH2 = require('./client-h2.js')",
    to: "const connectH2 = (...args) => require('./client-h2.js')(...args)",
  },
];
const requireRewrites = {
  name: "certctl-require-rewrites",
  setup(b) {
    for (const { file, from, to } of REQUIRE_REWRITES) {
      b.onLoad({ filter: file }, (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes(from)) throw new Error(`${args.path} no longer says \`${from}\` as scripts/build.js expects`);
        return { contents: text.replace(from, to), loader: "js" };
      });
    }
  },
};
try {
  const first = await build({
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
    outdir: scratch,
    outExtension: { ".js": ".cjs" },
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
    // Smaller files parse faster at start-up; keepNames because error classes report their name.
    // CERTCTL_NO_MINIFY=1 keeps names and lines readable in a --cpu-prof profile.
    minify,
    keepNames: true,
    logLevel: "warning",
    metafile: true,
    plugins: [requireRewrites],
  });
  const outputs = Object.keys(first.metafile.outputs).filter((file) => file.endsWith(".cjs")).map((file) => join(root, file));
  await build({
    absWorkingDir: root,
    entryPoints: outputs,
    outbase: scratch,
    outdir: dist,
    outExtension: { ".js": ".cjs" },
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    // import() of a chunk or a built-in becomes Promise.resolve().then(() => require(…)).
    supported: { "dynamic-import": false },
    sourcemap: "linked",
    sourcesContent: false,
    minifyWhitespace: minify,
    // The first pass named everything it renamed (keepNames); this one shortens what the conversion
    // added (`import_chunk_…` bindings: ~0.1 MB).
    minifyIdentifiers: minify,
    // src/util/package-root.ts reads import.meta.url only where __filename does not exist (src/ as ESM).
    logOverride: { "empty-import-meta": "silent" },
    logLevel: "warning",
  });
  // What bin/compile-cache.js keys its cache on: the build, not each file's bytes.
  const hash = createHash("sha256");
  for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".cjs")).sort()) {
    hash.update(file).update(readFileSync(join(dist, file)));
  }
  writeFileSync(join(dist, "build-id"), `${hash.digest("hex").slice(0, 16)}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
