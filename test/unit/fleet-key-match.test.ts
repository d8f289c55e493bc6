// keyMatchesCertificate: the fast path (the public half inside PKCS#8) and the full node:crypto
// path agree, for EC and RSA keys, matching and not; certified by openssl, the EC keys made by
// it, the RSA keys two of the run's fixture keys (key generation is not the subject here).
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { keyMatchesCertificate } from "../../src/core/fleet/key-match.js";
import { fixtureKeyPath, type FixtureKeyName } from "../helpers/fixture-keys.js";
import { openssl } from "../helpers/openssl.js";

interface Pair { key: string; cert: X509Certificate }
const pairs: Record<string, Pair> = {};

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "certctl-key-match-"));
  /** A self-signed certificate for a new key (`-newkey …`) or for a fixture key. */
  const make = (name: string, key: { newkey: string[] } | { fixture: FixtureKeyName }) => {
    const keyFile = "fixture" in key ? fixtureKeyPath(key.fixture) : join(dir, `${name}.key`);
    const cert = join(dir, `${name}.pem`);
    const keyArgs = "fixture" in key ? ["-key", keyFile] : ["-newkey", ...key.newkey, "-nodes", "-keyout", keyFile];
    openssl(["req", "-x509", ...keyArgs, "-out", cert, "-subj", `/CN=${name}`, "-days", "1"]);
    pairs[name] = { key: readFileSync(keyFile, "utf8"), cert: new X509Certificate(readFileSync(cert)) };
  };
  make("p256", { newkey: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"] });
  make("p256b", { newkey: ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"] });
  make("p384", { newkey: ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"] });
  make("rsa", { fixture: "rsa-2048" });
  make("rsab", { fixture: "rsa-2048-b" });
  // The same P-256 key without its public half: only the full path can answer.
  const bare = openssl(["pkcs8", "-topk8", "-nocrypt"], openssl(["ec", "-no_public"], pairs.p256!.key));
  pairs.bare = { key: bare, cert: pairs.p256!.cert };
}, 60_000);

describe("keyMatchesCertificate", () => {
  it.each([
    ["p256", "p256", true], ["p384", "p384", true], ["rsa", "rsa", true], ["bare", "bare", true],
    ["p256b", "p256", false], ["rsab", "rsa", false], ["rsa", "p256", false], ["p256", "rsa", false], ["p384", "p256", false],
  ])("key of %s with the certificate of %s: %s", (keyOf, certOf, expected) => {
    expect(keyMatchesCertificate(pairs[keyOf]!.key, pairs[certOf]!.cert)).toBe(expected);
  });

  it("the key without its public half still fails against another certificate (the full path)", () => {
    expect(pairs.bare!.key).not.toBe(pairs.p256!.key);
    expect(keyMatchesCertificate(pairs.bare!.key, pairs.p256b!.cert)).toBe(false);
  });

  it("a key that does not parse throws rather than matching", () => {
    expect(() => keyMatchesCertificate("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", pairs.p256!.cert)).toThrow();
  });
});
