#!/usr/bin/env node
// npm run sea — certctl as one executable file for this platform (dist-sea/certctl), built with
// Node's single-executable-application support: the running `node` binary with certctl injected.
//
// 1. esbuild bundles scripts/sea/entry.js into ONE CommonJS script (a SEA runs a single script and
//    can require() only Node's built-in modules): no splitting, dynamic imports inlined (esbuild
//    still initialises each lazily imported module only when its import() runs).
// 2. The files the CLI reads from its package folder at run time (package.json for the version,
//    spec/ for the dev server's validation) are embedded: src/util/package-root.ts is swapped for
//    a module holding them.
// 3. `node --experimental-sea-config` turns the script into a blob with V8's code cache (start-up
//    skips compiling the ~2 MB script), and postject injects it into a copy of `node`.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "dist-sea");
const script = join(out, "certctl.cjs");
const blob = join(out, "certctl.blob");
const executable = join(out, "certctl");
const started = Date.now();
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

if (process.platform !== "linux") process.stderr.write(`sea: built and tested on linux only; trying ${process.platform}\n`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// What readPackageFile() may ask for, taken from the package as `npm pack` would ship it.
const embedded = { "package.json": JSON.stringify({ name: pkg.name, version: pkg.version }) };
for (const file of readdirSync(join(root, "spec"))) embedded[`spec/${file}`] = readFileSync(join(root, "spec", file), "utf8");

const embedPackageFiles = {
  name: "certctl-embedded-package-files",
  setup(b) {
    b.onResolve({ filter: /\/util\/package-root\.js$/ }, () => ({ path: "package-files", namespace: "certctl-embedded" }));
    b.onLoad({ filter: /.*/, namespace: "certctl-embedded" }, () => ({
      loader: "js",
      contents: `
const files = ${JSON.stringify(embedded)};
export function packageRoot() {
  throw new Error("the single executable has no package folder; use readPackageFile()");
}
export function readPackageFile(path) {
  const text = files[path];
  if (text === undefined) throw new Error(\`\${path} is not embedded in the single executable (scripts/sea.js)\`);
  return text;
}
`,
    }));
  },
};

// A SEA's script has no ESM loader: import() of anything left outside the bundle fails ("A dynamic
// import callback was not specified"). esbuild leaves built-ins outside, so a dynamic import of
// one (`await import("node:v8")`) becomes a bundled module that require()s it.
const requireDynamicBuiltins = {
  name: "certctl-dynamic-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, namespace: "certctl-builtin" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "certctl-builtin" }, (args) => ({ loader: "js", contents: `module.exports = require(${JSON.stringify(args.path)});` }));
  },
};

const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: ["scripts/sea/entry.js"],
  outfile: script,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  define: { CERTCTL_VERSION: JSON.stringify(pkg.version) },
  plugins: [embedPackageFiles, requireDynamicBuiltins],
  // As dist/: smaller source parses faster; keepNames because error classes report their name.
  minify: process.env.CERTCTL_NO_MINIFY !== "1",
  keepNames: true,
  logLevel: "warning",
  metafile: true,
});
const unbundled = Object.values(metafile.outputs).flatMap((o) => o.imports).filter((i) => i.external && i.kind !== "require-call");
if (unbundled.length > 0) throw new Error(`sea: the script would import() at run time, which a SEA cannot: ${unbundled.map((i) => i.path).join(", ")}`);

// The code cache took `--version` from 568 to 241 ms and `--help` from 656 to 374 ms here
// (`node -e 0`: 187 ms on the same busy machine); CERTCTL_SEA_NO_CODE_CACHE=1 builds without it to
// compare. No startup snapshot: it would have to initialise the modules at build time to save
// anything over the code cache, and chalk and ora decide colour and TTY support as they initialise.
const config = join(out, "sea-config.json");
writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: process.env.CERTCTL_SEA_NO_CODE_CACHE !== "1" }, null, 2));
// It reports "Wrote single executable preparation blob…" on stderr; failures throw with its output.
execFileSync(process.execPath, ["--experimental-sea-config", config], { stdio: "pipe" });

copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
// postject's API rather than its CLI: no npx, and its output is ours to filter.
const { inject } = createRequire(import.meta.url)("postject");
const log = console.log;
const warn = console.warn;
const noted = [];
// postject prints a harmless "Can't find string offset for section name '.note'" (or '.note.100')
// for node binaries; keep anything else it says.
console.log = console.warn = (...args) => noted.push(args.join(" "));
try {
  await inject(executable, "NODE_SEA_BLOB", readFileSync(blob), { sentinelFuse: "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2" });
} finally {
  console.log = log;
  console.warn = warn;
}
for (const line of noted) if (!/string offset for section name '\.note(\.\d+)?'/.test(line) && line.trim() !== "") process.stderr.write(`postject: ${line}\n`);
rmSync(blob);
rmSync(config);

const mb = (file) => (statSync(file).size / 1e6).toFixed(1);
process.stderr.write(`sea: ${executable} (${mb(executable)} MB; script ${mb(script)} MB, Node ${process.version}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
