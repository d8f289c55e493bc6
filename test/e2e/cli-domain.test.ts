// A directory belongs to the server that issued it (issue 12 item 5): a --domain or
// INFISICAL_DOMAIN naming another server is refused for that directory (exit 2, both named,
// nothing sent) unless --move-to-domain says the move is meant.
// certctl runs in this process (main(argv, io)). Serial: "sending nothing" reads each server's
// global request counters.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { runMain } from "../helpers/run-main.js";

let home: RunningDevServer;
let other: RunningDevServer;
let homeEnv: Record<string, string>;
let work: string;

beforeAll(async () => {
  [{ server: home, env: homeEnv }, { server: other }] = await Promise.all([startLocalDevServer(), startLocalDevServer()]);
  work = mkdtempSync(join(tmpdir(), "certctl-domain-e2e-"));
});
afterAll(async () => {
  await Promise.all([home?.close(), other?.close()]);
});

async function requests(server: RunningDevServer): Promise<number> {
  const all = (await (await fetch(`${server.info.url}/api/v1/dev/stats`)).json()) as Record<string, number>;
  return Object.entries(all).filter(([route]) => !route.includes("/dev/")).reduce((sum, [, n]) => sum + n, 0);
}

async function issued(name: string): Promise<string> {
  const dir = join(work, name);
  const res = await runMain(["issue", "--profile", home.info.profileId, "--cn", `${name}.example.com`, "--out-dir", dir, "--quiet"], { env: homeEnv });
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
  return dir;
}

describe("a directory and the domain in effect", () => {
  // Regression: INFISICAL_DOMAIN silently overrode the recorded domain, and renew went to the other server.
  it.each([
    ["INFISICAL_DOMAIN", (url: string) => ({ args: [] as string[], env: { INFISICAL_DOMAIN: url } })],
    ["--domain", (url: string) => ({ args: ["--domain", url], env: {} })],
  ])("renew refuses a directory when %s names another server, naming both, sending nothing", async (source, given) => {
    const dir = await issued(`moved-${source.replace(/\W/g, "")}`);
    const before = [await requests(home), await requests(other)];
    const { args, env } = given(other.info.url);
    const res = await runMain([...args, "renew", dir, "--force"], { env: { ...homeEnv, ...env } });
    expect(res.code).toBe(2);
    // renew prints each directory's line on stdout and its hint on stderr.
    const text = res.stdout + res.stderr;
    expect(text).toContain(`belongs to ${home.info.url}`);
    expect(text).toContain(`${source} names ${other.info.url}`);
    expect(res.stderr).toContain(`Unset ${source} to use ${home.info.url}/api, or pass --move-to-domain to move the directory to ${other.info.url}`);
    expect([await requests(home), await requests(other)]).toEqual(before);
  });

  it("the same server written another way is not another server", async () => {
    const dir = await issued("same-server");
    const res = await runMain(["renew", dir, "--force", "--quiet"], { env: { ...homeEnv, INFISICAL_DOMAIN: `${home.info.url}/api/` } });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
  });

  it("without any domain setting the recorded one is used", async () => {
    const dir = await issued("recorded");
    const before = await requests(home);
    const { INFISICAL_DOMAIN: _unset, ...noDomain } = homeEnv;
    const res = await runMain(["renew", dir, "--force", "--quiet"], { env: noDomain });
    expect(res.code).toBe(0);
    expect(await requests(home)).toBeGreaterThan(before);
  });

  it("--move-to-domain renews against the domain in effect", async () => {
    const dir = await issued("move");
    const before = await requests(other);
    // The other server has its own credentials: the move sends them, never the home server's.
    const env = {
      INFISICAL_DOMAIN: other.info.url,
      INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: other.info.clientId,
      INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: other.info.clientSecret,
    };
    const res = await runMain(["renew", dir, "--force", "--move-to-domain", "--quiet"], { env });
    expect(await requests(other)).toBeGreaterThan(before);
    // The other server never issued this certificate: what it answers is the renewal's business,
    // but the refusal of the move itself is gone.
    expect(res.stderr).not.toContain("belongs to");
  });
});
