// `certctl inspect` as a user runs it, checked field by field against `openssl x509`/`openssl req`
// on certificates openssl makes here: root → intermediate → leaf with SANs of every type, KU and EKU.
// certctl runs in this process (main(argv, io)): nothing here is about the process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureKeyPath } from "../helpers/fixture-keys.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { runMain } from "../helpers/run-main.js";
import { openssl } from "../helpers/openssl.js";

let dir: string;
const path = (name: string) => join(dir, name);

const LEAF_EXT = `basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage = serverAuth, clientAuth, codeSigning
subjectAltName = DNS:app.example.test, DNS:*.app.example.test, IP:203.0.113.5, IP:2001:db8:0:0:0:0:0:42, email:admin@example.test, URI:spiffe://example.test/app
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "certctl-inspect-"));
  writeFileSync(path("ca.ext"), "basicConstraints = critical, CA:TRUE, pathlen:0\nkeyUsage = critical, keyCertSign, cRLSign\n");
  writeFileSync(path("leaf.ext"), LEAF_EXT);
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", path("root.key"),
    "-subj", "/C=NL/O=e2e/CN=e2e Root", "-days", "3650", "-sha384", "-out", path("root.pem")]);
  // The RSA intermediate's key is the fixture: an RSA key here is an input, not the subject.
  openssl(["req", "-new", "-key", fixtureKeyPath("rsa-2048"), "-subj", "/O=e2e/CN=e2e Intermediate", "-out", path("int.csr")]);
  openssl(["x509", "-req", "-in", path("int.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"), "-set_serial", "0x00ff0102",
    "-days", "1825", "-sha384", "-extfile", path("ca.ext"), "-out", path("int.pem")]);
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("leaf.key"),
    "-subj", "/C=NL/ST=Noord-Holland/L=Amsterdam/O=e2e/OU=Apps/CN=app.example.test", "-out", path("leaf.csr"),
    "-addext", "subjectAltName=DNS:app.example.test,IP:203.0.113.5,email:admin@example.test,URI:spiffe://example.test/app",
    "-addext", "keyUsage=digitalSignature", "-addext", "extendedKeyUsage=serverAuth"]);
  openssl(["x509", "-req", "-in", path("leaf.csr"), "-CA", path("int.pem"), "-CAkey", fixtureKeyPath("rsa-2048"), "-CAcreateserial",
    "-days", "90", "-sha256", "-extfile", path("leaf.ext"), "-out", path("leaf.pem")]);
  // Another "intermediate" with the same name but its own key: the chain breaks only at the signature.
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("fake.key"),
    "-subj", "/O=e2e/CN=e2e Intermediate", "-days", "30", "-out", path("fake.pem")]);
  const pem = (name: string) => readFileSync(path(name), "utf8");
  writeFileSync(path("fullchain.pem"), pem("leaf.pem") + pem("int.pem") + pem("root.pem"));
  writeFileSync(path("broken.pem"), pem("leaf.pem") + pem("fake.pem"));
  writeFileSync(path("empty.pem"), "");
  writeFileSync(path("notes.txt"), "just some text\n");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface CertJson {
  subject: string; issuer: string; serialNumber: string; notBefore: string; notAfter: string;
  subjectAltNames: Record<string, string[]>; publicKey: { type: string; bits: number; curve?: string };
  signatureAlgorithm: string; keyUsages: string[]; extendedKeyUsages: string[];
  basicConstraints: { isCA: boolean; pathLength?: number } | null;
  fingerprints: { sha256: string; sha1: string }; linksToNext: boolean | null; linkProblem?: string; validity: string;
}

async function inspectJson(args: string[], input?: string): Promise<{ kind: string; chainLinked?: boolean; certificates: CertJson[]; csr?: Record<string, unknown> }> {
  const result = await runMain(["inspect", "--json", ...args], input === undefined ? {} : { stdin: input });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

// ---- what openssl says, parsed independently of certctl

const KU: Record<string, string> = {
  "Digital Signature": "digital_signature", "Non Repudiation": "non_repudiation", "Key Encipherment": "key_encipherment",
  "Data Encipherment": "data_encipherment", "Key Agreement": "key_agreement", "Certificate Sign": "key_cert_sign",
  "CRL Sign": "crl_sign", "Encipher Only": "encipher_only", "Decipher Only": "decipher_only",
};
const EKU: Record<string, string> = {
  "TLS Web Server Authentication": "server_auth", "TLS Web Client Authentication": "client_auth", "Code Signing": "code_signing",
  "E-mail Protection": "email_protection", "Time Stamping": "time_stamping", "OCSP Signing": "ocsp_signing",
};
const SIG: Record<string, string> = {
  sha256WithRSAEncryption: "RSA-SHA256", sha384WithRSAEncryption: "RSA-SHA384", sha512WithRSAEncryption: "RSA-SHA512",
  "ecdsa-with-SHA256": "ECDSA-SHA256", "ecdsa-with-SHA384": "ECDSA-SHA384", "ecdsa-with-SHA512": "ECDSA-SHA512",
};

/** The line after an extension's heading in `-text` output. */
function extensionLine(text: string, heading: string): string | undefined {
  const match = text.match(new RegExp(`${heading}:(?: critical)?[ \\t]*\\n\\s*(.+)`));
  return match?.[1]?.trim();
}

function canonicalIp(ip: string): string {
  return ip.includes(":") ? new URL(`http://[${ip}]/`).hostname.slice(1, -1) : ip;
}

function opensslView(file: string, kind: "x509" | "req") {
  const text = openssl([kind, "-in", file, "-noout", "-text"]);
  const sans = { dns_name: [] as string[], ip_address: [] as string[], email: [] as string[], uri: [] as string[] };
  for (const entry of (extensionLine(text, "X509v3 Subject Alternative Name") ?? "").split(", ").filter(Boolean)) {
    const [type, ...rest] = entry.split(":");
    const value = rest.join(":");
    if (type === "DNS") sans.dns_name.push(value);
    else if (type === "IP Address") sans.ip_address.push(canonicalIp(value));
    else if (type === "email") sans.email.push(value);
    else if (type === "URI") sans.uri.push(value);
    else throw new Error(`unexpected SAN ${entry}`);
  }
  const bc = extensionLine(text, "X509v3 Basic Constraints");
  return {
    text,
    subject: openssl([kind, "-in", file, "-noout", "-subject", "-nameopt", "utf8,sep_comma_plus_space,esc_2253"]).trim().replace(/^subject=/, ""),
    sans,
    keyUsages: (extensionLine(text, "X509v3 Key Usage") ?? "").split(", ").filter(Boolean).map((u) => KU[u] ?? `?${u}`),
    extendedKeyUsages: (extensionLine(text, "X509v3 Extended Key Usage") ?? "").split(", ").filter(Boolean).map((u) => EKU[u] ?? `?${u}`),
    basicConstraints: bc === undefined ? null : {
      isCA: bc.startsWith("CA:TRUE"),
      ...(bc.match(/pathlen:(\d+)/) ? { pathLength: Number(bc.match(/pathlen:(\d+)/)![1]) } : {}),
    },
    signatureAlgorithm: SIG[text.match(/Signature Algorithm: (\S+)/)![1]!],
    bits: Number(text.match(/Public-Key: \((\d+) bit\)/)![1]),
    curve: text.match(/NIST CURVE: (\S+)/)?.[1],
  };
}

/** What openssl says about a certificate file (each is written once in beforeAll, so read once). */
const opensslCerts = new Map<string, ReturnType<typeof readOpensslCert>>();
function opensslCert(file: string): ReturnType<typeof readOpensslCert> {
  if (!opensslCerts.has(file)) opensslCerts.set(file, readOpensslCert(file));
  return opensslCerts.get(file)!;
}

function readOpensslCert(file: string) {
  const field = (flag: string, name: string) =>
    openssl(["x509", "-in", file, "-noout", flag, ...(flag === "-fingerprint" ? [name] : [])]).trim().replace(/^[^=]+=/, "");
  return {
    ...opensslView(file, "x509"),
    issuer: openssl(["x509", "-in", file, "-noout", "-issuer", "-nameopt", "utf8,sep_comma_plus_space,esc_2253"]).trim().replace(/^issuer=/, ""),
    serial: field("-serial", "").toLowerCase().replace(/^(00)+(?=..)/, ""),
    notBefore: new Date(field("-startdate", "")).toISOString(),
    notAfter: new Date(field("-enddate", "")).toISOString(),
    sha256: field("-fingerprint", "-sha256"),
    sha1: field("-fingerprint", "-sha1"),
  };
}

function expectAgreesWithOpenssl(cert: CertJson, file: string): void {
  const o = opensslCert(file);
  expect(cert.subject).toBe(o.subject);
  expect(cert.issuer).toBe(o.issuer);
  expect(cert.serialNumber).toBe(o.serial);
  expect(cert.notBefore).toBe(o.notBefore);
  expect(cert.notAfter).toBe(o.notAfter);
  expect(cert.fingerprints.sha256).toBe(o.sha256);
  expect(cert.fingerprints.sha1).toBe(o.sha1);
  expect({ ...cert.subjectAltNames, ip_address: cert.subjectAltNames.ip_address!.map(canonicalIp), other: undefined }).toEqual({ ...o.sans, other: undefined });
  expect(cert.keyUsages).toEqual(o.keyUsages);
  expect(cert.extendedKeyUsages).toEqual(o.extendedKeyUsages);
  expect(cert.basicConstraints).toEqual(o.basicConstraints);
  expect(cert.signatureAlgorithm).toBe(o.signatureAlgorithm);
  expect(cert.publicKey.bits).toBe(o.bits);
  if (o.curve) expect(cert.publicKey.curve).toBe(o.curve);
}

describe.concurrent("certctl inspect --json agrees with openssl", () => {
  it("on each certificate of a fullchain, in order, each linking to the next", async () => {
    const doc = await inspectJson([path("fullchain.pem")]);
    expect(doc.kind).toBe("chain");
    expect(doc.chainLinked).toBe(true);
    expect(doc.certificates).toHaveLength(3);
    ["leaf.pem", "int.pem", "root.pem"].forEach((file, i) => expectAgreesWithOpenssl(doc.certificates[i]!, path(file)));
    expect(doc.certificates.map((c) => c.linksToNext)).toEqual([true, true, null]);
    // The leaf carries every SAN type, so the comparison above covered each.
    const leaf = doc.certificates[0]!;
    for (const type of ["dns_name", "ip_address", "email", "uri"]) expect(leaf.subjectAltNames[type]!.length).toBeGreaterThan(0);
    expect(leaf.validity).toBe("valid");
    expect(doc.certificates[1]!.serialNumber).toBe("ff0102");
  });

  it("shows a broken link when the next certificate only looks like the issuer", async () => {
    const doc = await inspectJson([path("broken.pem")]);
    expect(doc.chainLinked).toBe(false);
    expect(doc.certificates[0]!.linksToNext).toBe(false);
    expect(doc.certificates[0]!.linkProblem).toMatch(/signature/);
    // openssl agrees that the look-alike does not verify the leaf.
    expect(() => openssl(["verify", "-partial_chain", "-CAfile", path("fake.pem"), path("leaf.pem")])).toThrow();
  });

  it("on a CSR", async () => {
    const doc = await inspectJson([path("leaf.csr")]);
    expect(doc.kind).toBe("csr");
    const o = opensslView(path("leaf.csr"), "req");
    const csr = doc.csr as { subject: string; subjectAltNames: Record<string, string[]>; keyUsages: string[]; extendedKeyUsages: string[]; signatureValid: boolean; signatureAlgorithm: string; publicKey: { bits: number; curve: string } };
    expect(csr.subject).toBe(o.subject);
    expect({ ...csr.subjectAltNames, other: undefined }).toEqual({ ...o.sans, other: undefined });
    expect(csr.keyUsages).toEqual(o.keyUsages);
    expect(csr.extendedKeyUsages).toEqual(o.extendedKeyUsages);
    expect(csr.signatureAlgorithm).toBe(o.signatureAlgorithm);
    expect(csr.publicKey).toMatchObject({ bits: o.bits, curve: o.curve });
    expect(openssl(["req", "-in", path("leaf.csr"), "-noout", "-verify"], undefined)).toBeDefined();
    expect(csr.signatureValid).toBe(true);
  });

  it("reads standard input with -", async () => {
    const doc = await inspectJson(["-"], readFileSync(path("fullchain.pem"), "utf8"));
    expect(doc.certificates.map((c) => c.fingerprints.sha256)).toEqual(
      ["leaf.pem", "int.pem", "root.pem"].map((f) => opensslCert(path(f)).sha256),
    );
  });

  it("prints the same facts as text without --json", async () => {
    const result = await runMain(["inspect", path("leaf.pem")]);
    expect(result.code).toBe(0);
    const o = opensslCert(path("leaf.pem"));
    expect(result.stdout).toContain(o.sha256);
    expect(result.stdout).toContain(o.subject);
    expect(result.stdout).toMatch(/\(8[89] days left\)/);
    expect(result.stdout).not.toMatch(/\u001b\[/); // piped: no colour
  });
});

describe.concurrent("certctl inspect refuses what it cannot read", () => {
  // Issue 16: inspect reads every file certctl writes, key.pem included — its type, never its content.
  it("a private key: described by type and public key, never printed", async () => {
    const keyBody = readFileSync(path("leaf.key"), "utf8").split("\n").filter((l) => l && !l.startsWith("-----"));
    for (const args of [[path("leaf.key")], ["--json", path("leaf.key")], ["-"]]) {
      const result = await runMain(["inspect", ...args], { stdin: readFileSync(path("leaf.key"), "utf8") });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Private key|"kind": "key"/);
      for (const line of keyBody) expect(result.stdout + result.stderr).not.toContain(line);
    }
  });

  it.each([
    ["empty.pem", /it is empty/],
    ["notes.txt", /found no PEM block and the bytes are not DER/],
  ])("%s: exit 2", async (file, message) => {
    const result = await runMain(["inspect", path(file)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });

  it("--json: the error is one JSON document on stdout", async () => {
    const result = await runMain(["inspect", "--json", path("notes.txt")]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { exitCode: 2, type: "UsageError" } });
  });

  it("a missing file or a directory: exit 7", async () => {
    const missing = await runMain(["inspect", path("nope.pem")]);
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(/cannot read '.*nope\.pem': it does not exist/);
    const directory = await runMain(["inspect", dir]);
    expect(directory.code).toBe(7);
    expect(directory.stderr).toMatch(/it is a directory/);
  });

  it("no argument: exit 2 from the parser", async () => {
    const result = await runMain(["inspect"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing required argument 'file'/);
  });
});

describe.concurrent("certctl inspect on the dev server's certificates", () => {
  it("agrees with openssl on an issued fullchain", async () => {
    const { server, env } = await startLocalDevServer();
    try {
      const out = path("issued");
      const issued = await runMain(["issue", "--profile", server.info.profileId, "--cn", "dev.example.test", "--dns", "dev.example.test", "--out-dir", out], { env });
      expect(issued.code, issued.stderr).toBe(0);
      const doc = await inspectJson([join(out, "fullchain.pem")]);
      expect(doc.chainLinked).toBe(true);
      const blocks = readFileSync(join(out, "fullchain.pem"), "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
      expect(doc.certificates).toHaveLength(blocks.length);
      blocks.forEach((block, i) => {
        writeFileSync(path(`issued-${i}.pem`), block + "\n");
        expectAgreesWithOpenssl(doc.certificates[i]!, path(`issued-${i}.pem`));
      });
    } finally {
      await server.close();
    }
  });
});
