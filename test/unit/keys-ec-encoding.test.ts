// keys.ts encodes a generated EC key's PKCS#8 PEM and SubjectPublicKeyInfo from its JWK instead
// of through OpenSSL's encoder: the bytes must be OpenSSL's, for every curve, whatever the key,
// including keys whose private scalar or public coordinates start with a zero byte.
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

describe("EC key encodings from the JWK", () => {
  it.each(CURVES.map((c) => [c.keyAlgorithm, c] as const))("%s: byte for byte what OpenSSL exports, leading zero bytes included", (_, curve) => {
    const leadingZero = { d: false, x: false, y: false };
    for (let i = 0; i < 5000 && !(leadingZero.d && leadingZero.x && leadingZero.y && i >= 50); i++) {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: curve.node });
      const jwk = privateKey.export({ format: "jwk" });
      const zeros = (["d", "x", "y"] as const).filter((part) => Buffer.from(jwk[part]!, "base64url")[0] === 0);
      if (i >= 50 && zeros.every((part) => leadingZero[part])) continue; // 50 ordinary keys, then only the new cases
      for (const part of zeros) leadingZero[part] = true;
      const mine = ecEncodings(jwk, curve.oid);
      const theirs = openSslEncodings(privateKey);
      expect(mine.privateKeyPem).toBe(theirs.privateKeyPem);
      expect(mine.spki.toString("hex")).toBe(theirs.spki.toString("hex"));
    }
    expect(leadingZero).toEqual({ d: true, x: true, y: true });
  });

  it("generateSigningKey carries them for EC keys, and they are the key's", async () => {
    const key = await generateSigningKey("EC_prime256v1");
    expect(key.encoded!.privateKeyPem).toBe(await exportPrivateKeyPem(key.keys.privateKey));
    expect(key.encoded!.spki.equals(await publicKeyDer(key.keys.publicKey))).toBe(true);
    expect(createPublicKey(createPrivateKey(key.encoded!.privateKeyPem)).export({ type: "spki", format: "der" }).equals(key.encoded!.spki)).toBe(true);
    expect((await generateSigningKey("RSA_2048")).encoded).toBeUndefined();
  });
});
