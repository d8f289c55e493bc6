// The declarative file's `auth:` (used by apply and agent) → the global options and environment
// the login reads: every method of --auth-method, secrets only from files, flags winning.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/core/config/source.js";
import { fromSource } from "../../src/core/config/load.js";
import { globalsFromFile } from "../../src/cli/apply/settings.js";
import type { GlobalOptions } from "../../src/cli/context.js";
import { UsageError } from "../../src/model/errors.js";

const dir = mkdtempSync(join(tmpdir(), "certctl-file-auth-"));
writeFileSync(join(dir, "identity"), "8b1e3f8e-3c2a-4f3e-9b1a-2d4c5e6f7a8b\n");
const GLOBALS: GlobalOptions = { timeout: "30s", retries: "3", color: false };

function settings(auth: string, globals: GlobalOptions = GLOBALS) {
  const loaded = fromSource(parseConfigText(`version: 1\nauth: ${auth}\ncertificates:\n  - {name: web, profile: p, project: x, cn: a.example.com}\n`, join(dir, "certctl.yaml")));
  return globalsFromFile(loaded.file, loaded.source, globals);
}

describe("the file's auth settings", () => {
  it("maps a machine-identity method onto the login's options, paths made absolute from the file", async () => {
    expect(await settings("{method: kubernetes, identity-id-file: identity, service-account-token-file: sa/token}")).toEqual({
      globals: { ...GLOBALS, authMethod: "kubernetes", identityId: "8b1e3f8e-3c2a-4f3e-9b1a-2d4c5e6f7a8b", serviceAccountTokenFile: join(dir, "sa/token") },
      env: {},
    });
    expect((await settings("{method: jwt, identity-id: abc, jwt-file: /run/jwt, organization-slug: acme}")).globals).toMatchObject({
      authMethod: "jwt", identityId: "abc", jwtFile: "/run/jwt", organizationSlug: "acme",
    });
    // The LDAP user name is not a secret and has no file: it reaches the login through its environment only.
    expect(await settings("{method: ldap, identity-id: abc, username: alice, password-file: pw}")).toMatchObject({
      globals: { authMethod: "ldap", ldapPasswordFile: join(dir, "pw") }, env: { INFISICAL_LDAP_USERNAME: "alice" },
    });
    for (const method of ["aws-iam", "gcp-id-token", "gcp-iam", "azure", "oidc"]) {
      expect((await settings(`{method: ${method}, identity-id: abc}`)).globals.authMethod).toBe(method);
    }
  });

  it("flags win over the file", async () => {
    const out = await settings("{method: kubernetes, identity-id: abc}", { ...GLOBALS, authMethod: "token", identityId: "from-flag" });
    expect(out.globals).toMatchObject({ authMethod: "token", identityId: "from-flag" });
  });

  it("refuses a field of another method, naming the line and the field", async () => {
    await expect(settings("{method: kubernetes, identity-id: abc, jwt-file: x}")).rejects.toThrow(
      new UsageError("certctl.yaml:2: auth.jwt-file: jwt-file applies to method jwt or oidc, not kubernetes"));
    await expect(settings("{client-id: c, client-secret-file: s, identity-id: abc}")).rejects.toThrow(/identity id is for the machine-identity methods, not universal-auth/);
  });
});
