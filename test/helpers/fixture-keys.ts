// RSA keys made once per run by global-setup.ts, for unit tests that need an RSA key as an
// input (import, CSR size, signature choice) rather than as the thing under test. An RSA-2048
// key costs 0.1–2 s to generate and much more on a loaded machine; a test that generated its own
// was the one that hit its 30 s timeout under load. Tests of key generation itself still generate.
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type { FIXTURE_KEYS } from "./global-setup.js";

export type FixtureKeyName = keyof typeof FIXTURE_KEYS;

declare module "vitest" {
  interface ProvidedContext {
    fixtureKeysDir: string;
  }
}

/** The path of a fixture key (PKCS#8 PEM, mode 0600). */
export function fixtureKeyPath(name: FixtureKeyName): string {
  return join(inject("fixtureKeysDir"), `${name}.pem`);
}

/** The fixture key as PKCS#8 PEM. */
export function fixtureKeyPem(name: FixtureKeyName): string {
  return readFileSync(fixtureKeyPath(name), "utf8");
}

/** The fixture key as a KeyObject (export it as PKCS#1 with .export({ type: "pkcs1", format: "pem" })). */
export function fixtureKey(name: FixtureKeyName): KeyObject {
  return createPrivateKey(fixtureKeyPem(name));
}
