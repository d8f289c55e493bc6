// Flag values → validated attributes: every bad value is a UsageError naming the flag.
import { describe, expect, it } from "vitest";
import { detectSanType, isDnsName, type KeyMode } from "../../src/core/attributes/attributes.js";
import {
  buildAttributes, parseAltNames, parseExtKeyUsages, parseIsoDate, parseKeyAlgorithm,
  parseKeyUsages, parseSignatureAlgorithm, type AttributeFlags,
} from "../../src/cli/issue/attributes.js";
import { parseIssueFlags } from "../../src/cli/issue/parse.js";
import { issueCommand, type IssueFlags } from "../../src/cli/issue/define.js";
import { UsageError } from "../../src/model/errors.js";

const NOW = new Date("2026-01-15T00:00:00Z");
const PROFILE = "3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11";

function attrs(flags: AttributeFlags, mode: KeyMode = "local-key", keyFromFile = false) {
  return buildAttributes(flags, { mode, keyFromFile, now: NOW });
}

describe("key and signature algorithms", () => {
  it.each([
    ["RSA_2048", "RSA_2048"], ["rsa2048", "RSA_2048"], ["rsa-2048", "RSA_2048"], ["RSA_3072", "RSA_3072"], ["rsa4096", "RSA_4096"],
    ["EC_prime256v1", "EC_prime256v1"], ["p256", "EC_prime256v1"], ["P-256", "EC_prime256v1"], ["prime256v1", "EC_prime256v1"],
    ["secp384r1", "EC_secp384r1"], ["ec-p384", "EC_secp384r1"], ["p384", "EC_secp384r1"], ["p521", "EC_secp521r1"], ["EC_secp521r1", "EC_secp521r1"],
  ])("key algorithm %s → %s", (input, expected) => {
    expect(parseKeyAlgorithm(input)).toBe(expected);
  });

  it.each(["rsa1024", "p224", "ed25519", "", "RSA_8192"])("refuses key algorithm %j naming the flag and the options", (input) => {
    expect(() => parseKeyAlgorithm(input)).toThrowError(/--key-algorithm.*RSA_2048.*EC_secp521r1/);
  });

  it.each([["RSA-SHA256", "RSA-SHA256"], ["rsa-sha384", "RSA-SHA384"], ["ECDSA-SHA512", "ECDSA-SHA512"], ["ecdsa_sha256", "ECDSA-SHA256"], ["ec-sha384", "ECDSA-SHA384"]])(
    "signature algorithm %s → %s", (input, expected) => expect(parseSignatureAlgorithm(input)).toBe(expected),
  );

  it.each(["SHA256", "RSA-SHA1", "ECDSA-SHA224", "rsa-pss"])("refuses signature algorithm %s", (input) => {
    expect(() => parseSignatureAlgorithm(input)).toThrowError(/--signature-algorithm.*RSA-SHA256/);
  });

  it("defaults to EC P-256 signed with ECDSA-SHA256, and SHA-256 in the family of another key", () => {
    expect(attrs({ cn: "a.example.com" })).toMatchObject({ keyAlgorithm: "EC_prime256v1", signatureAlgorithm: "ECDSA-SHA256", ttl: "30d" });
    expect(attrs({ cn: "a.example.com", keyAlgorithm: "rsa3072" })).toMatchObject({ keyAlgorithm: "RSA_3072", signatureAlgorithm: "RSA-SHA256" });
  });

  it("refuses a signature algorithm of the other family", () => {
    expect(() => attrs({ cn: "a", keyAlgorithm: "p256", signatureAlgorithm: "RSA-SHA256" })).toThrowError(/--signature-algorithm RSA-SHA256 cannot sign with an EC_prime256v1 key/);
    expect(() => attrs({ cn: "a", keyAlgorithm: "rsa2048", signatureAlgorithm: "ECDSA-SHA384" })).toThrowError(UsageError);
  });

  it("leaves the key algorithm to the key file with --key, and refuses --key-algorithm there", () => {
    expect(attrs({ cn: "a" }, "local-key", true).keyAlgorithm).toBeUndefined();
    expect(() => attrs({ cn: "a", keyAlgorithm: "p384" }, "local-key", true)).toThrowError(/--key-algorithm cannot be used with --key/);
  });
});

describe("usages", () => {
  it("accepts both spellings, commas and repeats, and drops duplicates", () => {
    expect(parseKeyUsages(["digital-signature,key_encipherment", "Digital_Signature", "crl-sign"])).toEqual(["digital_signature", "key_encipherment", "crl_sign"]);
    expect(parseExtKeyUsages(["server-auth", "client_auth,ocsp-signing"])).toEqual(["server_auth", "client_auth", "ocsp_signing"]);
  });

  it.each([
    [["digitalsignature"], /digitalsignature.*--key-usage.*digital_signature/],
    [["server_auth"], /--key-usage/],
    [["sign,"], /--key-usage/],
  ])("refuses key usage %j", (input, message) => expect(() => parseKeyUsages(input)).toThrowError(message));

  it.each([["any_purpose"], ["serverauth"], ["tls"]])("refuses extended key usage %s (not in the published spec)", (input) => {
    expect(() => parseExtKeyUsages([input])).toThrowError(/--ext-key-usage.*server_auth/);
  });
});

describe("SANs", () => {
  it.each([
    ["192.0.2.10", "ip_address"], ["2001:db8::1", "ip_address"], ["[2001:db8::1]", "ip_address"], ["ops@example.com", "email"],
    ["spiffe://example.org/web", "uri"], ["https://example.com/x", "uri"], ["urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "uri"],
    ["www.example.com", "dns_name"], ["*.example.com", "dns_name"], ["localhost", "dns_name"], ["example.com:443", "dns_name"],
  ])("--san %s is %s", (value, type) => expect(detectSanType(value)).toBe(type));

  it.each([
    ["www.example.com", true], ["*.example.com", true], ["a-b.c-d.example", true], ["xn--bcher-kva.example", true], ["example.com.", true],
    ["*.com", false], ["a.*.example.com", false], ["*example.com", false], ["-a.example.com", false], ["a-.example.com", false],
    ["ex_ample.com", false], ["bücher.example", false], ["a..b", false], ["", false], [`${"a".repeat(64)}.com`, false], ["1.2.3.999", false],
  ])("isDnsName(%j) = %s", (value, ok) => expect(isDnsName(value)).toBe(ok));

  it("writes IPv6 in RFC 5952 form, an embedded IPv4 tail in hex, so the certificate gets the address asked for", () => {
    expect(parseAltNames({ ip: ["::FFFF:192.0.2.1", "2001:DB8:0:0:0:0:0:1", "[::ffff:c000:201]"] })).toEqual([
      { type: "ip_address", value: "::ffff:c000:201" },
      { type: "ip_address", value: "2001:db8::1" },
    ]);
  });

  // Regression (issue 12 item 16): SANs came out grouped by flag (DNS, then IP, …), not as typed.
  it("keeps the order typed across flags, whatever the spelling (--dns x, --dns=x, repeated)", () => {
    const command = issueCommand().exitOverride();
    command.action(() => undefined);
    command.parse(["--profile", PROFILE, "--ip", "10.0.0.1", "--dns=b.example", "--san", "ops@example.com", "--uri", "spiffe://x/y",
      "--dns", "a.example", "--email=x@example.com", "--ip", "::1"], { from: "user" });
    const flags = command.opts<IssueFlags>();
    expect(flags.dns).toEqual(["b.example", "a.example"]);
    expect(parseAltNames(flags).map((n) => n.value)).toEqual(["10.0.0.1", "b.example", "ops@example.com", "spiffe://x/y", "a.example", "x@example.com", "::1"]);
    const params = parseIssueFlags(flags, "/tmp", NOW);
    expect(params.attributes.altNames?.map((n) => n.value)).toEqual(["10.0.0.1", "b.example", "ops@example.com", "spiffe://x/y", "a.example", "x@example.com", "::1"]);
  });

  it("names the flag a bad value came from in the typed order too", () => {
    expect(() => parseAltNames({ ip: ["10.0.0.1"], dns: ["bad..name"], altNamesInOrder: [["ip", "10.0.0.1"], ["dns", "bad..name"]] }))
      .toThrowError(/invalid value 'bad\.\.name' for --dns/);
  });

  it("types each flag, normalises and drops duplicates", () => {
    expect(parseAltNames({ dns: ["WWW.Example.com", "www.example.com"], ip: ["[::1]"], san: ["10.0.0.1", "a@example.com", "spiffe://x/y", "api.local"] })).toEqual([
      { type: "dns_name", value: "www.example.com" },
      { type: "ip_address", value: "::1" },
      { type: "ip_address", value: "10.0.0.1" },
      { type: "email", value: "a@example.com" },
      { type: "uri", value: "spiffe://x/y" },
      { type: "dns_name", value: "api.local" },
    ]);
  });

  it.each([
    [{ dns: ["bad_name.example.com"] }, /bad_name.*--dns/],
    [{ dns: ["*.com"] }, /--dns/],
    [{ dns: [""] }, /--dns/],
    [{ ip: ["256.1.1.1"] }, /256\.1\.1\.1.*--ip.*IPv4 or IPv6/],
    [{ ip: ["10.0.0"] }, /--ip/],
    [{ ip: ["example.com"] }, /--ip/],
    [{ ip: ["2001:db8:::1"] }, /--ip/],
    [{ ip: ["fe80::1%eth0"] }, /fe80::1%eth0.*--ip.*zone index/],
    [{ san: ["[fe80::1%25eth0]"] }, /--san.*zone index/],
    [{ email: ["no-at-sign"] }, /--email.*email address/],
    [{ email: ["a@-b.com"] }, /--email/],
    [{ email: ["a b@example.com"] }, /--email/],
    [{ email: ["@example.com"] }, /--email/],
    [{ uri: ["example.com/path"] }, /--uri.*scheme/],
    [{ uri: ["spiffe://with space"] }, /--uri/],
    [{ uri: ["https://exämple.com/ä"] }, /--uri.*must be ASCII.*https:\/\/xn--exmple-cua\.com\/%C3%A4/],
    [{ san: ["spiffe://example.org/wörk"] }, /--san.*must be ASCII.*spiffe:\/\/example\.org\/w%C3%B6rk/],
    [{ san: ["exa mple.com"] }, /--san/],
    [{ san: ["a@b@c"] }, /--san/],
  ] as Array<[AttributeFlags, RegExp]>)("refuses %j", (flags, message) => {
    expect(() => parseAltNames(flags)).toThrowError(message);
  });
});

describe("subject fields (RFC 5280 upper bounds, ISO 3166 country)", () => {
  it.each([
    ["cn", "--cn", 64], ["org", "--org", 64], ["ou", "--ou", 64], ["state", "--state", 128], ["locality", "--locality", 128],
  ] as const)("%s over its bound names %s and the bound (%i)", (key, flag, max) => {
    const flags = { cn: "a.example.com", dns: ["a.example.com"] };
    expect(() => attrs({ ...flags, [key]: "x".repeat(max + 1) })).toThrowError(new RegExp(`${flag}.*1 to ${max}.*RFC 5280`));
    expect(attrs({ ...flags, [key]: "x".repeat(max) })).toBeDefined();
  });

  it("counts characters, not bytes: 64 umlauts are a valid CN", () => {
    expect(attrs({ cn: "ü".repeat(64) }).commonName).toHaveLength(64);
  });

  it.each([["--cn", { cn: " " }], ["--org", { cn: "a", org: "" }], ["--ou", { cn: "a", ou: "tab\there" }]] as const)("refuses an empty or control-character %s", (flag, flags) => {
    expect(() => attrs(flags)).toThrowError(new RegExp(flag));
  });

  it("needs a CN or a SAN", () => {
    expect(() => attrs({ org: "Acme" })).toThrowError(/--cn or at least one SAN/);
    expect(attrs({ dns: ["a.example.com"] }).commonName).toBeUndefined();
  });

  // Regression (issue 12 item 12): `--country Germany` and `de` were issued as given; openssl refuses both.
  it.each([
    ["Germany", /--country.*two-letter ISO 3166-1/], ["de", /--country.*capitals: use DE/], ["XX", /--country.*ISO 3166/],
    ["USA", /--country/], ["", /--country/],
  ])("refuses --country %j", (country, message) => {
    expect(() => attrs({ cn: "a", country })).toThrowError(message);
  });

  it.each(["US", "DE", "JP", "GB", "AX", "SS"])("accepts --country %s", (country) => {
    expect(attrs({ cn: "a", country }).country).toBe(country);
  });
});

describe("the CN as a SAN (issue 12 item 6)", () => {
  it.each([
    [{ cn: "www.example.com" }, [{ type: "dns_name", value: "www.example.com" }]],
    [{ cn: "WWW.Example.com." }, [{ type: "dns_name", value: "www.example.com" }]],
    [{ cn: "*.example.com" }, [{ type: "dns_name", value: "*.example.com" }]],
    [{ cn: "192.0.2.7" }, [{ type: "ip_address", value: "192.0.2.7" }]],
    [{ cn: "2001:DB8::1" }, [{ type: "ip_address", value: "2001:db8::1" }]],
    [{ cn: "a.example.com", dns: ["b.example.com"] }, [{ type: "dns_name", value: "a.example.com" }, { type: "dns_name", value: "b.example.com" }]],
    [{ cn: "a.example.com", dns: ["b.example.com", "a.example.com"] }, [{ type: "dns_name", value: "b.example.com" }, { type: "dns_name", value: "a.example.com" }]],
    [{ cn: "10.0.0.1", san: ["10.0.0.1"] }, [{ type: "ip_address", value: "10.0.0.1" }]],
  ] as Array<[AttributeFlags, unknown[]]>)("%j → SANs %j", (flags, altNames) => {
    expect(attrs(flags).altNames).toEqual(altNames);
  });

  it("adds nothing for a CN that is no host name, or with --no-cn-san", () => {
    expect(attrs({ cn: "Jane Doe" }).altNames).toBeUndefined();
    expect(attrs({ cn: "www.example.com", cnSan: false }).altNames).toBeUndefined();
    expect(attrs({ cn: "www.example.com", cnSan: false, dns: ["b.example.com"] }).altNames).toEqual([{ type: "dns_name", value: "b.example.com" }]);
  });
});

describe("validity", () => {
  it.each([["90d", "90d"], ["2w", "14d"], ["90 days", "90d"], ["12h", "12h"], ["1y", "365d"], ["36h", "36h"]])("--ttl %s is sent as %s", (input, sent) => {
    expect(attrs({ cn: "a", ttl: input }).ttl).toBe(sent);
  });

  it.each(["30", "0d", "-1d", "30x", "P30D", "90m", "1.5h", ""])("refuses --ttl %j", (input) => {
    expect(() => attrs({ cn: "a", ttl: input })).toThrowError(/--ttl/);
  });

  // Regression (issue 12 item 15): the hint suggested 30s and 10m, which --ttl then refused.
  it.each(["0", "-1d", "P30D", "banana", "30m"])("the hint for --ttl %j suggests only values --ttl accepts", (input) => {
    let message = "";
    try {
      attrs({ cn: "a", ttl: input });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/--ttl.*12h, 30d/);
    for (const example of message.match(/\b\d+[a-z]+\b/g) ?? []) {
      if (example === input) continue;
      expect(() => attrs({ cn: "a", ttl: example }), example).not.toThrow();
    }
  });

  // Regression (issue 12 item 12): 40000d was sent and refused by the server.
  it.each([["40000d", /--ttl.*at most 100 years \(36525d\)/], ["101y", /--ttl.*100 years/]])("refuses --ttl %s over the server's limit", (ttl, message) => {
    expect(() => attrs({ cn: "a", ttl })).toThrowError(message);
    expect(attrs({ cn: "a", ttl: "36525d" }).ttl).toBe("36525d");
  });

  it("refuses dates over 100 years apart", () => {
    expect(() => attrs({ cn: "a", notBefore: "2026-02-01", notAfter: "2127-02-01" })).toThrowError(/--not-after.*100 years/);
  });

  it("passes dates through as ISO strings without a ttl", () => {
    const a = attrs({ cn: "a", notBefore: "2026-02-01", notAfter: "2026-03-01T12:00:00+02:00" });
    expect(a).toMatchObject({ notBefore: "2026-02-01T00:00:00.000Z", notAfter: "2026-03-01T10:00:00.000Z" });
    expect(a.ttl).toBeUndefined();
  });

  it.each([
    [{ ttl: "30d", notAfter: "2026-03-01" }, /--ttl cannot be used with --not-before\/--not-after/],
    [{ notAfter: "2026-03-01" }, /--not-after requires --not-before/],
    [{ notBefore: "2026-03-01" }, /--not-before requires --not-after/],
    [{ notBefore: "2026-03-01", notAfter: "2026-02-01" }, /must be earlier/],
    [{ notBefore: "2026-03-01", notAfter: "2026-03-01" }, /must be earlier/],
    [{ notBefore: "2025-01-01", notAfter: "2025-06-01" }, /--not-after.*already past/],
    [{ notBefore: "2026-02-30", notAfter: "2026-04-01" }, /--not-before.*ISO 8601/],
    [{ notBefore: "01/02/2026", notAfter: "2026-04-01" }, /--not-before/],
    [{ notBefore: "2026-02-01", notAfter: "tomorrow" }, /--not-after/],
    [{ notBefore: "2026-02-01T25:00:00Z", notAfter: "2026-04-01" }, /--not-before/],
  ] as Array<[AttributeFlags, RegExp]>)("refuses %j", (flags, message) => {
    expect(() => attrs({ cn: "a", ...flags })).toThrowError(message);
  });

  it("basic constraints only with --ca, path length a whole number", () => {
    expect(attrs({ cn: "a", ca: true, pathLength: "0" }).basicConstraints).toEqual({ isCA: true, pathLength: 0 });
    expect(attrs({ cn: "a" }).basicConstraints).toBeUndefined();
    expect(() => attrs({ cn: "a", pathLength: "1" })).toThrowError(/--path-length requires --ca/);
    expect(() => attrs({ cn: "a", ca: true, pathLength: "-1" })).toThrowError(/--path-length/);
    expect(() => attrs({ cn: "a", ca: true, pathLength: "one" })).toThrowError(/--path-length/);
  });
});

describe("--csr", () => {
  it.each([["cn", "--cn"], ["dns", "--dns"], ["keyUsage", "--key-usage"], ["keyAlgorithm", "--key-algorithm"], ["signatureAlgorithm", "--signature-algorithm"]] as const)(
    "refuses %s, which the CSR decides", (key, flag) => {
      const value = key === "dns" || key === "keyUsage" ? ["x"] : "x";
      expect(() => attrs({ [key]: value } as AttributeFlags, "csr")).toThrowError(new RegExp(`${flag} cannot be used with --csr`));
    },
  );
  it("keeps the ttl", () => expect(attrs({ ttl: "7d" }, "csr")).toEqual({ ttl: "7d" }));
});

describe("parseIssueFlags (argv values → IssueParams)", () => {
  const base: IssueFlags = { profile: PROFILE, cn: "www.example.com", wait: true, waitTimeout: "10m", outDir: "out" };
  // `cn: undefined` takes the base's --cn away, as a command line without it would.
  const parse = (flags: { [K in keyof IssueFlags]?: IssueFlags[K] | undefined }) => parseIssueFlags({ ...base, ...flags } as IssueFlags, "/work", NOW);

  it("builds one typed params object", () => {
    const params = parse({ dns: ["example.com"], ttl: "2w", force: true, wait: false, waitTimeout: "1h", project: "p1", application: PROFILE.toUpperCase() });
    expect(params).toMatchObject({
      profile: PROFILE, projectId: "p1", applicationId: PROFILE, mode: "local-key", outDir: "/work/out", force: true, wait: false,
      waitTimeoutMs: 3_600_000, files: { cert: "/work/out/cert.pem", key: "/work/out/key.pem" },
      attributes: {
        commonName: "www.example.com", ttl: "14d",
        altNames: [{ type: "dns_name", value: "www.example.com" }, { type: "dns_name", value: "example.com" }],
      },
    });
  });

  it.each([
    [{ profile: undefined }, /--profile is required/],
    [{ profile: "web-server" }, /--profile 'web-server' requires --project/],
    [{ profile: "web server", project: "p" }, /--profile.*UUID/],
    [{ application: "app-1" }, /--application.*UUID/],
    [{ csr: "a.csr", key: "k.pem", cn: undefined }, /--csr cannot be used with --key/],
    [{ key: "k.pem", serverKeygen: true }, /--key cannot be used with --server-keygen/],
    [{ csr: "a.csr", serverKeygen: true, cn: undefined }, /--csr cannot be used with --server-keygen/],
    [{ csr: "a.csr", cn: undefined, keyFile: "k.pem" }, /--key-file cannot be used with --csr/],
    [{ waitTimeout: "soon" }, /--wait-timeout/],
    [{ certFile: "x.pem", chainFile: "x.pem" }, /must be different paths/],
    [{ cn: "a", commonName: "b" }, /--cn and --common-name/],
    [{ outDir: "" }, /--out-dir/],
    [{ key: "out/key.pem" }, /also where key.pem would be written/],
  ] as Array<[Partial<IssueFlags>, RegExp]>)("refuses %j", (flags, message) => {
    expect(() => parse(flags)).toThrowError(message);
  });

  it("resolves a slug with --project, and takes --common-name for --cn", () => {
    expect(parse({ profile: "web-server", project: "proj", cn: undefined, commonName: "x.example.com" })).toMatchObject({
      profile: "web-server", projectId: "proj", attributes: { commonName: "x.example.com" },
    });
  });
});

describe("parseIsoDate", () => {
  it("treats a local time without zone as UTC", () => {
    expect(parseIsoDate("--not-before", "2026-02-01T08:30")).toBe("2026-02-01T08:30:00.000Z");
  });
});
