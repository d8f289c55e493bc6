// The bad-input battery as data: argv → exit code and a message naming the flag. Read by
// test/e2e/bad-input.test.ts (which runs every case against a counting server) and by
// scripts/gen-failure-table.js (which summarises it in docs/failure-handling.md).
//
// Placeholders, replaced per case by the test: <out> a fresh directory that must stay absent,
// <files>/… fixtures made in beforeAll, <url> the counting server. Every case runs with
// INFISICAL_DOMAIN=<url> and INFISICAL_TOKEN set unless its env says otherwise.

export type BadInputKind =
  | "enum typo"
  | "over-long value"
  | "bad syntax"
  | "conflicting flags"
  | "missing flag or argument"
  | "unknown flag"
  | "malformed file"
  | "unreadable file"
  | "transport safety"
  | "credentials";

export interface BadInputCase {
  kind: BadInputKind;
  /** What is wrong, in a few words. */
  fault: string;
  argv: string[];
  env?: Record<string, string | undefined>;
  stdin?: string;
  exit: 2 | 7;
  /** stderr must match: names the flag (and, for enums, the valid values). */
  message: RegExp;
}

export const PROFILE_ID = "3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11";
const ISSUE = ["issue", "--profile", PROFILE_ID, "--out-dir", "<out>"];
const ISSUE_CN = [...ISSUE, "--cn", "www.example.com"];
const NO_TOKEN = { INFISICAL_TOKEN: undefined };

const c = (kind: BadInputKind, fault: string, argv: string[], message: RegExp, extra: Partial<BadInputCase> = {}): BadInputCase => ({
  kind, fault, argv, message, exit: 2, ...extra,
});

export const BAD_INPUT_CASES: BadInputCase[] = [
  // ---- issue: enums ----
  c("enum typo", "--key-algorithm rsa1024", [...ISSUE_CN, "--key-algorithm", "rsa1024"], /--key-algorithm.*RSA_2048.*EC_prime256v1/),
  c("enum typo", "--signature-algorithm RSA-SHA1", [...ISSUE_CN, "--signature-algorithm", "RSA-SHA1"], /--signature-algorithm.*RSA-SHA256/),
  c("conflicting flags", "--signature-algorithm of the other key family", [...ISSUE_CN, "--key-algorithm", "p256", "--signature-algorithm", "RSA-SHA256"], /--signature-algorithm/),
  c("enum typo", "--key-usage typo", [...ISSUE_CN, "--key-usage", "digital_signatur"], /--key-usage.*digital_signature/),
  c("enum typo", "--ext-key-usage typo", [...ISSUE_CN, "--ext-key-usage", "server-auth,web_auth"], /--ext-key-usage.*server_auth/),
  // ---- issue: over-long values ----
  c("over-long value", "--cn of 65 characters (RFC 5280: 64)", [...ISSUE, "--cn", "a".repeat(65)], /--cn.*1 to 64/),
  c("over-long value", "--org of 65 characters", [...ISSUE_CN, "--org", "o".repeat(65)], /--org.*1 to 64/),
  c("over-long value", "--ou of 65 characters", [...ISSUE_CN, "--ou", "u".repeat(65)], /--ou.*1 to 64/),
  c("over-long value", "--locality of 129 characters", [...ISSUE_CN, "--locality", "l".repeat(129)], /--locality.*1 to 128/),
  c("over-long value", "--state of 129 characters", [...ISSUE_CN, "--state", "s".repeat(129)], /--state.*1 to 128/),
  c("bad syntax", "--country not an ISO 3166 code", [...ISSUE_CN, "--country", "Germany"], /--country.*ISO 3166/),
  c("bad syntax", "--country in lowercase", [...ISSUE_CN, "--country", "de"], /--country.*use DE/),
  c("over-long value", "--ttl over the server's 100 years", [...ISSUE_CN, "--ttl", "40000d"], /--ttl.*100 years/),
  c("bad syntax", "--country empty", [...ISSUE_CN, "--country", " "], /--country/),
  c("bad syntax", "--cn with a control character", [...ISSUE, "--cn", "evil\nname"], /--cn.*control characters/),
  // ---- issue: SAN syntax ----
  c("bad syntax", "--ip 300.1.1.1", [...ISSUE_CN, "--ip", "300.1.1.1"], /--ip.*IPv4 or IPv6/),
  c("bad syntax", "--ip with a zone index", [...ISSUE_CN, "--ip", "fe80::1%eth0"], /--ip.*zone index/),
  c("bad syntax", "150 SANs and the CN's: a CSR over the API's 4096 characters", [...ISSUE_CN, ...Array.from({ length: 150 }, (_, i) => ["--dns", `host-${i}.example.com`]).flat()], /CSR for these names is \d+ characters.*151 SANs.*at most 4096/),
  c("bad syntax", "--email without @", [...ISSUE_CN, "--email", "ops.example.com"], /--email.*email address/),
  c("bad syntax", "--uri without a scheme", [...ISSUE_CN, "--uri", "example.org/web"], /--uri.*scheme/),
  c("bad syntax", "--uri with non-ASCII characters", [...ISSUE_CN, "--uri", "spiffe://example.org/wörk"], /--uri.*must be ASCII.*w%C3%B6rk/),
  c("bad syntax", "--dns with a space", [...ISSUE_CN, "--dns", "bad name.example.com"], /--dns.*DNS name/),
  c("bad syntax", "--dns empty", [...ISSUE_CN, "--dns", ""], /--dns.*non-empty/),
  c("bad syntax", "--san that is no name", [...ISSUE_CN, "--san", "not a name!"], /--san/),
  // ---- issue: validity ----
  c("bad syntax", "--ttl banana", [...ISSUE_CN, "--ttl", "banana"], /--ttl.*duration/),
  c("bad syntax", "--ttl in minutes", [...ISSUE_CN, "--ttl", "90m"], /--ttl.*whole hours or days/),
  c("bad syntax", "--not-before not a date", [...ISSUE_CN, "--not-before", "tomorrow", "--not-after", "2099-01-01"], /--not-before.*ISO 8601/),
  c("bad syntax", "--not-after 30 February", [...ISSUE_CN, "--not-before", "2030-01-01", "--not-after", "2030-02-30"], /--not-after.*ISO 8601/),
  c("bad syntax", "--not-after in the past", [...ISSUE_CN, "--not-before", "2000-01-01", "--not-after", "2001-01-01"], /--not-after.*past/),
  c("conflicting flags", "--not-before after --not-after", [...ISSUE_CN, "--not-before", "2031-01-01", "--not-after", "2030-01-01"], /--not-before.*earlier than --not-after/),
  c("conflicting flags", "--ttl with --not-before/--not-after", [...ISSUE_CN, "--ttl", "30d", "--not-before", "2030-01-01", "--not-after", "2030-02-01"], /--ttl cannot be used with --not-before/),
  c("missing flag or argument", "--not-before without --not-after", [...ISSUE_CN, "--not-before", "2030-01-01"], /--not-before requires --not-after/),
  c("bad syntax", "--wait-timeout bad", [...ISSUE_CN, "--wait-timeout", "forever"], /--wait-timeout/),
  // ---- issue: constraints, ids ----
  c("conflicting flags", "--path-length without --ca", [...ISSUE_CN, "--path-length", "1"], /--path-length.*--ca/),
  c("bad syntax", "--path-length negative", [...ISSUE_CN, "--ca", "--path-length", "-1"], /--path-length/),
  c("missing flag or argument", "no --profile", ["issue", "--cn", "www.example.com", "--out-dir", "<out>"], /--profile is required/),
  c("missing flag or argument", "profile slug without --project", ["issue", "--profile", "web-server", "--cn", "a.example.com", "--out-dir", "<out>"], /--profile 'web-server' requires --project/),
  c("bad syntax", "--profile with a slash", ["issue", "--profile", "../etc", "--project", "p1", "--cn", "a.example.com", "--out-dir", "<out>"], /--profile/),
  c("bad syntax", "--application not a UUID", [...ISSUE_CN, "--application", "my-app"], /--application.*UUID/),
  c("bad syntax", "--project with a space", ["issue", "--profile", "web", "--project", "a b", "--cn", "a.example.com", "--out-dir", "<out>"], /--project/),
  c("missing flag or argument", "nothing to certify", [...ISSUE], /nothing to certify.*--cn/),
  c("conflicting flags", "--cn and --common-name disagree", [...ISSUE_CN, "--common-name", "other.example.com"], /--cn and --common-name/),
  // ---- issue: key sources and files ----
  c("conflicting flags", "--key with --server-keygen", [...ISSUE_CN, "--key", "<files>/ec.key", "--server-keygen"], /--key cannot be used with --server-keygen/),
  c("conflicting flags", "--csr with --key", [...ISSUE, "--csr", "<files>/good.csr", "--key", "<files>/ec.key"], /--csr cannot be used with --key/),
  c("conflicting flags", "--csr with --cn", [...ISSUE_CN, "--csr", "<files>/good.csr"], /--cn cannot be used with --csr/),
  c("conflicting flags", "--csr with --key-file", [...ISSUE, "--csr", "<files>/good.csr", "--key-file", "<out>/k.pem"], /--key-file cannot be used with --csr/),
  c("conflicting flags", "--key with --key-algorithm", [...ISSUE_CN, "--key", "<files>/ec.key", "--key-algorithm", "p384"], /--key-algorithm cannot be used with --key/),
  c("conflicting flags", "two outputs on one path", [...ISSUE_CN, "--cert-file", "<out>/same.pem", "--chain-file", "<out>/same.pem"], /--cert-file.*must be different paths/),
  c("bad syntax", "--out-dir empty", ["issue", "--profile", PROFILE_ID, "--cn", "a.example.com", "--out-dir", ""], /--out-dir/),
  c("unreadable file", "--csr missing", [...ISSUE, "--csr", "<files>/missing.csr"], /--csr.*it does not exist/, { exit: 7 }),
  c("unreadable file", "--csr is a directory", [...ISSUE, "--csr", "<files>"], /--csr.*is a directory/, { exit: 7 }),
  c("malformed file", "--csr not a CSR", [...ISSUE, "--csr", "<files>/garbage.csr"], /--csr.*not a valid certificate request/),
  c("malformed file", "--csr truncated PEM", [...ISSUE, "--csr", "<files>/truncated.csr"], /--csr.*(no complete PEM|not a valid)/),
  c("malformed file", "--csr signature altered", [...ISSUE, "--csr", "<files>/tampered.csr"], /--csr.*signature does not verify/),
  c("over-long value", "--csr over the API's 4096 characters", [...ISSUE, "--csr", "<files>/oversized.csr"], /--csr.*at most 4096/),
  c("malformed file", "--csr - with empty stdin", [...ISSUE, "--csr", "-"], /--csr -: nothing was read/, { stdin: "" }),
  c("malformed file", "--csr with an RSA-1024 key", [...ISSUE, "--csr", "<files>/rsa1024.csr"], /--csr.*RSA-1024/),
  c("unreadable file", "--key missing", [...ISSUE_CN, "--key", "<files>/missing.key"], /--key.*it does not exist/, { exit: 7 }),
  c("malformed file", "--key not a key", [...ISSUE_CN, "--key", "<files>/garbage.csr"], /--key.*no PEM private key/),
  c("malformed file", "--key encrypted", [...ISSUE_CN, "--key", "<files>/encrypted.key"], /--key.*encrypted/),
  c("malformed file", "--key Ed25519", [...ISSUE_CN, "--key", "<files>/ed25519.key"], /--key.*ed25519.*RSA or EC/),
  // ---- status ----
  c("bad syntax", "status id with a path", ["status", "../../etc/passwd", "--out-dir", "<out>"], /<certificateRequestId>/),
  c("missing flag or argument", "status without an id", ["status", "--out-dir", "<out>"], /missing required argument 'certificateRequestId'/),
  c("bad syntax", "status --wait-timeout bad", ["status", "8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e", "--out-dir", "<out>", "--wait", "--wait-timeout", "0s"], /--wait-timeout/),
  // ---- renew ----
  c("bad syntax", "renew --renew-before 150%", ["renew", "<out>", "--renew-before", "150%"], /--renew-before.*percentage/),
  c("bad syntax", "renew --concurrency 0", ["renew", "<out>", "--concurrency", "0"], /--concurrency.*1 to 32/),
  c("bad syntax", "renew --hook-timeout bad", ["renew", "<out>", "--hook-timeout", "2 fortnights"], /--hook-timeout/),
  c("bad syntax", "renew --random-delay bad", ["renew", "<out>", "--random-delay", "abc"], /--random-delay/),
  c("bad syntax", "renew --lock-timeout bad", ["renew", "<out>", "--lock-timeout", "-1s"], /--lock-timeout/),
  c("missing flag or argument", "renew --deploy-hook empty", ["renew", "<out>", "--deploy-hook", " "], /--deploy-hook/),
  // ---- revoke ----
  c("missing flag or argument", "revoke without --reason", ["revoke", "--certificate-id", "6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41", "--yes"], /--reason is required/),
  c("enum typo", "revoke --reason typo", ["revoke", "--certificate-id", "6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41", "--reason", "key-compromised", "--yes"], /--reason.*key-compromise/),
  c("conflicting flags", "revoke with --out-dir and --certificate-id", ["revoke", "--out-dir", "<out>", "--certificate-id", "6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41", "--reason", "superseded", "--yes"], /exactly one of --out-dir.*--certificate-id/),
  c("missing flag or argument", "revoke with neither", ["revoke", "--reason", "superseded", "--yes"], /exactly one of --out-dir.*--certificate-id/),
  c("bad syntax", "revoke --certificate-id with a path", ["revoke", "--certificate-id", "../x", "--reason", "superseded", "--yes"], /--certificate-id/),
  c("missing flag or argument", "revoke without --yes off a terminal", ["revoke", "--certificate-id", "6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41", "--reason", "superseded"], /--yes/),
  // ---- inspect, completion, dev-server ----
  c("unreadable file", "inspect a missing file", ["inspect", "<files>/missing.pem"], /missing\.pem/, { exit: 7 }),
  c("malformed file", "inspect a non-PEM file", ["inspect", "<files>/garbage.csr"], /not a certificate, chain or certificate request/),
  c("missing flag or argument", "inspect without a file", ["inspect"], /missing required argument 'file'/),
  c("enum typo", "completion tcsh", ["completion", "tcsh"], /invalid value 'tcsh' for <shell>; options are bash, zsh, fish/),
  c("bad syntax", "dev-server --port 70000", ["dev-server", "--port", "70000"], /--port.*0-65535/),
  c("enum typo", "dev-server --approval sometimes", ["dev-server", "--port", "0", "--approval", "sometimes"], /--approval.*none, manual, auto/),
  c("bad syntax", "dev-server --latency bad", ["dev-server", "--port", "0", "--latency", "fast"], /--latency/),
  c("bad syntax", "dev-server --token-ttl 0", ["dev-server", "--port", "0", "--token-ttl", "0s"], /--token-ttl/),
  // ---- global flags ----
  c("bad syntax", "--timeout bad", ["--timeout", "soon", ...ISSUE_CN], /--timeout.*duration/),
  c("bad syntax", "--retries 11", ["--retries", "11", ...ISSUE_CN], /--retries.*0 to 10/),
  c("bad syntax", "--domain not a URL", ["--domain", "not a url", ...ISSUE_CN], /--domain.*URL/),
  c("bad syntax", "--domain ftp://", ["--domain", "ftp://ca.example.invalid", ...ISSUE_CN], /--domain.*https/),
  c("bad syntax", "--domain with user:password", ["--domain", "https://user:pw@ca.example.invalid", ...ISSUE_CN], /--domain.*without credentials/),
  c("transport safety", "http:// to a non-loopback host", ["--domain", "http://ca.example.invalid", ...ISSUE_CN], /refusing plain http:\/\/ to ca\.example\.invalid.*--insecure-http/s),
  c("bad syntax", "INFISICAL_DOMAIN not a URL", [...ISSUE_CN], /invalid value 'not a url' for INFISICAL_DOMAIN/, { env: { INFISICAL_DOMAIN: "not a url" } }),
  c("transport safety", "INFISICAL_API_URL http:// to a non-loopback host", [...ISSUE_CN], /refusing plain http:\/\/ to ca\.example\.invalid \(INFISICAL_API_URL\)/,
    { env: { INFISICAL_DOMAIN: undefined, INFISICAL_API_URL: "http://ca.example.invalid" } }),
  c("transport safety", "http:// non-loopback for status", ["--domain", "http://192.0.2.8:8080", "status", "8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e", "--out-dir", "<out>"], /refusing plain http:\/\/ to 192\.0\.2\.8/),
  c("unreadable file", "--cacert missing", ["--cacert", "<files>/missing-ca.pem", ...ISSUE_CN], /--cacert.*does not exist/, { exit: 7 }),
  c("malformed file", "--cacert without a certificate", ["--cacert", "<files>/garbage.csr", ...ISSUE_CN], /--cacert.*no PEM certificate/),
  c("malformed file", "INFISICAL_CACERT without a certificate", [...ISSUE_CN], /INFISICAL_CACERT.*no PEM certificate/, { env: { INFISICAL_CACERT: "<files>/garbage.csr" } }),
  c("credentials", "--client-id without a secret", ["--client-id", "machine-1", ...ISSUE_CN], /--client-id requires a client secret/, { env: NO_TOKEN }),
  c("credentials", "a client secret without --client-id", ["--client-secret-file", "<files>/secret.txt", ...ISSUE_CN], /client secret requires --client-id/, { env: NO_TOKEN }),
  c("credentials", "--client-secret-file empty", ["--client-id", "machine-1", "--client-secret-file", "<files>/empty.txt", ...ISSUE_CN], /--client-secret-file.*empty/, { env: NO_TOKEN }),
  c("unreadable file", "--client-secret-file missing", ["--client-id", "machine-1", "--client-secret-file", "<files>/missing.txt", ...ISSUE_CN], /--client-secret-file.*does not exist/, { exit: 7, env: NO_TOKEN }),
  c("credentials", "no credentials at all", [...ISSUE_CN], /no credentials.*--token/, { env: NO_TOKEN }),
  c("credentials", "--client-secret as an argv value", ["--client-secret", "s3cr3t", ...ISSUE_CN], /unknown option '--client-secret'/),
  c("unknown flag", "--json with an unknown flag", ["--json", ...ISSUE_CN, "--bogus"], /unknown option '--bogus'/),
  c("unreadable file", "--json with a missing --csr", ["--json", ...ISSUE, "--csr", "<files>/missing.csr"], /--csr.*it does not exist/, { exit: 7 }),
  c("unknown flag", "an unknown issue flag", [...ISSUE_CN, "--common"], /unknown option '--common'/),
  c("unknown flag", "an unknown command", ["isue", "--profile", PROFILE_ID], /unknown command 'isue'.*issue/s),
];
