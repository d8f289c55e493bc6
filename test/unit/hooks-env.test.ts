// A hook's environment: certctl's own minus every credential, of Infisical and of the platform the
// job runs on (a hook that logs `env` must leak nothing), plus the CERTCTL_* file variables.
import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { hookEnvironment, isSecretVariable, runDeployHook } from "../../src/core/hooks.js";

const SECRETS: Record<string, string> = {
  INFISICAL_TOKEN: "tok-1", INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN: "tok-2", INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "sec-3",
  INFISICAL_UNIVERSAL_CLIENT_SECRET: "sec-4", INFISICAL_JWT: "jwt-5", INFISICAL_LDAP_PASSWORD: "pw-6", INFISICAL_LDAP_USERNAME: "user-7",
  // A credential variable certctl does not know yet is still an INFISICAL_* one: dropped.
  INFISICAL_SOME_FUTURE_SECRET: "future-8",
  CERTCTL_P12_PASSWORD: "p12-9",
  AWS_SECRET_ACCESS_KEY: "aws-secret-10", AWS_SESSION_TOKEN: "aws-session-11", AWS_SECURITY_TOKEN: "aws-legacy-12",
  AWS_CONTAINER_AUTHORIZATION_TOKEN: "aws-container-13",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "gh-request-14", ACTIONS_ID_TOKEN_REQUEST_URL: "https://gh.invalid/token?x=15", ACTIONS_RUNTIME_TOKEN: "gh-runtime-16",
  IDENTITY_HEADER: "azure-header-17", MSI_SECRET: "azure-msi-18",
};

const SETTINGS: Record<string, string> = {
  PATH: "/usr/bin:/bin", HOME: "/root", AWS_REGION: "eu-west-3", AWS_DEFAULT_REGION: "eu-west-3", AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
  AWS_PROFILE: "deploy", IDENTITY_ENDPOINT: "http://127.0.0.1:41000/msi/token", GITHUB_ACTIONS: "true",
  INFISICAL_DOMAIN: "http://127.0.0.1:8080", INFISICAL_API_URL: "http://127.0.0.1:8080/api", INFISICAL_CACERT: "/etc/ca.pem",
  INFISICAL_AUTH_METHOD: "aws-iam", INFISICAL_MACHINE_IDENTITY_ID: "0d3c8e7b-0b7a-4c1e-9a55-2f0d3c8e7b41",
  INFISICAL_AUTH_ORGANIZATION_SLUG: "acme", INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: "client-id",
};

const VARS = { dir: "/srv/web", cert: "/srv/web/cert.pem", key: "/srv/web/key.pem", chain: "/srv/web/chain.pem", fullchain: "/srv/web/fullchain.pem", serialNumber: "0a1b", notAfter: "2027-01-01T00:00:00Z" };

describe("a hook's environment", () => {
  it("drops every credential and keeps the settings", () => {
    const env = hookEnvironment({ ...SECRETS, ...SETTINGS }, VARS);
    for (const name of Object.keys(SECRETS)) expect(env[name], name).toBeUndefined();
    for (const [name, value] of Object.entries(SETTINGS)) expect(env[name], name).toBe(value);
    expect(env.CERTCTL_SERIAL).toBe("0a1b");
    expect(env.CERTCTL_FULLCHAIN_FILE).toBe("/srv/web/fullchain.pem");
  });

  it.each(Object.keys(SECRETS))("%s is a secret", (name) => expect(isSecretVariable(name)).toBe(true));
  it.each(Object.keys(SETTINGS))("%s is not", (name) => expect(isSecretVariable(name)).toBe(false));

  it("a hook that prints its environment sees none of the secrets (pre/post hooks too)", async () => {
    const output = new PassThrough();
    let text = "";
    output.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    const result = await runDeployHook({ command: "env", label: "post-hook", timeoutMs: 10_000, env: { ...SECRETS, ...SETTINGS }, output });
    expect(result.ok).toBe(true);
    expect(text).toContain("AWS_REGION=eu-west-3");
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
  });
});
