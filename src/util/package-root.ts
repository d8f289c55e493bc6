// The package's own folder, found by walking up from this module: the same answer from
// src/ (tests), dist/ (tsc) and dist/chunks/ (the esbuild bundle), whose depths differ.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageRoot(): string {
  if (cached !== undefined) return cached;
  // dist/ is CommonJS (scripts/build.js); src/, run as ES modules by the tests, has import.meta.
  let dir = dirname(typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  cached = dir;
  return dir;
}

/**
 * A file shipped with the package (package.json, spec/…), as text. The single executable has no
 * package folder: its build (scripts/sea.js) swaps this module for one holding these files.
 */
export function readPackageFile(path: string): string {
  return readFileSync(join(packageRoot(), path), "utf8");
}
