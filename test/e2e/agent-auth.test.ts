// certctl agent end to end, its logins and files: token renewal across TTLs, the Infisical
// agent's certificate-agent-config.yaml, machine-identity methods in the file, and files refused
// at start. A file of its own so it runs beside agent-mode.test.ts (the token test waits out TTLs).
// A long-running agent (signals, cycles, its token over time) is a spawned process; `agent --once`
// runs and the set-up's issue and renew run in-process (main(argv, io)): there the subject is the
// login or the refusal, not the process.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/run-main.js";
import { infisicalAgentFileText } from "../helpers/certctl-file.js";
import {
  CREDENTIALS, ISSUE, LOGIN, TOKEN_RENEW, certctlFile, entry, metaOf, newDir, requests, secretFile, server, shortTokens,
  startAgent, stop, useAgentServers, type Line,
} from "../helpers/agent.js";

useAgentServers();

describe("certctl agent -f <file>: logins and files", () => {
  it("keeps its token alive past several TTLs: renews it at 2/3 of the TTL and logs in again near the max TTL", async () => {
    const dir = newDir("tokens");
    const file = join(dir, "certctl.yaml");
    writeFileSync(file, certctlFile(shortTokens, entry("one")));
    const start = await requests(shortTokens);

    const agent = startAgent(file, dir);
    await agent.waitFor("one issued", (l) => l.event === "issued" && l.certificate === "one");
    // 3 s tokens, 8 s max TTL: renewals, then a fresh login, then renewals of that one — in that order
    // (a wake-up that came after the token expired would log in without renewing: not what this shows).
    const tokenEvents = () => agent.lines().filter((l) => l.event === "token").map((l) => (/logged in again/.test(l.message ?? "") ? "login" : /renewed/.test(l.message ?? "") ? "renew" : "other"));
    const inOrder = (wanted: string[]) => {
      let at = 0;
      for (const event of tokenEvents()) if (event === wanted[at]) at++;
      return at >= wanted.length;
    };
    await agent.waitFor("a token renewal, then a fresh login, then a renewal of that one", () => inOrder(["renew", "login", "renew"]), 60_000);
    // Well past several TTLs, the kept token still works: an entry added now is issued with it.
    writeFileSync(file, certctlFile(shortTokens, entry("one") + entry("two")));
    agent.child.kill("SIGHUP");
    await agent.waitFor("two issued", (l) => l.event === "issued" && l.certificate === "two");
    await stop(agent);
    const stats = await requests(shortTokens);
    const delta = (route: string) => (stats[route] ?? 0) - (start[route] ?? 0);
    expect(delta(TOKEN_RENEW)).toBeGreaterThanOrEqual(2);
    expect(delta(LOGIN)).toBeGreaterThanOrEqual(2);
    expect(delta(ISSUE)).toBe(2);
    expect(agent.lines().filter((l) => l.level === "error")).toEqual([]);
  }, 120_000);

  it("runs the Infisical agent's certificate-agent-config.yaml and follows a certificate-id's server-side renewals", async () => {
    const dir = newDir("infisical-agent");
    const env = { INFISICAL_DOMAIN: server.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };
    const made = await runMain(["issue", "--profile", server.profileId, "--cn", "managed.example.com", "--server-keygen", "--out-dir", "server-side", "--quiet"], { cwd: dir, env });
    expect(made.code, made.stderr).toBe(0);
    const id = metaOf(join(dir, "server-side")).certificateId;
    const idFile = join(dir, "client-id");
    writeFileSync(idFile, CREDENTIALS.clientId);
    writeFileSync(join(dir, "certificate-agent-config.yaml"), infisicalAgentFileText(server.url, { clientIdFile: idFile, secretFile }, id, `  - project-slug: certctl-dev
    profile-name: default
    attributes: {common-name: legacy.example.com, ttl: 30d}
    file-output: {certificate: {path: host/legacy.crt}, private-key: {path: host/legacy.key}}
    post-hooks: {on-issuance: {command: "echo $CERTCTL_EVENT >> ${join(dir, "legacy-hook.log")}"}}
`));
    const agent = startAgent("certificate-agent-config.yaml", dir);
    expect((await agent.waitFor("the conversion", (l) => l.event === "config")).message).toContain("the Infisical agent's format, converted");
    await agent.waitFor("managed fetched", (l) => l.event === "issued" && l.certificate === "managed");
    await agent.waitFor("legacy issued", (l) => l.event === "issued" && l.certificate === "legacy.example.com");
    expect(readFileSync(join(dir, "host/managed.crt"), "utf8")).toBe(readFileSync(join(dir, "server-side/cert.pem"), "utf8"));
    expect(readFileSync(join(dir, "legacy-hook.log"), "utf8")).toBe("issued\n");
    expect(existsSync(join(dir, "host/legacy.key"))).toBe(true);

    // The server renews the certificate (here: certctl renew on the server-side copy); the agent follows on its next cycle.
    expect((await runMain(["renew", "server-side", "--force", "--quiet"], { cwd: dir, env })).code).toBe(0);
    const renewedId = metaOf(join(dir, "server-side")).certificateId;
    const followed = await agent.waitFor("managed followed", (l) => l.event === "renewed" && l.certificate === "managed");
    expect(followed.message).toContain(`${id} → ${renewedId}`);
    expect(readFileSync(join(dir, "host/managed.crt"), "utf8")).toBe(readFileSync(join(dir, "server-side/cert.pem"), "utf8"));
    await stop(agent);
  }, 120_000);

  it("logs in with the file's machine-identity method: kubernetes in a certctl file, and the Infisical agent's kubernetes auth", async () => {
    const dir = newDir("kubernetes");
    const identity = server.machineIdentity;
    const minted = await fetch(identity.jwtMintUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ aud: identity.identityId }) });
    writeFileSync(join(dir, "sa-token"), ((await minted.json()) as { jwt: string }).jwt);
    writeFileSync(join(dir, "identity"), identity.identityId);
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(server, entry("k8s")).replace(
      /auth:\n(  .*\n)+?defaults:/, "auth: {method: kubernetes, identity-id-file: identity, service-account-token-file: sa-token}\ndefaults:"));
    writeFileSync(join(dir, "certificate-agent-config.yaml"), `version: v1
infisical: {address: "${server.url}"}
auth: {type: kubernetes, config: {identity-id: identity, service-account-token-path: sa-token}}
certificates:
  - project-slug: certctl-dev
    profile-name: default
    attributes: {common-name: k8s-agent.example.com, ttl: 30d}
`);
    const logins = async () => (await requests(server))["POST /api/v1/auth/kubernetes-auth/login"] ?? 0;
    const before = await logins();
    for (const file of ["certctl.yaml", "certificate-agent-config.yaml"]) {
      const res = await runMain(["agent", "-f", file, "--once", "--log-format", "json"], { cwd: dir });
      expect(res.code, res.stderr).toBe(0);
      const lines = res.stderr.trim().split("\n").map((l) => JSON.parse(l) as Line);
      expect(lines.filter((l) => l.event === "issued")).toHaveLength(1);
    }
    expect(await logins()).toBe(before + 2);
    expect(existsSync(join(dir, "certs/k8s/cert.pem"))).toBe(true);
    expect(existsSync(join(dir, "certctl.d/k8s-agent.example.com/cert.pem"))).toBe(true);
  }, 120_000);

  it("names a field of another login method in the file: exit 2 with its line, nothing sent", async () => {
    const dir = newDir("auth-mismatch");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(server, entry("web")).replace("auth:\n", "auth:\n  jwt-file: some.jwt\n"));
    const before = await requests(server);
    const res = await runMain(["agent", "-f", "certctl.yaml", "--once"], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/certctl\.yaml:4: .*jwt-file applies to method jwt or oidc, not universal-auth/);
    expect(await requests(server)).toEqual(before);
  });

  it("refuses a file that fails validation at start: exit 2, the line and field named, nothing sent", async () => {
    const dir = newDir("invalid");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(server, entry("web", "    dns: [bad..name]\n")));
    const before = await requests(server);
    const res = await runMain(["agent", "-f", "certctl.yaml", "--once"], { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/certctl\.yaml:\d+: certificates\[0\] \(web\): dns\[0\]/);
    expect(await requests(server)).toEqual(before);
  });
});
