// Once per run, before any test file:
// - rebuild dist/ from src/ when any source is newer (esbuild takes well under a second):
//   end-to-end tests spawn bin/certctl.js, which runs dist/, so a run never exercises stale
//   code. Not when dist/ is current: the build empties dist/ first, and a second run started
//   beside this one would have its spawned certctl fail with "cannot load dist/";
// - make the few RSA keys unit tests use as inputs (fixture-keys.ts), so only the tests whose
//   subject is key generation pay for it. Made per run in a temp dir: no private key is committed.
import { execFileSync } from "node:child_process";
import { generateKeyPair } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

/** name → modulus length; read through fixture-keys.ts. */
export const FIXTURE_KEYS = { "rsa-2048": 2048, "rsa-2048-b": 2048, "rsa-1024": 1024 } as const;

export default async function setup(project: TestProject): Promise<() => void> {
  if (distIsStale()) execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.js", import.meta.url))], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "certctl-fixture-keys-"));
  await Promise.all(Object.entries(FIXTURE_KEYS).map(async ([name, bits]) => {
    const { privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: bits });
    writeFileSync(join(dir, `${name}.pem`), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }));
  project.provide("fixtureKeysDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

/** dist/main.cjs is missing or older than a file under src/, the build script or package-lock.json. */
function distIsStale(): boolean {
  const path = (rel: string) => fileURLToPath(new URL(`../../${rel}`, import.meta.url));
  let built: number;
  try {
    built = statSync(path("dist/main.cjs")).mtimeMs;
  } catch {
    return true;
  }
  const sources = [path("scripts/build.js"), path("package-lock.json"),
    ...readdirSync(path("src"), { recursive: true, encoding: "utf8" }).map((rel) => join(path("src"), rel))];
  return sources.some((file) => statSync(file).mtimeMs > built);
}
