// cert-view.ts reads what `list` and `check` show of a certificate from its DER when it is plain,
// and leaves anything else to node:crypto. Here, over certificates openssl makes in many shapes,
// the view must say exactly what node's X509Certificate says — by reading the DER where it can
// (checked: plainCertificateView answers for the shapes it should read itself, and declines the
// others) and by falling back where it cannot.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateView, plainCertificateView } from "../../src/core/crypto/cert-view.js";
import { openssl } from "../helpers/openssl.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "certctl-cert-view-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];

function make(name: string, subject: string, extra: string[] = [], key = EC): string {
  const out = join(dir, `${name.replace(/\W+/g, "-")}.pem`);
  openssl(["req", "-x509", ...key, "-nodes", "-keyout", join(dir, "key.pem"), "-days", "30", "-subj", subject, ...extra, "-out", out]);
  return readFileSync(out, "utf8");
}

function expectSameAsNode(pem: string): void {
  const cert = new X509Certificate(pem);
  const view = certificateView(pem);
  expect(view.serialNumber).toBe(cert.serialNumber);
  expect(view.notBefore.getTime()).toBe(new Date(cert.validFrom).getTime());
  expect(view.notAfter.getTime()).toBe(new Date(cert.validTo).getTime());
  expect(view.subject).toBe(cert.subject);
  expect(view.subjectAltName).toBe(cert.subjectAltName);
  expect(Buffer.from(view.raw).equals(cert.raw)).toBe(true);
}

// Read from the DER.
const PLAIN: Array<[string, string, string[], string[]?]> = [
  ["CN and a DNS SAN", "/CN=web.example.com", ["-addext", "subjectAltName=DNS:web.example.com"]],
  ["a full subject, in the order given", "/C=DE/ST=Berlin/L=Berlin/O=Example GmbH/OU=Ops/CN=api.example.com", ["-addext", "subjectAltName=DNS:api.example.com,DNS:*.api.example.com"]],
  ["SAN only (an empty subject)", "/", ["-addext", "subjectAltName=DNS:san-only.example.com"]],
  ["no SAN extension", "/CN=legacy.example.com", []],
  ["IPv4 and DNS SANs", "/CN=10.0.0.1", ["-addext", "subjectAltName=IP:10.0.0.1,DNS:host-1.internal,IP:192.0.2.254"]],
  ["email address and DC in the subject", "/DC=com/DC=example/emailAddress=ops@example.com/CN=x", []],
  ["an RSA key and a top-bit serial", "/CN=rsa.example.com", ["-set_serial", "0x80aabbccddeeff", "-addext", "subjectAltName=DNS:rsa.example.com"], ["-newkey", "rsa:2048"]],
  ["a one-byte serial", "/CN=s", ["-set_serial", "5"]],
];

// Not plain: node:crypto's words, whatever they are.
const OTHER: Array<[string, string, string[]]> = [
  ["a comma in the CN (escaped)", "/CN=Doe\\, Jane/O=x", []],
  ["a UTF-8 organisation", "/O=Bücher GmbH/CN=u.example.com", ["-utf8"]],
  ["a multi-valued RDN", "/CN=a+OU=b", ["-multivalue-rdn"]],
  ["an IPv6 SAN", "/CN=v6", ["-addext", "subjectAltName=IP:2001:db8::1"]],
  ["e-mail and URI SANs", "/CN=m", ["-addext", "subjectAltName=email:a@example.com,URI:spiffe://example.org/x"]],
  ["an attribute outside the table", "/CN=g/givenName=Jane", []],
  ["a trailing space", "/CN=trailing ", []],
];

describe("certificateView against node:crypto", () => {
  it.each(PLAIN)("reads %s from the DER", (name, subject, extra, key) => {
    const pem = make(name, subject, extra, key);
    expect(plainCertificateView(Buffer.from(new X509Certificate(pem).raw))).toBeDefined();
    expectSameAsNode(pem);
  });

  it.each(OTHER)("leaves %s to node:crypto, with the same result", (name, subject, extra) => {
    const pem = make(name, subject, extra);
    expect(plainCertificateView(Buffer.from(new X509Certificate(pem).raw))).toBeUndefined();
    expectSameAsNode(pem);
  });

  it("refuses what is not a certificate as node:crypto does", () => {
    expect(() => certificateView("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toThrow();
    expect(() => certificateView("not a certificate")).toThrow();
  });
});
