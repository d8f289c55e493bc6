// Keys and CSRs, checked with openssl rather than with the library that made them.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CertificateAttributes, KeyAlgorithm, SignatureAlgorithm } from "../../src/model/types.js";
import { buildAttributes } from "../../src/cli/issue/attributes.js";
import { buildCsr } from "../../src/core/crypto/csr.js";
import { checkCsr, readCsrInput } from "../../src/core/crypto/csr-input.js";
import { exportPrivateKeyPem, generateSigningKey, importSigningKey, readKeyFile } from "../../src/core/crypto/keys.js";
import { FileError, UsageError } from "../../src/model/errors.js";
import { fixtureKey, fixtureKeyPem } from "../helpers/fixture-keys.js";
import { openssl } from "../helpers/openssl.js";

const dir = mkdtempSync(join(tmpdir(), "certctl-keys-"));
const ATTRS: CertificateAttributes = buildAttributes(
  {
    cn: "www.example.com", org: "Acme", ou: "Web", country: "US", state: "CA", locality: "San Francisco",
    dns: ["www.example.com", "*.example.com"], ip: ["192.0.2.10", "2001:db8::1"], email: ["ops@example.com"], uri: ["spiffe://example.org/web"],
    keyUsage: ["digital_signature,key_encipherment"], extKeyUsage: ["server_auth", "client_auth"],
  },
  { mode: "local-key", keyFromFile: false },
);

function csrText(pem: string): string {
  const file = join(dir, `r-${Math.random().toString(16).slice(2)}.csr`);
  writeFileSync(file, pem);
  return openssl(["req", "-in", file, "-noout", "-verify", "-text"]);
}

describe("generated keys sign CSRs openssl accepts", () => {
  it.each([
    ["EC_prime256v1", "ECDSA-SHA256", "ecdsa-with-SHA256", "prime256v1"],
    ["EC_secp384r1", "ECDSA-SHA384", "ecdsa-with-SHA384", "secp384r1"],
    ["EC_secp521r1", "ECDSA-SHA512", "ecdsa-with-SHA512", "secp521r1"],
    ["RSA_2048", "RSA-SHA256", "sha256WithRSAEncryption", "2048 bit"],
    ["RSA_3072", "RSA-SHA384", "sha384WithRSAEncryption", "3072 bit"],
    ["RSA_4096", "RSA-SHA512", "sha512WithRSAEncryption", "4096 bit"],
  ] as Array<[KeyAlgorithm, SignatureAlgorithm, string, string]>)("%s with %s", async (alg, sig, opensslSig, keyText) => {
    const key = await generateSigningKey(alg, sig);
    const text = csrText(await buildCsr({ ...ATTRS, keyAlgorithm: alg, signatureAlgorithm: sig }, key));
    expect(text).toContain(`Signature Algorithm: ${opensslSig}`);
    expect(text).toContain(keyText);
  });

  it("carries subject in order, every SAN kind, key usage, EKU", async () => {
    const text = csrText(await buildCsr(ATTRS, await generateSigningKey("EC_prime256v1")));
    expect(text).toMatch(/Subject: C = US, ST = CA, L = San Francisco, O = Acme, OU = Web, CN = www.example.com/);
    expect(text).toContain("DNS:www.example.com, DNS:*.example.com, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1, email:ops@example.com, URI:spiffe://example.org/web");
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
  });

  it("puts an IPv4-mapped IPv6 address into the CSR as the address it is", async () => {
    const attributes = buildAttributes({ cn: "mapped.example", ip: ["::ffff:192.0.2.1", "64:ff9b::192.0.2.33"] }, { mode: "local-key", keyFromFile: false });
    const text = csrText(await buildCsr(attributes, await generateSigningKey("EC_prime256v1")));
    expect(text).toContain("IP Address:0:0:0:0:0:FFFF:C000:201, IP Address:64:FF9B:0:0:0:0:C000:221");
    // Attributes recorded before --ip normalised (a renewal reads them from certctl.json) come out right too.
    const recorded = csrText(await buildCsr({ commonName: "mapped.example", altNames: [{ type: "ip_address", value: "::ffff:192.0.2.1" }] }, await generateSigningKey("EC_prime256v1")));
    expect(recorded).toContain("IP Address:0:0:0:0:0:FFFF:C000:201");
  });

  it("takes subject values literally: quotes, backslashes and a leading # are text", async () => {
    const attributes = buildAttributes({ cn: 'a\\b "q"', org: "#1 Corp", dns: ["lit.example"] }, { mode: "local-key", keyFromFile: false });
    const file = join(dir, "literal.csr");
    writeFileSync(file, await buildCsr(attributes, await generateSigningKey("EC_prime256v1")));
    expect(openssl(["req", "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"]).trim()).toBe('subject=CN=a\\\\b \\"q\\",O=\\#1 Corp');
  });

  it("carries basic constraints for a CA request", async () => {
    const text = csrText(await buildCsr({ commonName: "Sub CA", basicConstraints: { isCA: true, pathLength: 0 } }, await generateSigningKey("EC_prime256v1")));
    expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  });

  it("exports PKCS#8", async () => {
    const pem = await exportPrivateKeyPem((await generateSigningKey("EC_secp384r1")).keys.privateKey);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(openssl(["pkey", "-noout", "-text"], pem)).toContain("P-384");
  });
});

describe("importSigningKey", () => {
  // A fixture RSA key: this describes importing, not generating (an RSA-2048 generation can take seconds under load).
  const rsa = { privateKey: fixtureKey("rsa-2048") };
  const ec = generateKeyPairSync("ec", { namedCurve: "secp384r1" });

  it.each([
    ["PKCS#1 RSA", rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString(), "RSA_2048"],
    ["PKCS#8 RSA", rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "RSA_2048"],
    ["SEC1 EC", ec.privateKey.export({ type: "sec1", format: "pem" }).toString(), "EC_secp384r1"],
    ["PKCS#8 EC", ec.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "EC_secp384r1"],
  ])("reads a %s key", async (_name, pem, alg) => {
    const key = await importSigningKey(pem, "--key k.pem");
    expect(key.keyAlgorithm).toBe(alg);
  });

  it("signs an imported RSA key with the requested hash, not the import default", async () => {
    const key = await importSigningKey(rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString(), "k", "RSA-SHA384");
    expect(csrText(await buildCsr(ATTRS, key))).toContain("sha384WithRSAEncryption");
  });

  it.each([
    ["an RSA-1024 key", fixtureKeyPem("rsa-1024"), /RSA-1024.*2048, 3072 or 4096/],
    ["an Ed25519 key", generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(), /ed25519 key.*RSA or EC/],
    ["a P-256K key", generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(), /curve secp256k1/],
    ["an encrypted key", rsa.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }).toString(), /encrypted/],
    ["garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", /not a readable private key/],
  ])("refuses %s", async (_name, pem, message) => {
    const error = await importSigningKey(pem, "--key k.pem").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("PRIVATE KEY-----");
  });

  it("refuses a signature algorithm of the other family", async () => {
    await expect(importSigningKey(ec.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "--key k.pem", "RSA-SHA256"))
      .rejects.toThrowError(/RSA-SHA256 cannot sign with the EC_secp384r1 key/);
  });

  it("reads a key file: missing is a file error, no PEM key is a usage error", async () => {
    await expect(readKeyFile(join(dir, "missing.pem"))).rejects.toBeInstanceOf(FileError);
    writeFileSync(join(dir, "cert-not-key.pem"), "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n");
    await expect(readKeyFile(join(dir, "cert-not-key.pem"))).rejects.toThrowError(/the key file .* holds no PEM private key/);
  });
});

describe("checkCsr", () => {
  const keyFile = join(dir, "ext.key");
  writeFileSync(keyFile, generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }));
  const pem = openssl(["req", "-new", "-key", keyFile, "-subj", "/CN=csr.example.com"]);
  const pemFile = join(dir, "r.csr");
  writeFileSync(pemFile, pem);

  it("reads PEM and DER and reports the key", async () => {
    const fromPem = await checkCsr(Buffer.from(pem), "--csr r.csr");
    expect(fromPem).toMatchObject({ subject: "CN=csr.example.com", keyAlgorithm: "EC_prime256v1" });
    const derFile = join(dir, "r.der");
    openssl(["req", "-in", pemFile, "-outform", "DER", "-out", derFile]);
    const fromDer = await checkCsr(await readCsrInput(derFile, Readable.from([])), "--csr r.der");
    expect(fromDer.pem).toBe(fromPem.pem);
  });

  it("reads standard input with -", async () => {
    const data = await readCsrInput("-", Readable.from([Buffer.from(pem)]));
    expect((await checkCsr(data, "--csr -")).subject).toBe("CN=csr.example.com");
    await expect(readCsrInput("-", Readable.from([]))).rejects.toThrowError(/nothing was read/);
  });

  it.each([
    ["a truncated PEM", () => pem.slice(0, pem.length - 40), /no complete PEM certificate request/],
    ["a corrupt body", () => pem.replace(/\n([A-Za-z0-9+/]{10})/, "\n//////////"), /not a valid certificate request|does not verify/],
    ["a tampered subject", () => tamper(pem), /signature does not verify/],
    ["a certificate instead of a CSR", () => "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----", /no complete PEM certificate request/],
    ["random bytes", () => "\u0001\u0002garbage", /not a valid certificate request/],
  ])("refuses %s", async (_name, input, message) => {
    const error = await checkCsr(Buffer.from(input(), "latin1"), "--csr r.csr").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a CSR over the spec's 4096 characters", async () => {
    const file = join(dir, "big.csr");
    const sans = Array.from({ length: 200 }, (_, i) => `DNS:host-${i}.example.com`).join(",");
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=big.example.com", "-addext", `subjectAltName=${sans}`, "-out", file]);
    const big = readFileSync(file);
    expect(big.length).toBeGreaterThan(4096);
    await expect(checkCsr(big, "--csr big.csr")).rejects.toThrowError(/at most 4096/);
  });

  it("refuses to build a CSR over the spec's 4096 characters, naming the SAN count and suggesting an EC key for RSA", async () => {
    const many = { commonName: "big.example.com", altNames: Array.from({ length: 150 }, (_, i) => ({ type: "dns_name" as const, value: `host-${i}.example.com` })) };
    const ec = buildCsr(many, await generateSigningKey("EC_prime256v1"));
    await expect(ec).rejects.toBeInstanceOf(UsageError);
    await expect(ec).rejects.toThrowError(/CSR for these names is \d+ characters as PEM \(150 SANs, EC_prime256v1 key\); the API accepts at most 4096/);
    const rsa = await buildCsr({ ...many, altNames: many.altNames.slice(0, 120) }, await importSigningKey(fixtureKeyPem("rsa-2048"), "fixture")).catch((error: unknown) => error);
    expect(rsa).toBeInstanceOf(UsageError);
    expect((rsa as UsageError).hint).toMatch(/EC key/);
    // Just under the limit still builds.
    expect((await buildCsr({ ...many, altNames: many.altNames.slice(0, 60) }, await generateSigningKey("EC_prime256v1"))).length).toBeLessThanOrEqual(4096);
  });

  it("reports a missing file as a file error", async () => {
    await expect(readCsrInput(join(dir, "nope.csr"), Readable.from([]))).rejects.toBeInstanceOf(FileError);
  });
});

/** Flip one byte of the CN inside the DER, keeping the structure valid. */
function tamper(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const at = der.indexOf(Buffer.from("csr.example.com"));
  der[at] = "x".charCodeAt(0);
  const body = der.toString("base64").replace(/(.{64})/g, "$1\n");
  return `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
}
