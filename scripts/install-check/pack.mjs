#!/usr/bin/env node
// npm run check:pack — the npm package as a user gets it: `npm pack`, then `npm install -g` of the
// tarball into a temporary prefix, offline, from a temporary directory with a temporary HOME and
// npm cache (nothing from the source tree or the registry can stand in for what the tarball lacks),
// then the installed `certctl` runs the common check (exercise.mjs). Install and every run must
// print no warning. Prints the tarball's size and file count.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, CheckFailed, exercise, runCheck } from "./exercise.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "certctl-pack-"));
const nodeDir = dirname(process.execPath);
const home = join(tmp, "home");
const prefix = join(tmp, "prefix");
const cwd = join(tmp, "cwd");
for (const dir of [home, cwd]) mkdirSync(dir);
// A clean environment: no npm_* variables of an enclosing `npm run`, no NODE_OPTIONS/NODE_PATH.
const env = { PATH: `${prefix}/bin:${nodeDir}:/usr/bin:/bin`, HOME: home, npm_config_cache: join(tmp, "npm-cache"), npm_config_update_notifier: "false" };

await runCheck("check:pack", tmp, async () => {
  process.stderr.write("npm pack (runs the build through prepack)\n");
  const packed = JSON.parse(execFileSync("npm", ["pack", "--pack-destination", tmp, "--json"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }))[0];
  const files = packed.files.map((f) => f.path);
  const maps = packed.files.filter((f) => f.path.endsWith(".map"));
  process.stderr.write(`  ${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.entryCount} files (source maps ${maps.reduce((n, f) => n + f.size, 0)} bytes)\n`);
  check(!files.some((f) => f.startsWith("src/") || f.endsWith(".ts") || f.startsWith("test/") || f.startsWith("node_modules/")), "the tarball holds no TypeScript source, tests or node_modules");
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", join(tmp, packed.filename), "package/package.json"], { encoding: "utf8" }));
  check(manifest.dependencies === undefined, "the packed package.json has no runtime dependencies (dist/ is a self-contained bundle)");

  process.stderr.write(`npm install -g --prefix ${prefix} --offline\n`);
  const install = spawnSync("npm", ["install", "-g", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", join(tmp, packed.filename)], { cwd, env, encoding: "utf8" });
  if (install.status !== 0) throw new CheckFailed(`npm install -g failed (${install.status}):\n${install.stdout}${install.stderr}`);
  check(install.stderr === "", `npm install -g printed no warning${install.stderr ? `:\n${install.stderr}` : ""}`);
  const installed = join(prefix, "lib", "node_modules", "certctl");
  check(!existsSync(join(installed, "node_modules")), "nothing installed beside the package (no node_modules)");
  const distMaps = readdirSync(join(installed, "dist"), { recursive: true }).filter((f) => f.endsWith(".map"));
  check(distMaps.length > 0 && distMaps.every((f) => {
    const map = JSON.parse(readFileSync(join(installed, "dist", f), "utf8"));
    return typeof map.mappings === "string" && map.sourcesContent === undefined;
  }), `the ${distMaps.length} source maps (for CERTCTL_DEBUG=1 stack traces) carry no source text`);
  process.stderr.write(`  installed: ${duBytes(installed)} bytes in ${installed}\n`);

  process.stderr.write("the installed certctl, from a directory outside the source tree\n");
  await exercise({
    command: [join(prefix, "bin", "certctl")],
    env,
    cwd,
    workDir: cwd,
  });
});

function duBytes(dir) {
  return readdirSync(dir, { recursive: true }).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}
