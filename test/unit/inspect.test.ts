// inspect on fixed vectors (test/fixtures/generate.sh, made once with openssl) and fixed clocks.
// Expected fingerprints and names are what `openssl x509` printed for the same files.
import { readFileSync } from "node:fs";
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { validityState } from "../../src/model/renewal.js";
import { inspect, type CertificatesDocument, type CsrDocument, type InspectDocument } from "../../src/core/inspect/inspect.js";
import { UsageError } from "../../src/model/errors.js";
import { humanDuration, renderInspect } from "../../src/ui/inspect.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const MID_2025 = new Date("2025-06-01T00:00:00Z");

async function run(bytes: Uint8Array | string, now = MID_2025): Promise<InspectDocument> {
  return inspect({ bytes: typeof bytes === "string" ? Buffer.from(bytes) : bytes, source: "input.pem", now });
}
async function certs(name: string, now = MID_2025): Promise<CertificatesDocument> {
  const doc = await run(fixture(name), now);
  if (doc.kind === "csr" || doc.kind === "key") throw new Error("expected certificates");
  return doc;
}
async function refusal(bytes: Uint8Array | string): Promise<UsageError> {
  const error = await run(bytes).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

const LEAF_SHA256 = "58:F1:B9:CE:AE:E0:04:7A:5C:A9:77:FB:52:9B:AA:07:C4:0B:7E:A8:7E:9D:11:5C:83:4A:E6:62:0F:AF:9A:05";

describe("inspect: a certificate", () => {
  it("reads every field of the leaf as openssl does", async () => {
    const doc = await certs("leaf.pem");
    expect(doc.kind).toBe("certificate");
    expect(doc.format).toBe("pem");
    const [leaf] = doc.certificates;
    expect(leaf).toMatchObject({
      index: 0,
      subject: "CN=www.example.com, O=Example Inc, OU=Web",
      issuer: "CN=certctl Test Intermediate, O=certctl test, C=US",
      serialNumber: "3a5f00c0ffee",
      notBefore: "2025-01-01T00:00:00.000Z",
      notAfter: "2026-01-01T00:00:00.000Z",
      lifetimeSeconds: 365 * 86_400,
      secondsLeft: 214 * 86_400,
      validity: "valid",
      subjectAltNames: {
        dns_name: ["www.example.com", "example.com"],
        ip_address: ["192.0.2.10", "2001:db8::1"],
        email: ["ops@example.com"],
        uri: ["https://example.com/id"],
        other: [],
      },
      publicKey: {
        type: "EC", bits: 256, curve: "P-256", keyAlgorithm: "EC_prime256v1",
        sha256: "6F:61:3F:F4:E2:F1:EE:77:0B:CA:53:74:B5:D2:6B:02:D5:9A:3A:F2:08:18:6C:2F:C7:7F:2C:2B:9D:CC:97:AE",
      },
      signatureAlgorithm: "RSA-SHA256",
      keyUsages: ["digital_signature", "key_encipherment"],
      extendedKeyUsages: ["server_auth", "client_auth"],
      basicConstraints: { isCA: false },
      selfSigned: false,
      fingerprints: { sha256: LEAF_SHA256, sha1: "6F:60:D1:92:31:D3:EC:D5:E4:6E:E5:11:BF:3B:7A:F0:75:EF:A4:F4" },
      linksToNext: null,
    });
  });

  it("reads DER the same as PEM", async () => {
    const der = await certs("leaf.der");
    const pem = await certs("leaf.pem");
    expect(der.format).toBe("der");
    expect(der.certificates).toEqual(pem.certificates);
  });

  it("describes RSA and P-384 CA certificates", async () => {
    const [, intermediate, root] = (await certs("fullchain.pem")).certificates;
    expect(intermediate).toMatchObject({
      publicKey: { type: "RSA", bits: 2048, keyAlgorithm: "RSA_2048" },
      signatureAlgorithm: "ECDSA-SHA384",
      keyUsages: ["digital_signature", "key_cert_sign", "crl_sign"],
      extendedKeyUsages: [],
      basicConstraints: { isCA: true, pathLength: 0 },
      selfSigned: false,
      fingerprints: { sha256: "74:35:48:A2:6F:F8:54:1D:C5:B1:1D:D0:D6:E9:D1:4F:E1:54:C4:41:6F:5E:A6:B3:BB:24:17:87:5B:2A:68:54" },
    });
    expect(root).toMatchObject({
      serialNumber: "1000",
      publicKey: { type: "EC", bits: 384, curve: "P-384", keyAlgorithm: "EC_secp384r1" },
      basicConstraints: { isCA: true },
      selfSigned: true,
      fingerprints: { sha1: "19:EF:B4:03:3D:C9:F6:50:EA:22:47:B5:E2:ED:3E:9E:18:C4:DE:46" },
    });
    expect(root!.basicConstraints).not.toHaveProperty("pathLength");
  });

  it.each([
    ["2024-06-01T00:00:00Z", "not_yet_valid"],
    ["2025-01-01T00:00:00Z", "valid"],
    ["2025-09-01T00:00:00Z", "valid"], // 122 days left of 365: just over a third
    ["2025-09-03T00:00:00Z", "expiring"], // 120 days left
    ["2025-12-31T23:59:59Z", "expiring"],
    ["2026-01-01T00:00:00Z", "expired"],
  ])("at %s the leaf is %s", async (now, state) => {
    const [leaf] = (await certs("leaf.pem", new Date(now))).certificates;
    expect(leaf!.validity).toBe(state);
    expect(leaf!.secondsLeft).toBe((Date.parse("2026-01-01T00:00:00Z") - Date.parse(now)) / 1000);
  });

  it("validityState: a third of the lifetime is the line", () => {
    expect(validityState(66, 0, 99)).toBe("valid");
    expect(validityState(67, 0, 99)).toBe("expiring");
    expect(validityState(-1, 0, 99)).toBe("not_yet_valid");
    expect(validityState(99, 0, 99)).toBe("expired");
  });
});

describe("inspect: chains", () => {
  it("a fullchain links leaf → intermediate → root", async () => {
    const doc = await certs("fullchain.pem");
    expect(doc.kind).toBe("chain");
    expect(doc.chainLinked).toBe(true);
    expect(doc.certificates.map((c) => c.subject.split(",")[0])).toEqual([
      "CN=www.example.com", "CN=certctl Test Intermediate", "CN=certctl Test Root",
    ]);
    expect(doc.certificates.map((c) => c.linksToNext)).toEqual([true, true, null]);
    expect(doc.certificates.every((c) => c.linkProblem === undefined)).toBe(true);
  });

  it("a chain without the root still links", async () => {
    const doc = await certs("chain-no-root.pem");
    expect(doc.certificates.map((c) => c.linksToNext)).toEqual([true, null]);
  });

  // The second certificate has the intermediate's exact subject but another key: names alone would pass.
  it("a look-alike issuer is caught by the signature", async () => {
    const doc = await certs("broken-chain.pem");
    expect(doc.chainLinked).toBe(false);
    expect(doc.certificates[0]!.linksToNext).toBe(false);
    expect(doc.certificates[0]!.linkProblem).toMatch(/signature does not verify/);
  });

  it("a reversed chain is caught by the names", async () => {
    const doc = await certs("reversed-chain.pem");
    expect(doc.chainLinked).toBe(false);
    expect(doc.certificates.map((c) => c.linksToNext)).toEqual([false, false, null]);
    expect(doc.certificates[0]!.linkProblem).toMatch(/issuer is not the next certificate's subject/);
  });
});

describe("inspect: certificate requests", () => {
  for (const name of ["csr.pem", "csr.der"]) {
    it(`reads ${name}`, async () => {
      const doc = (await run(fixture(name))) as CsrDocument;
      expect(doc.kind).toBe("csr");
      expect(doc.format).toBe(name.endsWith("der") ? "der" : "pem");
      expect(doc.csr).toEqual({
        subject: "C=DE, O=Example GmbH, CN=client.example.com",
        subjectAltNames: {
          dns_name: ["client.example.com"], ip_address: ["198.51.100.7"], email: ["client@example.com"],
          uri: ["spiffe://example.com/client"], other: [],
        },
        altNames: ["DNS:client.example.com", "IP:198.51.100.7", "email:client@example.com", "URI:spiffe://example.com/client"],
        publicKey: {
          type: "RSA", bits: 3072, keyAlgorithm: "RSA_3072",
          sha256: "89:95:65:14:21:0C:D1:A5:0C:86:08:B4:0C:87:6E:A6:91:DA:5F:40:3D:22:BB:19:04:DC:48:31:E2:C8:7E:2D",
        },
        signatureAlgorithm: "RSA-SHA256",
        signatureValid: true,
        keyUsages: ["digital_signature", "non_repudiation"],
        extendedKeyUsages: ["client_auth", "email_protection"],
        basicConstraints: { isCA: false },
      });
    });
  }

  it("a CSR whose signature was tampered with says so", async () => {
    const der = Buffer.from(fixture("csr.der"));
    der[der.length - 5]! ^= 0xff; // inside the signature value
    const doc = (await run(der)) as CsrDocument;
    expect(doc.csr.signatureValid).toBe(false);
  });
});

// A syntactically plausible key block; its body must never reach a message.
const KEY_BODY = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRETSECRET";
const KEY_PEM = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`;

describe("inspect: inputs that are not a certificate, chain or CSR", () => {
  it.each([
    ["a private key", KEY_PEM, /found a PRIVATE KEY block/],
    ["an EC key", KEY_PEM.replaceAll("PRIVATE KEY", "EC PRIVATE KEY"), /found an EC PRIVATE KEY block/],
    ["two keys and a CRL", KEY_PEM + KEY_PEM + KEY_PEM.replaceAll("PRIVATE KEY", "X509 CRL"), /found 2 PRIVATE KEY and X509 CRL blocks/],
    ["text", "hello, this is not a certificate\n", /found no PEM block and the bytes are not DER/],
    ["an empty file", "", /it is empty/],
    ["blank lines", "\n\n  \n", /it is empty/],
    ["a BEGIN without END", "-----BEGIN CERTIFICATE-----\nMIIB\n", /BEGIN line without its END/],
    ["DER of something else", Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]), /DER data that is neither a certificate nor a certificate request/],
  ])("%s", async (_what, input, message) => {
    const error = await refusal(input);
    expect(error.message).toMatch(message);
    expect(error.message).toContain("'input.pem'");
    expect(error.message + (error.hint ?? "")).not.toContain("SECRET");
  });

  it("a certificate block that does not decode", async () => {
    const error = await refusal("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
    expect(error.message).toMatch(/PEM block 1 \(CERTIFICATE\) does not decode/);
  });

  it("certificates and a CSR together", async () => {
    const error = await refusal(Buffer.concat([fixture("leaf.pem"), fixture("csr.pem")]));
    expect(error.message).toMatch(/holds CERTIFICATE and CERTIFICATE REQUEST blocks/);
  });

  it("a key next to certificates is skipped, by label only", async () => {
    const doc = await run(Buffer.concat([fixture("leaf.pem"), Buffer.from(KEY_PEM)]));
    expect(doc.skippedBlocks).toEqual(["PRIVATE KEY"]);
    expect(doc.kind).toBe("certificate");
    expect(JSON.stringify(doc)).not.toContain("SECRET");
  });
});

describe("renderInspect", () => {
  const plain = new Chalk({ level: 0 });
  const colour = new Chalk({ level: 1 });
  const YELLOW = "\u001b[33m";
  const RED = "\u001b[31m";

  it("shows every field, SANs in the certificate's order, and the link verdicts", async () => {
    const text = renderInspect(await certs("fullchain.pem"), plain).join("\n");
    for (const expected of [
      "Chain of 3 certificates: each certificate links to the next",
      "Certificate 1 of 3",
      "Subject:            CN=www.example.com, O=Example Inc, OU=Web",
      // One date format across human output (issue 12 item 16).
      "Not after:          2026-01-01 00:00:00 UTC  (214 days left)",
      "Key:                EC P-256 (EC_prime256v1)",
      "Key usage:          digital_signature, key_encipherment",
      "Ext. key usage:     server_auth, client_auth",
      "Basic constraints:  CA: yes, path length 0",
      `SHA-256:            ${LEAF_SHA256}`,
      "Links to next:      yes",
      "(self-signed)",
    ]) expect(text).toContain(expected);
    expect(text).not.toMatch(/\u001b\[/);
  });

  it("colours time left: yellow under a third of the lifetime, red when expired", async () => {
    const at = async (now: string) => renderInspect(await certs("leaf.pem", new Date(now)), colour).join("\n");
    expect(await at("2025-10-01T00:00:00Z")).toContain(`${YELLOW}(92 days left)`);
    expect(await at("2026-03-01T00:00:00Z")).toContain(`${RED}(expired 59 days ago)`);
    expect(await at("2025-02-01T00:00:00Z")).not.toMatch(/\u001b\[3[13]m\(/);
  });

  it("names the broken link", async () => {
    const text = renderInspect(await certs("broken-chain.pem"), plain).join("\n");
    expect(text).toContain("the chain is broken");
    expect(text).toContain("Links to next:      no: its signature does not verify with the next certificate's key");
  });

  it("renders a CSR", async () => {
    const text = renderInspect(await run(fixture("csr.pem")), plain).join("\n");
    expect(text).toContain("Certificate request");
    expect(text).toContain("Signature:          RSA-SHA256  valid");
    expect(text).toContain("Key:                RSA 3072 bits (RSA_3072)");
  });

  it.each([
    [0, "0 seconds"], [1, "1 second"], [119, "119 seconds"], [120, "2 minutes"],
    [7_199, "119 minutes"], [7_200, "2 hours"], [172_799, "47 hours"], [172_800, "2 days"], [90 * 86_400, "90 days"],
  ])("humanDuration(%i) = %s", (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});
