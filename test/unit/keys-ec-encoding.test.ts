// keys.ts takes a generated EC key's key.pem text and SubjectPublicKeyInfo from one PKCS#8 DER
// export instead of two exports through OpenSSL's encoders: the bytes must be OpenSSL's, for every
// curve, whatever the key. (It used to read the key's JWK, and a JWK export of a just-generated key
// can deadlock Node 20: this file's loop of generateKeyPairSync + JWK export once hung CI.)
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ecEncodings, exportPrivateKeyPem, generateSigningKey, publicKeyDer } from "../../src/core/crypto/keys.js";
import { CURVES } from "../../src/model/algorithms.js";

function openSslEncodings(privateKey: KeyObject): { privateKeyPem: string; spki: Buffer } {
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    spki: createPublicKey(privateKey).export({ type: "spki", format: "der" }),
  };
}

describe("EC key encodings from one PKCS#8 export", () => {
  it.each(CURVES.map((c) => [c.keyAlgorithm, c] as const))("%s: byte for byte what OpenSSL exports", (_, curve) => {
    for (let i = 0; i < 200; i++) {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: curve.node });
      const mine = ecEncodings(privateKey.export({ type: "pkcs8", format: "der" }));
      const theirs = openSslEncodings(privateKey);
      expect(mine?.privateKeyPem).toBe(theirs.privateKeyPem);
      expect(mine?.spki.toString("hex")).toBe(theirs.spki.toString("hex"));
    }
  });

  it("declines what is not an EC PKCS#8 key, so the caller exports the usual way", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    expect(ecEncodings(privateKey.export({ type: "pkcs8", format: "der" }))).toBeUndefined();
    expect(ecEncodings(Buffer.from("not DER"))).toBeUndefined();
  });

  it("generateSigningKey carries them for EC keys, and they are the key's", async () => {
    const key = await generateSigningKey("EC_prime256v1");
    expect(key.encoded!.privateKeyPem).toBe(await exportPrivateKeyPem(key.keys.privateKey));
    expect(key.encoded!.spki.equals(await publicKeyDer(key.keys.publicKey))).toBe(true);
    expect(createPublicKey(createPrivateKey(key.encoded!.privateKeyPem)).export({ type: "spki", format: "der" }).equals(key.encoded!.spki)).toBe(true);
    expect((await generateSigningKey("RSA_2048")).encoded).toBeUndefined();
  });
});
