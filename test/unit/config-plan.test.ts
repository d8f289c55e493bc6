// replaceReasons: what an entry asks for that the certificate (and its certctl.json) does not give.
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningKey } from "../../src/core/crypto/keys.js";
import { x509 } from "../../src/core/crypto/x509.js";
import { formatReasons, replaceReasons } from "../../src/core/config/compare.js";
import type { ApplyEntry } from "../../src/core/config/entry.js";
import type { CertctlMetadata } from "../../src/store/metadata.js";
import type { CertificateAttributes } from "../../src/model/types.js";

const PROFILE = "3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11";
let certPem: string;

beforeAll(async () => {
  const key = await generateSigningKey("EC_prime256v1");
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01", name: "CN=www.example.com", keys: key.keys, notBefore: new Date("2026-01-01"), notAfter: new Date("2027-01-01"),
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "www.example.com" }, { type: "ip", value: "2001:db8::1" }])],
  });
  certPem = cert.toString("pem");
});

const RECORDED: CertificateAttributes = {
  commonName: "www.example.com", keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256",
  altNames: [{ type: "dns_name", value: "www.example.com" }, { type: "ip_address", value: "2001:db8::1" }],
};

function meta(overrides: Partial<CertctlMetadata> = {}): CertctlMetadata {
  return {
    version: 1, domain: "http://127.0.0.1/api", profileId: PROFILE, profile: "web-server", projectId: "p", mode: "local-key",
    attributes: RECORDED, removeRootsFromChain: false, certificateId: "c", certificateRequestId: "r", serialNumber: "01",
    notBefore: "2026-01-01T00:00:00Z", notAfter: "2027-01-01T00:00:00Z", files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem" },
    issuedAt: "2026-01-01T00:00:00Z", ...overrides,
  };
}

function entry(attributes: Partial<CertificateAttributes> = {}, params: Partial<ApplyEntry["params"]> = {}): ApplyEntry {
  return {
    name: "web", index: 0, dir: "/d", renewBefore: { kind: "default" }, hookTimeoutMs: 1000,
    params: {
      profile: "web-server", mode: "local-key", attributes: { ...RECORDED, ...attributes }, removeRootsFromChain: false, outDir: "/d",
      files: { cert: "/d/cert.pem", chain: "/d/chain.pem", fullchain: "/d/fullchain.pem", key: "/d/key.pem", ca: "/d/ca.pem" },
      force: true, wait: true, waitTimeoutMs: 1000, ...params,
    },
  };
}

describe("replaceReasons", () => {
  it("nothing when the certificate satisfies the entry (an IPv6 SAN however it is spelled)", () => {
    expect(replaceReasons(entry(), meta(), certPem)).toEqual([]);
    expect(replaceReasons(entry({}, { profile: PROFILE }), meta(), certPem)).toEqual([]);
  });

  it("names each difference", () => {
    const wanted = entry({
      commonName: "web.example.com", keyAlgorithm: "RSA_2048", extendedKeyUsages: ["server_auth"],
      altNames: [{ type: "dns_name", value: "www.example.com" }, { type: "dns_name", value: "mail2.example.com" }],
    }, { profile: "rsa-servers", mode: "server-keygen" });
    expect(replaceReasons(wanted, meta(), certPem)).toEqual([
      "key source changed: local-key → server-keygen",
      "profile changed: web-server → rsa-servers",
      "key algorithm changed: EC_prime256v1 → RSA_2048",
      "subject CN changed: 'www.example.com' → 'web.example.com'",
      "SAN mail2.example.com added",
      "SAN 2001:db8::1 removed",
      "extended key usage server_auth added",
    ]);
  });

  it("a CSR entry is judged by profile and key source only (the CSR decides the rest)", () => {
    expect(replaceReasons(entry({ commonName: "other" }, { mode: "csr" }), meta({ mode: "csr" }), certPem)).toEqual([]);
  });
});

describe("formatReasons", () => {
  const files = (extra: Record<string, string>) => ({ ...entry().params.files, ...extra });
  const recorded = meta({
    files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", p12: "cert.p12", der: "cert.der" },
    formats: { p12: { password: { file: "/etc/p12.pass" } }, der: {}, encryptedKey: { password: { env: "KEY_PASS" } } },
  });

  it("nothing when the entry asks for what certctl.json records (and for a set with no formats at all)", () => {
    const same = entry({}, { files: files({ p12: "/d/cert.p12", der: "/d/cert.der" }), formats: recorded.formats! });
    expect(formatReasons(same, recorded)).toEqual([]);
    expect(formatReasons(entry(), meta())).toEqual([]);
  });

  it("names each format added, removed or moved, and each password source, encryption or alias changed", () => {
    const wanted = entry({}, {
      files: files({ p12: "/d/keystore.p12", combined: "/d/haproxy.pem" }),
      formats: { p12: { password: { env: "P12_PASS" }, legacy: true, friendlyName: "web" }, combined: {}, encryptedKey: { password: { file: "/etc/key.pass" } } },
    });
    expect(formatReasons(wanted, recorded)).toEqual([
      "PKCS#12 moved: cert.p12 → keystore.p12",
      "DER leaf removed (cert.der)",
      "combined PEM added (haproxy.pem)",
      "PKCS#12 password now from $P12_PASS (was /etc/p12.pass)",
      "PKCS#12 encryption changed: modern → legacy",
      "PKCS#12 friendly name changed: (none) → 'web'",
      "key.pem password now from /etc/key.pass (was $KEY_PASS)",
    ]);
  });

  it("key encryption added or dropped", () => {
    expect(formatReasons(entry({}, { formats: { encryptedKey: { password: { file: "/k" } } } }), meta()))
      .toEqual(["key.pem encrypted (password from /k)"]);
    expect(formatReasons(entry(), meta({ formats: { encryptedKey: { password: { file: "/k" } } } }))).toEqual(["key.pem no longer encrypted"]);
  });
});
