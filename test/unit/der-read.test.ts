// der.ts reads a certificate's serial, validity and key straight from its DER, for planning and
// for the key check after issuance. Here against node's X509Certificate (OpenSSL) over
// certificates openssl makes in every shape those fields take: EC and RSA keys, UTCTime and
// GeneralizedTime (after 2049), a serial with its top bit set, a v1 certificate (no version field).
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateFields } from "../../src/core/crypto/der.js";
import { certificateValidity } from "../../src/core/renew/due.js";
import { canonicalSerial } from "../../src/core/request/record.js";
import { openssl } from "../helpers/openssl.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "certctl-der-read-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHAPES: Array<[string, string[]]> = [
  ["EC P-256, 30 days", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-days", "30", "-subj", "/CN=a"]],
  ["RSA 2048, until after 2049 (GeneralizedTime)", ["req", "-x509", "-newkey", "rsa:2048", "-days", "40000", "-subj", "/CN=b"]],
  ["a serial with its top bit set", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-days", "1", "-subj", "/CN=c", "-set_serial", "0x80aabbccddeeff00112233"]],
  ["a one-byte serial", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-days", "1", "-subj", "/CN=d", "-set_serial", "5"]],
];

function make(name: string, args: string[]): string {
  const out = join(dir, `${name.replace(/\W+/g, "-")}.pem`);
  openssl([...args, "-nodes", "-keyout", join(dir, "key.pem"), "-out", out]);
  return readFileSync(out, "utf8");
}

function expectSameAsOpenSsl(pem: string): void {
  const cert = new X509Certificate(pem);
  const fields = certificateFields(cert.raw);
  expect(fields.notBefore.getTime()).toBe(new Date(cert.validFrom).getTime());
  expect(fields.notAfter.getTime()).toBe(new Date(cert.validTo).getTime());
  expect(canonicalSerial(fields.serialHex)).toBe(canonicalSerial(cert.serialNumber));
  expect(Buffer.from(fields.spki).equals(cert.publicKey.export({ type: "spki", format: "der" }))).toBe(true);
  expect(certificateValidity(pem)).toEqual({ notBefore: fields.notBefore, notAfter: fields.notAfter, serialNumber: canonicalSerial(cert.serialNumber) });
}

describe("certificateFields against OpenSSL", () => {
  it.each(SHAPES)("%s", (name, args) => expectSameAsOpenSsl(make(name, args)));

  it("a v1 certificate, which has no version field", () => {
    const csr = join(dir, "v1.csr");
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, "v1.key"), "-subj", "/CN=v1", "-out", csr]);
    const pem = openssl(["x509", "-req", "-in", csr, "-key", join(dir, "v1.key"), "-days", "2"]);
    expect(Buffer.from(new X509Certificate(pem).raw)[4]).not.toBe(0xa0); // really no [0] version
    expectSameAsOpenSsl(pem);
  });

  it("anything but a certificate throws, and certificateValidity still refuses it as before", () => {
    const cert = new X509Certificate(make("bad", SHAPES[0]![1]));
    expect(() => certificateFields(cert.raw.subarray(0, cert.raw.length - 1))).toThrow();
    expect(() => certificateFields(Buffer.concat([cert.raw, Buffer.from([0])]))).toThrow();
    // A certificate request is a SEQUENCE of three too: its first part is no TBSCertificate.
    openssl(["req", "-new", "-key", join(dir, "key.pem"), "-subj", "/CN=x", "-outform", "DER", "-out", join(dir, "x.csr.der")]);
    expect(() => certificateFields(readFileSync(join(dir, "x.csr.der")))).toThrow("not a TBSCertificate");
    expect(() => certificateValidity("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toThrow();
  });
});
