// What is checked before anything is written: PEMs parse, the key is ours, the chain links.
import { describe, expect, it, beforeAll } from "vitest";
import { generateSigningKey, publicKeyDer } from "../../src/core/crypto/keys.js";
import { x509 } from "../../src/core/crypto/x509.js";
import { parseCertificates, verifyIssuedSet } from "../../src/core/crypto/verify.js";
import { RefusedError } from "../../src/model/errors.js";

const NOT_BEFORE = new Date("2026-01-01T00:00:00Z");
const NOT_AFTER = new Date("2027-01-01T00:00:00Z");
const ECDSA = { name: "ECDSA", hash: "SHA-256" };

interface Pki {
  root: x509.X509Certificate;
  intermediate: x509.X509Certificate;
  leaf: x509.X509Certificate;
  otherRoot: x509.X509Certificate;
  leafKey: Buffer;
  strangerKey: Buffer;
}

async function makePki(): Promise<Pki> {
  const rootKey = await generateSigningKey("EC_prime256v1");
  const interKey = await generateSigningKey("EC_prime256v1");
  const leafKey = await generateSigningKey("EC_prime256v1");
  const stranger = await generateSigningKey("EC_prime256v1");
  const common = { notBefore: NOT_BEFORE, notAfter: NOT_AFTER, signingAlgorithm: ECDSA };
  const root = await x509.X509CertificateGenerator.createSelfSigned({ ...common, serialNumber: "01", name: "CN=Test Root", keys: rootKey.keys,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true)] });
  // Same subject as the root, different key: links by name, fails by signature.
  const otherRoot = await x509.X509CertificateGenerator.createSelfSigned({ ...common, serialNumber: "02", name: "CN=Test Root", keys: stranger.keys });
  const intermediate = await x509.X509CertificateGenerator.create({ ...common, serialNumber: "03", subject: "CN=Test Intermediate", issuer: root.subject,
    publicKey: interKey.keys.publicKey, signingKey: rootKey.keys.privateKey, extensions: [new x509.BasicConstraintsExtension(true, 0, true)] });
  const leaf = await x509.X509CertificateGenerator.create({ ...common, serialNumber: "04", subject: "CN=www.example.com", issuer: intermediate.subject,
    publicKey: leafKey.keys.publicKey, signingKey: interKey.keys.privateKey });
  return { root, intermediate, leaf, otherRoot, leafKey: await publicKeyDer(leafKey.keys.publicKey), strangerKey: await publicKeyDer(stranger.keys.publicKey) };
}

const pem = (...certs: x509.X509Certificate[]) => certs.map((c) => c.toString("pem")).join("\n");

describe("verifyIssuedSet", () => {
  let pki: Pki;
  beforeAll(async () => {
    pki = await makePki();
  });

  it("accepts a matching key and a linked chain, and drops a leaf repeated at the front of the chain", async () => {
    const ok = await verifyIssuedSet({ certificatePem: pem(pki.leaf), chainPem: pem(pki.intermediate, pki.root), publicKeyDer: pki.leafKey });
    expect(ok.chain.map((c) => c.subject)).toEqual(["CN=Test Intermediate", "CN=Test Root"]);
    const withLeaf = await verifyIssuedSet({ certificatePem: pem(pki.leaf), chainPem: pem(pki.leaf, pki.intermediate), publicKeyDer: pki.leafKey });
    expect(withLeaf.chain).toHaveLength(1);
  });

  it("refuses a certificate that does not carry our key", async () => {
    await expect(verifyIssuedSet({ certificatePem: pem(pki.leaf), chainPem: pem(pki.intermediate), publicKeyDer: pki.strangerKey, certificateId: "c-1" }))
      .rejects.toThrowError(/certificate \(certificate c-1\) does not carry our public key/);
  });

  it.each([
    ["a chain missing the intermediate", () => pem(pki.root), /does not link.*issued by "CN=Test Intermediate"/],
    ["a chain out of order", () => pem(pki.root, pki.intermediate), /does not link/],
    ["a same-named root with another key", () => pem(pki.intermediate, pki.otherRoot), /chain certificate 1 is not signed by "CN=Test Root"/],
    ["an empty chain", () => "", /no issuing chain/],
  ])("refuses %s", async (_name, chain, message) => {
    const error = await verifyIssuedSet({ certificatePem: pem(pki.leaf), chainPem: chain(), publicKeyDer: pki.leafKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses two leaves", async () => {
    await expect(verifyIssuedSet({ certificatePem: pem(pki.leaf, pki.leaf), chainPem: pem(pki.intermediate), publicKeyDer: pki.leafKey }))
      .rejects.toThrowError(/expected one leaf certificate, got 2/);
  });
});

describe("parseCertificates", () => {
  let text: string;
  beforeAll(async () => {
    text = pem((await makePki()).leaf);
  });

  it.each([
    ["a truncated block", () => text.slice(0, 200), /invalid or truncated PEM/],
    ["a block with its END line cut", () => text.replace("-----END CERTIFICATE-----", ""), /invalid or truncated PEM/],
    ["a corrupt body", () => text.replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAAAAAAAAAAAAAAAAAA"), /does not decode|truncated/],
    ["a key where a certificate belongs", () => "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", /PRIVATE KEY block where a CERTIFICATE/],
    ["HTML", () => "<html>proxy error</html>", /invalid or truncated PEM/],
    ["nothing", () => "", /has no certificate/],
  ])("refuses %s", (_name, input, message) => {
    expect(() => parseCertificates(input(), "certificate")).toThrowError(message);
  });

  it("reads several blocks in order", () => {
    expect(parseCertificates(`${text}\n${text}`, "chain")).toHaveLength(2);
  });
});
