// The rules a renewal and an install depend on: which 403 is a refusal, the one serial form, and
// what an issued certificate must carry before it is installed.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorForResponse } from "../../src/api/errors.js";
import { AuthError, RefusedError } from "../../src/model/errors.js";
import { canonicalSerial, sameSerial } from "../../src/core/request/record.js";
import { checkIssuedCertificate, unescapeValue } from "../../src/core/request/check-issued.js";
import { openssl } from "../helpers/openssl.js";

const ctx = { host: "127.0.0.1", operation: "POST /v1/cert-manager/certificates/x/renew", attempts: 1, secrets: [] };
const forbidden = (error: string, message: string) =>
  errorForResponse({ status: 403, body: { statusCode: 403, error, message }, contentType: "application/json" }, ctx);

describe("403 answers", () => {
  it("'not eligible for renewal' (ForbiddenError) is a refusal, exit 4", () => {
    const error = forbidden("ForbiddenError", "Certificate is not eligible for renewal: certificates issued from CSR (external private key) cannot be renewed");
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.exitCode).toBe(4);
    expect((error as RefusedError).status).toBe(403);
  });

  it("PermissionDenied and TokenError stay exit 3", () => {
    expect(forbidden("PermissionDenied", "You are not allowed to renew")).toBeInstanceOf(AuthError);
    expect(forbidden("TokenError", "expired")).toBeInstanceOf(AuthError);
    expect(forbidden("PermissionDenied", "You are not allowed").exitCode).toBe(3);
  });
});

describe("serial numbers", () => {
  it("the server's 00-padded 40 digits and the certificate's 38 are one serial", () => {
    const cert = "8f" + "1".repeat(36);
    expect(canonicalSerial(`00${cert}`)).toBe(cert);
    expect(canonicalSerial(cert.toUpperCase())).toBe(cert);
    expect(sameSerial(`00${cert}`, cert)).toBe(true);
    expect(sameSerial("0a01", "a01")).toBe(true);
    expect(canonicalSerial("0a01")).toBe("0a01");
  });
});

function selfSigned(subj: string, san: string, days = 30, extra: string[] = []): X509Certificate {
  const dir = mkdtempSync(join(tmpdir(), "certctl-check-"));
  const cert = join(dir, "cert.pem");
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "key.pem"), "-out", cert,
    "-days", String(days), "-subj", subj, "-addext", `subjectAltName=${san}`, ...extra]);
  return new X509Certificate(readFileSync(cert, "utf8"));
}

describe("what an issued certificate must carry", () => {
  const leaf = selfSigned("/O=Example/CN=www.example.com", "DNS:www.example.com,DNS:extra.example.com,IP:10.0.0.1");
  const now = new Date();

  it("additions and another RDN order are fine", () => {
    expect(checkIssuedCertificate(leaf, { commonName: "www.example.com", organization: "Example", altNames: [{ type: "dns_name", value: "WWW.example.com" }, { type: "ip_address", value: "10.0.0.1" }] }, now, "c1")).toBeUndefined();
  });

  it("a dropped SAN or another CN is refused with the difference", () => {
    expect(() => checkIssuedCertificate(leaf, { commonName: "www.example.com", altNames: [{ type: "dns_name", value: "api.example.com" }] }, now, "c1"))
      .toThrow(expect.objectContaining({ exitCode: 4, lines: ["missing: SAN DNS:api.example.com"] }));
    expect(() => checkIssuedCertificate(leaf, { commonName: "other.example.com" }, now, "c1")).toThrow(/lacks what was asked for/);
  });

  it("a value node:crypto prints escaped is the value asked for (O=Example, Inc.)", () => {
    const escaped = selfSigned("/O=Example, Inc./OU=#1 R&D/CN=Müller\\+Söhne", "DNS:www.example.com", 30, ["-utf8"]);
    expect(escaped.subject).toBe("O=Example\\, Inc.\nOU=\\#1 R&D\nCN=Müller\\+Söhne");
    expect(checkIssuedCertificate(escaped, { organization: "Example, Inc.", organizationalUnit: "#1 R&D", commonName: "Müller+Söhne" }, now, "c1")).toBeUndefined();
    expect(() => checkIssuedCertificate(escaped, { organization: "Example Inc." }, now, "c1")).toThrow(/lacks what was asked for/);
    expect(unescapeValue("Example\\, Inc.")).toBe("Example, Inc.");
    expect(unescapeValue("\\#1 a\\ ")).toBe("#1 a ");
    expect(unescapeValue("M\\C3\\BCller")).toBe("Müller");
    expect(unescapeValue("plain")).toBe("plain");
  });

  it("expired or not yet valid (beyond the skew) is refused; a start that was asked for is a warning", () => {
    const later = new Date(Date.now() + 40 * 86_400_000);
    expect(() => checkIssuedCertificate(leaf, {}, later, "c1")).toThrow(/already expired/);
    const earlier = new Date(Date.now() - 86_400_000);
    expect(() => checkIssuedCertificate(leaf, {}, earlier, "c1")).toThrow(/not valid yet/);
    // --not-before in the future: installed, with a warning.
    expect(checkIssuedCertificate(leaf, { notBefore: new Date(Date.now() - 1000).toISOString() }, new Date(Date.now() - 3_600_000), "c1"))
      .toMatch(/not valid before .* \(the notBefore asked for\)/);
    const skew = new Date(Date.now() - 60_000);
    expect(checkIssuedCertificate(leaf, {}, skew, "c1")).toBeUndefined();
  });
});
