// Issue 15: the credentials of every login method — presented JWTs, the AWS secret key and
// session token, the LDAP password, the GCP private key, the GitHub Actions request token, App
// Service's IDENTITY_HEADER — never appear in stdout, stderr (with CERTCTL_DEBUG=1, and on a
// refused login) or certctl.json; what certctl read or fetched never reaches a deploy hook's
// environment; and no new flag takes a credential as an argv value.
// certctl runs in this process (main(argv, io); its hooks get the environment it was given, and
// nothing in src/ writes process.env), except aws-iam: the AWS SDK reads the process's own
// environment, so those runs are real processes (and so one method's hook sees a real
// process's environment).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { rootCommand } from "../../src/cli/program.js";
import { runCli, type CliResult } from "../helpers/cli.js";
import { fixtureKey } from "../helpers/fixture-keys.js";
import { runMain } from "../helpers/run-main.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { gcpServiceAccountKey, startFakeMetadata, type FakeMetadata, type FakeOptions } from "../helpers/fake-metadata.js";
import { keySecrets, metadataTexts, scan, type Secret } from "../helpers/secret-scan.js";

let server: RunningDevServer;
let fake: FakeMetadata;
let work: string;
const secrets: Secret[] = [];
const minted: string[] = [];
const ACTIONS_TOKEN = "ghs_actions-request-token-secret-77aa";
const IDENTITY_HEADER = "identity-header-secret-0c9b";

async function mint(aud: string, sub?: string): Promise<string> {
  const res = await fetch(server.info.machineIdentity.jwtMintUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ aud, sub }) });
  const { jwt } = (await res.json()) as { jwt: string };
  minted.push(jwt);
  return jwt;
}

let gcpKeyFile: string;
beforeAll(async () => {
  ({ server } = await startLocalDevServer());
  const options: FakeOptions = { mint: (aud, sub) => mint(aud, sub), aws: server.info.machineIdentity.aws, actionsToken: ACTIONS_TOKEN, identityHeader: IDENTITY_HEADER };
  fake = await startFakeMetadata(options);
  work = mkdtempSync(join(tmpdir(), "certctl-auth-secrets-"));
  const key = gcpServiceAccountKey(fake.url, fixtureKey("rsa-2048"));
  options.gcp = { clientEmail: key.clientEmail, publicKeyPem: key.publicKeyPem };
  gcpKeyFile = join(work, "gcp-key.json");
  writeFileSync(gcpKeyFile, key.keyFile, { mode: 0o600 });
  const { aws, ldap } = server.info.machineIdentity;
  secrets.push(
    { label: "AWS secret key", value: aws.secretAccessKey }, { label: "AWS session token", value: aws.sessionToken },
    { label: "LDAP password", value: ldap.password }, { label: "Actions request token", value: ACTIONS_TOKEN },
    { label: "IDENTITY_HEADER", value: IDENTITY_HEADER }, ...keySecrets("GCP private key", key.privateKeyPem),
  );
});
afterAll(async () => {
  await fake?.close();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function allSecrets(): Secret[] {
  return [...secrets, ...minted.map((value, i) => ({ label: `JWT ${i + 1}`, value }))];
}

let counter = 0;
async function issueAndRenew(method: string, env: Record<string, string>): Promise<Record<string, string>> {
  const out = join(work, `${method}-${++counter}`);
  const hookEnv = join(work, `${method}-${counter}.hookenv`);
  const base = {
    INFISICAL_DOMAIN: server.info.url, INFISICAL_MACHINE_IDENTITY_ID: server.info.machineIdentity.identityId, CERTCTL_DEBUG: "1",
    AWS_CONFIG_FILE: join(work, "none"), AWS_SHARED_CREDENTIALS_FILE: join(work, "none"), ...env,
  };
  // The AWS SDK's credential chain reads process.env: aws-iam runs as a real process.
  const run = method === "aws-iam" ? runCli : runMain;
  const issued = await run(["--auth-method", method, "issue", "--profile", server.info.profileId, "--cn", "s.localhost", "--ttl", "1d", "--out-dir", out], { env: base, cwd: work });
  expect(issued.code, issued.stderr).toBe(0);
  const renewed = await run(["--auth-method", method, "renew", "--force", out, "--deploy-hook", `env > '${hookEnv}'`], { env: base, cwd: work });
  expect(renewed.code, renewed.stderr).toBe(0);
  return transcript(method, [issued, renewed], { ...metadataTexts(out), [`${method} hook environment`]: readFileSync(hookEnv, "utf8") });
}

function transcript(name: string, runs: CliResult[], extra: Record<string, string> = {}): Record<string, string> {
  const texts: Record<string, string> = { ...extra };
  runs.forEach((run, i) => {
    texts[`${name} run ${i + 1} stdout`] = run.stdout;
    texts[`${name} run ${i + 1} stderr`] = run.stderr;
  });
  return texts;
}

describe.concurrent("secrets of every login method stay out of output, metadata and hooks", () => {
  const METHODS: Array<[string, () => Promise<Record<string, string>>]> = [
    ["jwt", async () => ({ INFISICAL_JWT: await mint(server.info.machineIdentity.identityId) })],
    ["kubernetes", async () => {
      const tokenFile = join(work, "sa-token");
      writeFileSync(tokenFile, await mint(server.info.machineIdentity.identityId));
      return { INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH: tokenFile };
    }],
    ["oidc", async () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: `${fake.url}/actions/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: ACTIONS_TOKEN })],
    ["ldap", async () => ({ INFISICAL_LDAP_USERNAME: server.info.machineIdentity.ldap.username, INFISICAL_LDAP_PASSWORD: server.info.machineIdentity.ldap.password })],
    ["aws-iam", async () => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url })],
    ["gcp-id-token", async () => ({ GCE_METADATA_HOST: fake.hostPort })],
    ["gcp-iam", async () => ({ INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH: gcpKeyFile, CERTCTL_GCP_IAM_URL: fake.url })],
    ["azure", async () => ({ IDENTITY_ENDPOINT: `${fake.url}/msi/token`, IDENTITY_HEADER })],
  ];

  it.each(METHODS)("%s: issue and renew with a deploy hook, CERTCTL_DEBUG=1", async (method, env) => {
    const texts = await issueAndRenew(method, await env());
    // A hook environment that lost everything would make the scan prove nothing.
    expect(texts[`${method} hook environment`]).toContain("CERTCTL_SERIAL=");
    // No credential reaches a hook: neither what certctl read or fetched (INFISICAL_JWT,
    // INFISICAL_LDAP_PASSWORD, tokens) nor the platform's own (ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    // IDENTITY_HEADER, AWS secret keys), which core/hooks.ts strips.
    expect(scan(texts, allSecrets())).toEqual([]);
  }, 60_000);

  it("refused logins (debug on) do not echo the credential either", async () => {
    const { aws, ldap } = server.info.machineIdentity;
    const env = { INFISICAL_DOMAIN: server.info.url, INFISICAL_MACHINE_IDENTITY_ID: server.info.machineIdentity.identityId, CERTCTL_DEBUG: "1", AWS_CONFIG_FILE: join(work, "none"), AWS_SHARED_CREDENTIALS_FILE: join(work, "none") };
    // An out dir each: the runs go side by side, and one directory takes one run at a time.
    const args = (name: string) => ["issue", "--profile", server.info.profileId, "--cn", "r.localhost", "--out-dir", join(work, `refused-${name}`)];
    const wrongAud = await mint("not-this-identity");
    const runs = await Promise.all([
      runMain(["--auth-method", "jwt", ...args("jwt")], { env: { ...env, INFISICAL_JWT: wrongAud }, cwd: work }),
      runMain(["--auth-method", "ldap", ...args("ldap")], { env: { ...env, INFISICAL_LDAP_USERNAME: "nobody", INFISICAL_LDAP_PASSWORD: ldap.password }, cwd: work }),
      // A real process: the AWS SDK reads the keys from process.env.
      runCli(["--auth-method", "aws-iam", ...args("aws-iam")], { env: { ...env, AWS_ACCESS_KEY_ID: "AKIAUNKNOWN0000000000", AWS_SECRET_ACCESS_KEY: aws.secretAccessKey, AWS_SESSION_TOKEN: aws.sessionToken, AWS_REGION: "us-east-1" }, cwd: work }),
      runMain(["--auth-method", "azure", ...args("azure")], { env: { ...env, IDENTITY_ENDPOINT: `${fake.url}/msi/token`, IDENTITY_HEADER: `${IDENTITY_HEADER}-wrong` }, cwd: work }),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(3);
    expect(scan(transcript("refused", runs), [...allSecrets(), { label: "wrong-audience JWT", value: wrongAud }])).toEqual([]);
  }, 60_000);

  it("no new login flag takes a credential as its value: each names a file, an id, a slug or a method", () => {
    const flags = rootCommand().options.map((o) => o.long ?? "").filter((name) => /auth-method|identity|organization|jwt|service-account|gcp|ldap/.test(name));
    expect(flags.length).toBe(8);
    for (const flag of flags) expect(flag).toMatch(/-file$|^--identity-id$|^--organization-slug$|^--auth-method$/);
  });
});
