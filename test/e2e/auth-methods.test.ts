// Issue 15: every machine-identity login method, end to end. certctl runs as a user would, the
// dev server (in this process) verifies each login for real, and loopback fakes stand in for the
// platform services (IMDSv2, GCE metadata, Azure IMDS / App Service, GitHub Actions, Google OAuth
// + IAM signJwt). Per method: a login that works, a credential the dev server refuses (exit 3,
// the method named), and where a service is involved, one that is unreachable or silent (exit 3
// in seconds, never a hang).
// certctl runs in this process (main(argv, io)) except for aws-iam: the AWS SDK's credential chain
// reads the process's own environment, so those runs are real processes. Each run goes through
// its own counting proxy, so "one login" is this run's login even with tests running side by side.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair, SignJWT } from "jose";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { startFaultProxy } from "../helpers/counting-server.js";
import { fixtureKey } from "../helpers/fixture-keys.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { runMain } from "../helpers/run-main.js";
import { closedPort, gcpServiceAccountKey, startFakeMetadata, startSilentServer, claimsOf, type FakeMetadata, type FakeOptions } from "../helpers/fake-metadata.js";

let server: RunningDevServer;
let fake: FakeMetadata;
let fakeOptions: FakeOptions;
let work: string;
let identityId: string;
const ACTIONS_TOKEN = "ghs_actions-request-token-9f8e7d6c";
const IDENTITY_HEADER = "app-service-identity-header-4b3a";

async function mint(aud: string, sub?: string, expiresIn?: number): Promise<string> {
  const res = await fetch(server.info.machineIdentity.jwtMintUrl, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ aud, ...(sub ? { sub } : {}), ...(expiresIn !== undefined ? { expiresIn } : {}) }),
  });
  return ((await res.json()) as { jwt: string }).jwt;
}

beforeAll(async () => {
  ({ server } = await startLocalDevServer());
  identityId = server.info.machineIdentity.identityId;
  fakeOptions = { mint: (aud, sub) => mint(aud, sub), aws: server.info.machineIdentity.aws, region: "eu-central-1", actionsToken: ACTIONS_TOKEN, identityHeader: IDENTITY_HEADER };
  fake = await startFakeMetadata(fakeOptions);
  work = mkdtempSync(join(tmpdir(), "certctl-auth-"));
});
afterAll(async () => {
  await fake?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

let counter = 0;
/** The environment of a machine with no AWS files and no Infisical credentials but the ones given. */
function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    INFISICAL_DOMAIN: server.info.url,
    INFISICAL_MACHINE_IDENTITY_ID: identityId,
    AWS_CONFIG_FILE: join(work, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "no-aws-credentials"),
    ...extra,
  };
}

interface Run extends CliResult {
  out: string;
  /** Login requests on this route that this run sent. */
  logins(route: string): number;
}

/**
 * Issue one certificate with these flags and environment through a proxy of its own; returns the
 * run, the out dir and its login count. `spawn` for aws-iam (the AWS SDK reads process.env).
 */
async function issueWith(args: string[], env: Record<string, string>, opts: { spawn?: boolean } = {}): Promise<Run> {
  const out = join(work, `run-${++counter}`);
  const proxy = await startFaultProxy(server.info.url);
  try {
    const argv = ["issue", "--profile", server.info.profileId, "--cn", "auth.localhost", "--ttl", "1d", "--out-dir", out, "--quiet", ...args];
    const options = { env: baseEnv({ INFISICAL_DOMAIN: proxy.url, ...env }), cwd: work };
    const result = await (opts.spawn ? runCli(argv, options) : runMain(argv, options));
    return { ...result, out, logins: (route) => proxy.count(`POST /api/v1/auth/${route}/login`) };
  } finally {
    await proxy.close();
  }
}

async function expectLogin(route: string, args: string[], env: Record<string, string>, opts: { spawn?: boolean } = {}): Promise<void> {
  const run = await issueWith(args, env, opts);
  expect(run.code, run.stderr).toBe(0);
  expect(existsSync(join(run.out, "cert.pem"))).toBe(true);
  expect(run.logins(route)).toBe(1);
}

function expectRefused(run: CliResult, label: string, why: RegExp): void {
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toContain(label);
  expect(run.stderr).toMatch(why);
}

function file(name: string, text: string): string {
  const path = join(work, `${name}-${++counter}`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

describe.concurrent("kubernetes", () => {
  it("logs in with the projected service-account token named by INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH (method detected)", async () => {
    const token = file("sa-token", (await mint(identityId)) + "\n");
    await expectLogin("kubernetes-auth", [], { INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH: token });
  });

  it("an expired token, a token for another audience and a token signed by another key are refused (exit 3)", async () => {
    const expired = file("sa-expired", await mint(identityId, undefined, -120));
    expectRefused(await issueWith(["--auth-method", "kubernetes", "--service-account-token-file", expired], {}), "Kubernetes Auth", /expired/);
    const otherAud = file("sa-aud", await mint("https://kubernetes.default.svc"));
    expectRefused(await issueWith(["--auth-method", "kubernetes", "--service-account-token-file", otherAud], {}), "Kubernetes Auth", /"aud"/);
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({}).setProtectedHeader({ alg: "ES256" }).setIssuer("https://certctl-dev-server.invalid")
      .setAudience(identityId).setExpirationTime("10m").sign(privateKey);
    expectRefused(await issueWith(["--auth-method", "kubernetes", "--service-account-token-file", file("sa-forged", forged)], {}), "Kubernetes Auth", /signature/);
  });

  it("off a cluster (no token file at the default path) is a file error naming the path, with no request", async () => {
    const run = await issueWith(["--auth-method", "kubernetes"], {});
    expect(run.code, run.stderr).toBe(7);
    expect(run.stderr).toContain("/var/run/secrets/kubernetes.io/serviceaccount/token");
    expect(run.logins("kubernetes-auth")).toBe(0);
  });
});

describe.concurrent("jwt", () => {
  it("logs in with --jwt-file and with INFISICAL_JWT", async () => {
    await expectLogin("jwt-auth", ["--auth-method", "jwt", "--jwt-file", file("jwt", await mint(identityId))], {});
    await expectLogin("jwt-auth", ["--auth-method", "jwt"], { INFISICAL_JWT: await mint(identityId) });
  });

  it("a JWT for another audience is refused (exit 3)", async () => {
    expectRefused(await issueWith(["--auth-method", "jwt"], { INFISICAL_JWT: await mint("someone-else") }), "JWT Auth", /"aud"/);
  });
});

describe.concurrent("ldap", () => {
  it("logs in with INFISICAL_LDAP_USERNAME/_PASSWORD (detected) and with the two files", async () => {
    const { username, password } = server.info.machineIdentity.ldap;
    await expectLogin("ldap-auth", [], { INFISICAL_LDAP_USERNAME: username, INFISICAL_LDAP_PASSWORD: password });
    await expectLogin("ldap-auth", ["--ldap-username-file", file("ldap-user", username), "--ldap-password-file", file("ldap-pass", `${password}\n`)], {});
  });

  it("a wrong password is refused (exit 3, LDAP named, the password never shown)", async () => {
    const run = await issueWith(["--auth-method", "ldap"], { INFISICAL_LDAP_USERNAME: "certctl-dev", INFISICAL_LDAP_PASSWORD: "not-the-password-7c1d" });
    expectRefused(run, "LDAP Auth", /Invalid credentials/);
    expect(run.stderr + run.stdout).not.toContain("not-the-password-7c1d");
  });
});

describe.concurrent("aws-iam", () => {
  const keys = () => server.info.machineIdentity.aws;

  it("signs GetCallerIdentity with keys from the environment", async () => {
    const { accessKeyId, secretAccessKey, sessionToken } = keys();
    await expectLogin("aws-auth", ["--auth-method", "aws-iam"], { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken, AWS_REGION: "us-east-2" }, { spawn: true });
  });

  it("on an instance: role credentials and the region from IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT)", async () => {
    const seen = fake.requests.length;
    await expectLogin("aws-auth", ["--auth-method", "aws-iam"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url }, { spawn: true });
    const paths = fake.requests.slice(seen).map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain("PUT /latest/api/token");
    expect(paths).toContain("GET /latest/meta-data/placement/region");
    expect(paths.some((p) => p.startsWith("GET /latest/meta-data/iam/security-credentials"))).toBe(true);
  });

  it("a wrong secret key or session token is refused by the signature check (exit 3)", async () => {
    const { accessKeyId, sessionToken } = keys();
    expectRefused(await issueWith(["--auth-method", "aws-iam"], { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: "wrongwrongwrongwrongwrongwrongwrongwrong", AWS_SESSION_TOKEN: sessionToken, AWS_REGION: "us-east-2" }, { spawn: true }), "AWS IAM Auth", /signature/);
    expectRefused(await issueWith(["--auth-method", "aws-iam"], { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: keys().secretAccessKey, AWS_SESSION_TOKEN: "forged-session", AWS_REGION: "us-east-2" }, { spawn: true }), "AWS IAM Auth", /security token/);
  });

  it("without credentials and with IMDS unreachable: exit 3 naming the method, in seconds", async () => {
    const started = Date.now();
    const run = await issueWith(["--auth-method", "aws-iam", "--timeout", "2s"], { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${await closedPort()}` }, { spawn: true });
    expectRefused(run, "AWS IAM Auth", /credentials/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe.concurrent("gcp-id-token", () => {
  it("asks the metadata server at GCE_METADATA_HOST for a token for the identity", async () => {
    const seen = fake.requests.length;
    await expectLogin("gcp-auth", ["--auth-method", "gcp-id-token"], { GCE_METADATA_HOST: fake.hostPort });
    const asked = fake.requests.slice(seen).find((r) => r.path.endsWith("/identity"));
    expect(asked?.headers["metadata-flavor"]).toBe("Google");
  });

  it("a metadata server that never answers: exit 3 within the timeout, not a hang", async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const run = await issueWith(["--auth-method", "gcp-id-token", "--timeout", "1s"], { GCE_METADATA_HOST: silent.hostPort });
      expectRefused(run, "GCP ID Token Auth", /no answer within 1000 ms/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await silent.close();
    }
  });
});

describe.concurrent("azure", () => {
  it("asks IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST) for an ARM token", async () => {
    await expectLogin("azure-auth", ["--auth-method", "azure"], { AZURE_POD_IDENTITY_AUTHORITY_HOST: fake.url });
  });

  it("on App Service asks IDENTITY_ENDPOINT with IDENTITY_HEADER; a wrong header is refused (exit 3)", async () => {
    await expectLogin("azure-auth", ["--auth-method", "azure"], { IDENTITY_ENDPOINT: `${fake.url}/msi/token`, IDENTITY_HEADER });
    expectRefused(await issueWith(["--auth-method", "azure"], { IDENTITY_ENDPOINT: `${fake.url}/msi/token`, IDENTITY_HEADER: "wrong" }), "Azure Auth", /HTTP 400/);
  });

  it("no IMDS: exit 3 naming the method", async () => {
    expectRefused(await issueWith(["--auth-method", "azure"], { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${await closedPort()}` }), "Azure Auth", /cannot reach/);
  });
});

describe.concurrent("organization slug and detection", () => {
  it("--organization-slug is sent with the login; one the identity is not in answers 403 (exit 3)", async () => {
    await expectLogin("jwt-auth", ["--auth-method", "jwt", "--organization-slug", "certctl-dev"], { INFISICAL_JWT: await mint(identityId) });
    expectRefused(await issueWith(["--auth-method", "jwt"], { INFISICAL_JWT: await mint(identityId), INFISICAL_AUTH_ORGANIZATION_SLUG: "other-org" }), "JWT Auth", /HTTP 403/);
  });

  it("INFISICAL_JWT alone could be jwt or oidc: exit 2 asking for --auth-method, no request", async () => {
    const run = await issueWith([], { INFISICAL_JWT: await mint(identityId) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot tell which login method.*jwt or oidc/);
  });

  it("the minted tokens carry what the fakes were asked for (the fakes are not rubber stamps)", async () => {
    expect(claimsOf(await mint("aud-x", "sub-y"))).toMatchObject({ aud: "aud-x", sub: "sub-y" });
  });
});

// `certctl dev-server` as a separate process (what a user's CI script runs): its --json line's
// machine identity logs in with LDAP, and a wrong user is refused. That is checked in
// devserver.test.ts, on the --json start-line test's server (one dev-server process for both).

// Sequential: the Actions token test reads which /actions/token request the fake saw (another oidc
// test sends a wrong one), and the gcp-iam tests each set the account key the fake checks.
describe("oidc", () => {
  const actions = (url: string, token = ACTIONS_TOKEN) => ({ ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/actions/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token });

  it("in GitHub Actions, asks ACTIONS_ID_TOKEN_REQUEST_URL for a token for the identity (method detected)", async () => {
    const seen = fake.requests.length;
    await expectLogin("oidc-auth", [], actions(fake.url));
    const asked = fake.requests.slice(seen).find((r) => r.path === "/actions/token");
    expect(asked?.headers.authorization).toBe(`bearer ${ACTIONS_TOKEN}`);
  });

  it("CERTCTL_OIDC_AUDIENCE changes the audience asked for (and the dev server refuses it: exit 3)", async () => {
    expectRefused(await issueWith(["--auth-method", "oidc"], { ...actions(fake.url), CERTCTL_OIDC_AUDIENCE: "sts.amazonaws.com" }), "OIDC Auth", /"aud"/);
  });

  it("a wrong Actions request token is refused by the token service (exit 3), and an unreachable one fails fast (exit 3)", async () => {
    expectRefused(await issueWith(["--auth-method", "oidc"], actions(fake.url, "ghs_wrong")), "OIDC Auth", /HTTP 401/);
    expectRefused(await issueWith(["--auth-method", "oidc"], actions(`http://127.0.0.1:${await closedPort()}`)), "OIDC Auth", /cannot reach/);
  });

  it("with a JWT given in INFISICAL_JWT, no token service is asked", async () => {
    await expectLogin("oidc-auth", ["--auth-method", "oidc"], { INFISICAL_JWT: await mint(identityId) });
  });
});

describe("gcp-iam", () => {
  // The account's key is the fixture; the stranger's is generated (it must be another key).
  it("signs {sub: client_email, aud: identity} through IAM signJwt with the key file's account", async () => {
    const key = gcpServiceAccountKey(fake.url, fixtureKey("rsa-2048"));
    fakeOptions.gcp = { clientEmail: key.clientEmail, publicKeyPem: key.publicKeyPem };
    const seen = fake.requests.length;
    await expectLogin("gcp-auth", [], { INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH: file("gcp-key", key.keyFile), CERTCTL_GCP_IAM_URL: fake.url });
    const signed = fake.requests.slice(seen).find((r) => r.path.endsWith(":signJwt"));
    const payload = JSON.parse((JSON.parse(signed!.body) as { payload: string }).payload) as { sub: string; aud: string };
    expect(payload).toMatchObject({ sub: key.clientEmail, aud: identityId });
  });

  it("a key file whose key the account does not have is refused at the token endpoint (exit 3)", async () => {
    const good = gcpServiceAccountKey(fake.url, fixtureKey("rsa-2048"));
    fakeOptions.gcp = { clientEmail: good.clientEmail, publicKeyPem: good.publicKeyPem };
    const stranger = gcpServiceAccountKey(fake.url, fixtureKey("rsa-2048-b"));
    const run = await issueWith(["--auth-method", "gcp-iam", "--gcp-key-file", file("gcp-stranger", stranger.keyFile)], { CERTCTL_GCP_IAM_URL: fake.url });
    expectRefused(run, "GCP IAM Auth", /HTTP 400/);
  });
});
