// Issue 12 item 1: a certificate with an empty subject (SAN-only, the modern default) crashed
// certctl after the files were written (`oneLine(leaf.subject)`: node:crypto reports the subject
// as undefined). Certificates made here with openssl: a CA, and a leaf with `-subj /` whose SANs
// mix types in an order that is not "IPs first", with an IPv4-mapped IPv6 address.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Chalk } from "chalk";
import { altNamesOf, linkProblem, oneLine, verifyIssuedSet } from "../../src/core/crypto/verify.js";
import { inspect, type CertificatesDocument } from "../../src/core/inspect/inspect.js";
import { renderInspect } from "../../src/ui/inspect.js";

const SANS = "DNS:only.example.com,IP:10.0.0.1,DNS:b.example.com,IP:::ffff:10.0.0.1,URI:spiffe://example.org/ns/a/sa/b";
let dir: string;
let leafPem: string;
let caPem: string;
let leafKeyDer: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "certctl-san-only-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
    "-subj", "/CN=SAN-only Test CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE");
  ssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/");
  writeFileSync(join(dir, "san.ext"), `subjectAltName=critical,${SANS}\n`);
  ssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "10", "-out", "leaf.pem",
    "-extfile", "san.ext");
  leafPem = readFileSync(join(dir, "leaf.pem"), "utf8");
  caPem = readFileSync(join(dir, "ca.pem"), "utf8");
  leafKeyDer = new X509Certificate(leafPem).publicKey.export({ type: "spki", format: "der" });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a SAN-only certificate (empty subject)", () => {
  it("is made the way the issue describes: openssl reports no subject", () => {
    const cert = new X509Certificate(leafPem);
    expect(cert.subject).toBeFalsy();
    expect(cert.subjectAltName).toContain("DNS:only.example.com");
  });

  it("verifies, and its subject reads as an empty string instead of crashing", async () => {
    const set = await verifyIssuedSet({ certificatePem: leafPem, chainPem: caPem, publicKeyDer: leafKeyDer });
    expect(oneLine(set.leaf.subject)).toBe("");
    expect(linkProblem(set.leaf, set.chain[0]!)).toBeUndefined();
  });

  it("lists its SANs in the certificate's order, the mapped address dotted", () => {
    expect(altNamesOf(new X509Certificate(leafPem))).toEqual([
      "DNS:only.example.com", "IP:10.0.0.1", "DNS:b.example.com", "IP:::ffff:10.0.0.1", "URI:spiffe://example.org/ns/a/sa/b",
    ]);
  });

  it("inspect shows (empty) and the SANs in order, one per line", async () => {
    const doc = (await inspect({ bytes: Buffer.from(`${leafPem}\n${caPem}`), source: "leaf.pem", now: new Date() })) as CertificatesDocument;
    expect(doc.certificates[0]!.subject).toBe("");
    expect(doc.certificates[0]!.altNames).toEqual([
      "DNS:only.example.com", "IP:10.0.0.1", "DNS:b.example.com", "IP:::ffff:10.0.0.1", "URI:spiffe://example.org/ns/a/sa/b",
    ]);
    expect(doc.chainLinked).toBe(true);
    const text = renderInspect(doc, new Chalk({ level: 0 })).join("\n");
    expect(text).toContain("Subject:            (empty)");
    expect(text).toMatch(/SANs:\s+DNS:only\.example\.com\n\s+IP:10\.0\.0\.1\n\s+DNS:b\.example\.com\n\s+IP:::ffff:10\.0\.0\.1\n/);
  });
});

describe("chain messages name certificates safely", () => {
  it("an empty issuer name reads (empty subject) in the refusal, not a crash", async () => {
    // The leaf's own CA is replaced by itself: the leaf (empty subject) is not issued by "SAN-only Test CA".
    const error = await verifyIssuedSet({ certificatePem: caPem, chainPem: leafPem, publicKeyDer: new X509Certificate(caPem).publicKey.export({ type: "spki", format: "der" }) })
      .then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/was issued by "CN=SAN-only Test CA", but the next certificate is \(empty subject\)/);
  });
});
