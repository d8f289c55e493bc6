// Issue 15: a bad value for every new login flag or variable exits 2 (7 for an unreadable file)
// with a message naming it, before any connection and before anything is written.
// certctl runs in this process (main(argv, io)), each case against a counting server of its own.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../helpers/run-main.js";
import { startCountingServer } from "../helpers/counting-server.js";

const ID = "5d0c7e52-3a8f-4b61-9f0e-2c4d6a8b1e37";
const JWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
let files: string;
const f = (name: string) => join(files, name);

beforeAll(() => {
  files = mkdtempSync(join(tmpdir(), "certctl-auth-bad-"));
  writeFileSync(f("empty"), "\n");
  writeFileSync(f("not-jwt"), "this is not a token\n");
  writeFileSync(f("jwt"), `${JWT}\n`);
  writeFileSync(f("user-key.json"), JSON.stringify({ type: "authorized_user", client_id: "x" }));
  writeFileSync(f("not-json"), "{ nope");
  writeFileSync(f("pw"), "a-password\n");
});
afterAll(() => rmSync(files, { recursive: true, force: true }));

interface Row {
  fault: string;
  argv: string[];
  env?: Record<string, string>;
  exit: number;
  message: RegExp;
}

const ROWS: Row[] = [
  { fault: "unknown --auth-method", argv: ["--auth-method", "kerberos"], exit: 2, message: /--auth-method.*kerberos|kerberos.*--auth-method/ },
  { fault: "unknown INFISICAL_AUTH_METHOD", argv: [], env: { INFISICAL_AUTH_METHOD: "kerberos", INFISICAL_MACHINE_IDENTITY_ID: ID }, exit: 2, message: /INFISICAL_AUTH_METHOD.*options are universal-auth/ },
  { fault: "--identity-id not a UUID", argv: ["--auth-method", "jwt", "--identity-id", "my-identity", "--jwt-file", "<files>/jwt"], exit: 2, message: /--identity-id.*UUID/ },
  { fault: "INFISICAL_MACHINE_IDENTITY_ID not a UUID", argv: ["--auth-method", "jwt", "--jwt-file", "<files>/jwt"], env: { INFISICAL_MACHINE_IDENTITY_ID: "1234" }, exit: 2, message: /INFISICAL_MACHINE_IDENTITY_ID.*UUID/ },
  { fault: "identity method without an identity id", argv: ["--auth-method", "azure"], exit: 2, message: /--auth-method azure needs.*identity/ },
  { fault: "--organization-slug with spaces", argv: ["--auth-method", "ldap", "--identity-id", ID, "--organization-slug", "my org"], exit: 2, message: /--organization-slug/ },
  { fault: "--jwt-file empty", argv: ["--auth-method", "jwt", "--identity-id", ID, "--jwt-file", "<files>/empty"], exit: 2, message: /--jwt-file .* is empty/ },
  { fault: "--jwt-file not a JWT", argv: ["--auth-method", "jwt", "--identity-id", ID, "--jwt-file", "<files>/not-jwt"], exit: 2, message: /--jwt-file .* does not hold a JWT/ },
  { fault: "--jwt-file missing", argv: ["--auth-method", "oidc", "--identity-id", ID, "--jwt-file", "<files>/absent"], exit: 7, message: /cannot read --jwt-file .*it does not exist/ },
  { fault: "INFISICAL_JWT not a JWT", argv: ["--auth-method", "jwt", "--identity-id", ID], env: { INFISICAL_JWT: "hello" }, exit: 2, message: /INFISICAL_JWT does not hold a JWT/ },
  { fault: "jwt without any JWT", argv: ["--auth-method", "jwt", "--identity-id", ID], exit: 2, message: /--auth-method jwt needs a JWT/ },
  { fault: "--jwt-file with another method", argv: ["--auth-method", "ldap", "--identity-id", ID, "--jwt-file", "<files>/jwt"], exit: 2, message: /--jwt-file applies to --auth-method jwt or oidc, not ldap/ },
  { fault: "--service-account-token-file not a JWT", argv: ["--auth-method", "kubernetes", "--identity-id", ID, "--service-account-token-file", "<files>/not-jwt"], exit: 2, message: /--service-account-token-file .* does not hold a JWT/ },
  { fault: "--service-account-token-file missing", argv: ["--auth-method", "kubernetes", "--identity-id", ID, "--service-account-token-file", "<files>/absent"], exit: 7, message: /cannot read --service-account-token-file/ },
  { fault: "--service-account-token-file with universal-auth", argv: ["--client-id", "x", "--service-account-token-file", "<files>/jwt"], env: { INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "s3cret" }, exit: 2, message: /--service-account-token-file applies to --auth-method kubernetes, not universal-auth/ },
  { fault: "--gcp-key-file not JSON", argv: ["--auth-method", "gcp-iam", "--identity-id", ID, "--gcp-key-file", "<files>/not-json"], exit: 2, message: /--gcp-key-file .* is not JSON/ },
  { fault: "--gcp-key-file a user credential", argv: ["--auth-method", "gcp-iam", "--identity-id", ID, "--gcp-key-file", "<files>/user-key.json"], exit: 2, message: /--gcp-key-file .* is not a service-account key file/ },
  { fault: "gcp-iam without a key file", argv: ["--auth-method", "gcp-iam", "--identity-id", ID], exit: 2, message: /gcp-iam needs a service-account key file/ },
  { fault: "--ldap-password-file empty", argv: ["--auth-method", "ldap", "--identity-id", ID, "--ldap-password-file", "<files>/empty"], env: { INFISICAL_LDAP_USERNAME: "u" }, exit: 2, message: /--ldap-password-file .* is empty/ },
  { fault: "--ldap-username-file missing", argv: ["--auth-method", "ldap", "--identity-id", ID, "--ldap-username-file", "<files>/absent", "--ldap-password-file", "<files>/pw"], exit: 7, message: /cannot read --ldap-username-file/ },
  { fault: "ldap without a password", argv: ["--auth-method", "ldap", "--identity-id", ID], env: { INFISICAL_LDAP_USERNAME: "u" }, exit: 2, message: /ldap needs a password/ },
  { fault: "two credentials, no --auth-method", argv: ["--identity-id", ID], env: { INFISICAL_LDAP_USERNAME: "u", INFISICAL_LDAP_PASSWORD: "p", INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH: "<files>/jwt" }, exit: 2, message: /cannot tell which login method to use: kubernetes .*ldap/ },
  { fault: "--auth-method token without a token", argv: ["--auth-method", "token"], exit: 2, message: /--auth-method token needs a token/ },
];

describe.concurrent("bad login input: exit code, a message naming the flag or variable, no connection, nothing written", () => {
  it.each(ROWS.map((row) => [row.fault, row] as const))("%s", async (_name, row) => {
    const server = await startCountingServer();
    const cwd = mkdtempSync(join(files, "case-"));
    try {
      const fill = (value: string) => value.replaceAll("<files>", files);
      const env: Record<string, string> = { INFISICAL_DOMAIN: server.url };
      for (const [key, value] of Object.entries(row.env ?? {})) env[key] = fill(value);
      const argv = [...row.argv.map(fill), "issue", "--profile", "5d0c7e52-3a8f-4b61-9f0e-2c4d6a8b1e38", "--cn", "x.localhost", "--out-dir", join(cwd, "out")];
      const res = await runMain(argv, { cwd, env });
      expect({ code: res.code, stderr: res.stderr }).toMatchObject({ code: row.exit });
      expect(res.stderr).toMatch(row.message);
      expect(res.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
      expect(res.stderr).not.toMatch(/generating/i);
      expect(res.stderr + res.stdout).not.toContain("a-password");
      expect(server.connections()).toBe(0);
      expect(existsSync(join(cwd, "out"))).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
