// Issue 15: each login method's code and cloud libraries load only when that method logs in.
// `--help` and a Universal Auth run load none of them; an aws-iam run loads the AWS credential
// chain and SigV4 but not jose; gcp-iam loads jose but no AWS code (seen through the source maps
// of the dist/ chunks a run loaded). Each probe is a node process of its own, so probes of the
// same command share one: the --help run here also holds completion.test.ts's "nothing heavy"
// list, and the Universal Auth issue is issue.test.ts's local-key probe.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { CLOUD_LIBRARIES, LOGIN_METHOD_MODULES, loadedSources } from "../helpers/loaded-sources.js";

let server: RunningDevServer;
let work: string;

beforeAll(async () => {
  ({ server } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-auth-load-"));
});
afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const cloud = (sources: string[]) => sources.filter((s) => CLOUD_LIBRARIES.test(s));
const methodModules = (sources: string[]) => sources.filter((s) => LOGIN_METHOD_MODULES.test(s));

async function mint(): Promise<string> {
  const res = await fetch(server.info.machineIdentity.jwtMintUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return ((await res.json()) as { jwt: string }).jwt;
}

const issueArgs = (name: string) => ["issue", "--profile", server.info.profileId, "--cn", `${name}.localhost`, "--ttl", "1d", "--out-dir", join(work, name), "--quiet"];

describe("login methods load only when used", () => {
  // Help is printed on every mistyped command: like `completion`, it may not load x509, undici,
  // ora or the dev server either.
  it("--help loads no login method, no cloud library and nothing heavy", async () => {
    const run = await loadedSources(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--auth-method");
    expect(run.sources.some((source) => source.endsWith("src/cli/issue/define.ts"))).toBe(true); // the hook did see the modules that ran
    expect(cloud(run.sources)).toEqual([]);
    expect(run.sources.filter((s) => s.includes("src/api/login/"))).toEqual([]);
    expect(run.sources.filter((source) => /node_modules\/(@peculiar|reflect-metadata|undici|ora|ajv|yaml)\/|src\/devserver\//.test(source))).toEqual([]);
  });

  // "A Universal Auth run loads no login method module and no cloud library": issue.test.ts's
  // local-key issue probe (a Universal Auth login) asserts it with these same patterns.

  it("a jwt run loads its own module only (no jose: the client never verifies)", async () => {
    const run = await loadedSources(["--auth-method", "jwt", ...issueArgs("jwt")], {
      env: { INFISICAL_DOMAIN: server.info.url, INFISICAL_MACHINE_IDENTITY_ID: server.info.machineIdentity.identityId, INFISICAL_JWT: await mint() }, cwd: work,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(methodModules(run.sources).map((s) => s.replace(/.*src\//, "src/"))).toEqual(["src/api/login/registry.ts", "src/api/login/given.ts"]);
    expect(cloud(run.sources)).toEqual([]);
  });

  it("an aws-iam run loads the AWS credential chain and SigV4, and no jose", async () => {
    const { accessKeyId, secretAccessKey } = server.info.machineIdentity.aws;
    const run = await loadedSources(["--auth-method", "aws-iam", ...issueArgs("aws")], {
      env: {
        INFISICAL_DOMAIN: server.info.url, INFISICAL_MACHINE_IDENTITY_ID: server.info.machineIdentity.identityId,
        AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: "us-west-2",
        AWS_CONFIG_FILE: join(work, "none"), AWS_SHARED_CREDENTIALS_FILE: join(work, "none"),
      },
      cwd: work,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.sources.some((s) => s.includes("node_modules/@smithy/signature-v4/"))).toBe(true);
    expect(run.sources.some((s) => s.includes("node_modules/@aws-sdk/credential-provider-node/"))).toBe(true);
    expect(run.sources.filter((s) => /node_modules\/jose\//.test(s))).toEqual([]);
  });

  it("a gcp-iam key file is read only for gcp-iam; a wrong key file kind is exit 2 before anything loads", async () => {
    const bad = join(work, "not-a-key.json");
    writeFileSync(bad, JSON.stringify({ type: "authorized_user" }));
    const run = await loadedSources(["--auth-method", "gcp-iam", "--gcp-key-file", bad, ...issueArgs("gcp")], {
      env: { INFISICAL_DOMAIN: server.info.url, INFISICAL_MACHINE_IDENTITY_ID: server.info.machineIdentity.identityId }, cwd: work,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--gcp-key-file");
    expect(cloud(run.sources)).toEqual([]);
  });
});
