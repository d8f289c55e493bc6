#!/usr/bin/env node
// npm run check:sea — the single executable (dist-sea/certctl, from `npm run sea`) on a host
// without Node: copied alone into a temporary directory and run with an environment of just
// PATH (a directory with no `node` in it) and HOME, from a directory outside the source tree.
// Not part of `npm test`: the build takes ~30 s and writes 100 MB (.ci/run runs both).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { check, exercise, runCheck } from "./exercise.mjs";

const built = fileURLToPath(new URL("../../dist-sea/certctl", import.meta.url));
if (!existsSync(built)) {
  process.stderr.write("check:sea: dist-sea/certctl does not exist; run `npm run sea` first\n");
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), "certctl-sea-"));
const bin = join(tmp, "bin");
const home = join(tmp, "home");
const cwd = join(tmp, "cwd");
for (const dir of [bin, home, cwd]) mkdirSync(dir);
const executable = join(bin, "certctl");
copyFileSync(built, executable);

await runCheck("check:sea", tmp, async () => {
  const env = { PATH: bin, HOME: home };
  check(!existsSync(join(bin, "node")), `no node on PATH (${bin} holds only certctl)`);
  process.stderr.write(`the single executable (${(statSync(executable).size / 1e6).toFixed(1)} MB), alone in ${bin}\n`);
  await exercise({
    command: [executable],
    env,
    cwd,
    workDir: cwd,
  });
});
