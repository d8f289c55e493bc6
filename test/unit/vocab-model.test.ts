// The vocabulary tables of src/model on fixed vectors: algorithms and curves, IP forms, UUIDs and
// the one "expiring" rule that inspect and renew share.
import { describe, expect, it } from "vitest";
import {
  CURVES, DEFAULT_KEY_ALGORITHM, KEY_ALGORITHM_CHOICES, curveNamed, curveOf, defaultSignatureAlgorithm, keyAlgorithmFromAlias,
  keyFamily, rsaKeyAlgorithm, signatureAlgorithmFor, signatureAlgorithmFromAlias, signatureHash,
} from "../../src/model/algorithms.js";
import { KEY_ALGORITHMS } from "../../src/model/types.js";
import { displayIp, sameIp, wireIp } from "../../src/model/ip.js";
import { isUuid } from "../../src/model/uuid.js";
import { defaultRenewalMargin, validityState } from "../../src/model/renewal.js";

describe("model/algorithms", () => {
  it("every EC key algorithm has one curve, found by each of its names", () => {
    const ec = KEY_ALGORITHMS.filter((a) => a.startsWith("EC_"));
    expect(CURVES.map((c) => c.keyAlgorithm)).toEqual(ec);
    expect(curveNamed("P-384")?.keyAlgorithm).toBe("EC_secp384r1");
    expect(curveNamed("secp521r1")?.web).toBe("P-521");
    expect(curveNamed("1.2.840.10045.3.1.7")?.node).toBe("prime256v1");
    expect(curveNamed("K-256")).toBeUndefined();
    expect(curveOf("RSA_2048")).toBeUndefined();
  });

  it.each([
    ["rsa2048", "RSA_2048"], ["RSA-3072", "RSA_3072"], ["rsa_4096", "RSA_4096"], ["rsa", "RSA_2048"],
    ["EC_prime256v1", "EC_prime256v1"], ["p256", "EC_prime256v1"], ["secp256r1", "EC_prime256v1"], ["ecdsa", "EC_prime256v1"],
    ["P-384", "EC_secp384r1"], ["ec_secp521r1", "EC_secp521r1"], ["ed25519", undefined], ["rsa1024", undefined],
  ])("key algorithm alias %s → %s", (alias, expected) => {
    expect(keyAlgorithmFromAlias(alias)).toBe(expected);
  });

  it("signature aliases, families, hashes and defaults", () => {
    expect(signatureAlgorithmFromAlias("ec-sha384")).toBe("ECDSA-SHA384");
    expect(signatureAlgorithmFromAlias("rsa_sha512")).toBe("RSA-SHA512");
    expect(signatureAlgorithmFromAlias("md5")).toBeUndefined();
    expect(signatureHash("RSA-SHA384")).toBe("SHA-384");
    expect(signatureAlgorithmFor("EC", "SHA-512")).toBe("ECDSA-SHA512");
    expect(defaultSignatureAlgorithm("RSA_4096")).toBe("RSA-SHA256");
    expect(keyFamily(DEFAULT_KEY_ALGORITHM)).toBe("EC");
    expect(rsaKeyAlgorithm(3072)).toBe("RSA_3072");
    expect(rsaKeyAlgorithm(1024)).toBeUndefined();
    expect(KEY_ALGORITHM_CHOICES).toBe(
      "RSA_2048, RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1, EC_secp521r1 (or rsa2048, rsa3072, rsa4096, p256, p384, p521)",
    );
  });
});

describe("model/ip", () => {
  it("the wire form hexes an IPv4 tail; the display form dots an IPv4-mapped one", () => {
    expect(wireIp("::FFFF:10.0.0.1")).toBe("::ffff:a00:1");
    expect(displayIp("::ffff:a00:1")).toBe("::ffff:10.0.0.1");
    expect(displayIp("0:0:0:0:0:FFFF:A00:1")).toBe("::ffff:10.0.0.1");
    expect(displayIp("2001:DB8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(displayIp("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(displayIp("10.0.0.1")).toBe("10.0.0.1");
    expect(sameIp("2001:db8::1", "2001:DB8:0::0:1")).toBe(true);
    expect(sameIp("::ffff:10.0.0.1", "::ffff:a00:1")).toBe(true);
    expect(sameIp("10.0.0.1", "::ffff:10.0.0.1")).toBe(false);
  });
});

describe("model/uuid", () => {
  it("accepts UUIDs in any case and nothing else", () => {
    expect(isUuid("3F2C0D4E-1B2A-4C3D-8E9F-0A1B2C3D4E5F")).toBe(true);
    expect(isUuid("../../etc/passwd")).toBe(false);
    expect(isUuid("3f2c0d4e-1b2a-4c3d-8e9f-0a1b2c3d4e5$(x)")).toBe(false);
  });
});

describe("model/renewal: one expiring rule", () => {
  it("a third of the lifetime, for long and short certificates alike", () => {
    const day = 86_400_000;
    expect(defaultRenewalMargin(90 * day)).toBe(30 * day);
    // A 6-hour certificate: expiring with less than 2 hours left (it used to be 3 in renew, 2 in inspect).
    const six = 6 * 3_600_000;
    expect(validityState(six - 2 * 3_600_000 - 1, 0, six)).toBe("valid");
    expect(validityState(six - 2 * 3_600_000 + 1, 0, six)).toBe("expiring");
  });
});
