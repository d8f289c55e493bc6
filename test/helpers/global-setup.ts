// End-to-end tests spawn bin/certctl.js, which runs dist/: rebuild it from src/ first (esbuild
// takes well under a second) so a test run never exercises stale code.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.js", import.meta.url))], { stdio: "inherit" });
}
