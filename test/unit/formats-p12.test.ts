// The PKCS#12 and encrypted-key encoders on fixed vectors and against openssl both ways.
import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { bmpPassword, pkcs12Kdf, PKCS12_KEY } from "../../src/core/formats/pkcs12-kdf.js";
import { Pkcs12Error, buildPkcs12, readPkcs12 } from "../../src/core/formats/p12.js";
import { encryptPrivateKeyPem } from "../../src/core/formats/encrypted-key.js";
import { fixtureKey } from "../helpers/fixture-keys.js";

describe("PKCS#12 KDF (RFC 7292 B.2)", () => {
  it("matches the published vector (SHA-1, ID 1, 'sesame', salt ff×8, 2048 iterations, 24 bytes)", () => {
    // Vector from golang.org/x/crypto/pkcs12's pbkdf_test.go.
    expect(pkcs12Kdf("sha1", PKCS12_KEY, bmpPassword("sesame"), Buffer.alloc(8, 0xff), 2048, 24).toString("hex"))
      .toBe("7cd9fd3e2b3be7691a44e3bef0f9ea0fb9b897d4e325d9d1");
  });
  it("encodes a password as a NUL-terminated BMPString", () => {
    expect(bmpPassword("ab").toString("hex")).toBe("006100620000");
    expect(bmpPassword("").toString("hex")).toBe("0000");
  });
});

describe("buildPkcs12 / readPkcs12", () => {
  let dir: string;
  let keyDer: Buffer;
  let certDer: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "certctl-p12-unit-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "key.pem"),
      "-out", join(dir, "cert.pem"), "-subj", "/CN=unit.example", "-days", "2"], { stdio: "ignore" });
    keyDer = createPrivateKey(readFileSync(join(dir, "key.pem"))).export({ type: "pkcs8", format: "der" });
    certDer = new X509Certificate(readFileSync(join(dir, "cert.pem"))).raw;
    writeFileSync(join(dir, "pass"), "pw-unit\n");
  });
  const fast = { pbe: 1000, mac: 1000 };

  it.each([false, true])("legacy=%s round-trips and openssl opens it with the key matching the leaf", (legacy) => {
    const p12 = buildPkcs12({ privateKey: keyDer, certificates: [certDer], password: "pw-unit", legacy, friendlyName: "unit", iterations: fast });
    const read = readPkcs12(p12, "pw-unit");
    expect(read.privateKeys[0]!.equals(keyDer)).toBe(true);
    expect(read.certificates[0]!.equals(certDer)).toBe(true);
    expect(read.friendlyName).toBe("unit");
    expect(read.mac).toBe(legacy ? "HMAC-SHA-1, 1000 iterations" : "HMAC-SHA-256, 1000 iterations");
    writeFileSync(join(dir, "out.p12"), p12);
    const pem = execFileSync("openssl", ["pkcs12", "-in", join(dir, "out.p12"), "-passin", `file:${join(dir, "pass")}`, "-nodes"], { encoding: "utf8" });
    expect(pem).toContain("friendlyName: unit");
    expect(pem).toMatch(/localKeyID: ([0-9A-F]{2} ){20}/);
  });

  it("a wrong password is a 'password' error, found by the MAC", () => {
    const p12 = buildPkcs12({ privateKey: keyDer, certificates: [certDer], password: "right", legacy: false, friendlyName: "x", iterations: fast });
    expect(() => readPkcs12(p12, "wrong")).toThrow(expect.objectContaining({ reason: "password" }) as Pkcs12Error);
  });

  it("reads what openssl writes (AES-256 default) and names its scheme", () => {
    execFileSync("openssl", ["pkcs12", "-export", "-in", join(dir, "cert.pem"), "-inkey", join(dir, "key.pem"), "-passout", `file:${join(dir, "pass")}`,
      "-out", join(dir, "ossl.p12"), "-name", "from-openssl"]);
    const read = readPkcs12(readFileSync(join(dir, "ossl.p12")), "pw-unit");
    expect(read.friendlyName).toBe("from-openssl");
    expect(read.privateKeys[0]!.equals(keyDer)).toBe(true);
    expect(read.encryption[0]).toMatch(/^PBES2 AES-256-CBC, PBKDF2-HMAC-SHA-256, \d+ iterations$/);
  });

  it("reads openssl's 3DES form (pbeWithSHA1And3-KeyTripleDES-CBC for certificates and key)", () => {
    const res = spawnSync("openssl", ["pkcs12", "-export", "-in", join(dir, "cert.pem"), "-inkey", join(dir, "key.pem"), "-passout", `file:${join(dir, "pass")}`,
      "-out", join(dir, "des.p12"), "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1"]);
    expect(res.status).toBe(0);
    const read = readPkcs12(readFileSync(join(dir, "des.p12")), "pw-unit");
    expect(read.encryption).toEqual(["pbeWithSHAAnd3-KeyTripleDES-CBC, 2048 iterations"]);
    expect(read.certificates[0]!.equals(certDer)).toBe(true);
  });
});

describe("encryptPrivateKeyPem", () => {
  it.each(["ec", "rsa"] as const)("writes a PBES2 AES-256 PKCS#8 that node opens with the password only (%s)", (type) => {
    // The RSA key is a fixture: this is about encrypting a key, not making one.
    const privateKey = type === "ec" ? generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey : fixtureKey("rsa-2048");
    const der = privateKey.export({ type: "pkcs8", format: "der" });
    const pem = encryptPrivateKeyPem(der, "k-pass", 1000);
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    expect(createPrivateKey({ key: pem, passphrase: "k-pass" }).export({ type: "pkcs8", format: "der" }).equals(der)).toBe(true);
    expect(() => createPrivateKey({ key: pem, passphrase: "nope" })).toThrow();
  });
});
