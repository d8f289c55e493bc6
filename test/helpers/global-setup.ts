// Once per run, before any test file:
// - rebuild dist/ from src/ (esbuild takes well under a second): end-to-end tests spawn
//   bin/certctl.js, which runs dist/, so a run never exercises stale code;
// - make the few RSA keys unit tests use as inputs (fixture-keys.ts), so only the tests whose
//   subject is key generation pay for it. Made per run in a temp dir: no private key is committed.
import { execFileSync } from "node:child_process";
import { generateKeyPair } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

/** name → modulus length; read through fixture-keys.ts. */
export const FIXTURE_KEYS = { "rsa-2048": 2048, "rsa-1024": 1024 } as const;

export default async function setup(project: TestProject): Promise<() => void> {
  execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.js", import.meta.url))], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "certctl-fixture-keys-"));
  await Promise.all(Object.entries(FIXTURE_KEYS).map(async ([name, bits]) => {
    const { privateKey } = await promisify(generateKeyPair)("rsa", { modulusLength: bits });
    writeFileSync(join(dir, `${name}.pem`), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }));
  project.provide("fixtureKeysDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
