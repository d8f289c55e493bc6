// certctl agent: SIGHUP re-reads the credentials with the file. An operator who rotates the
// client secret writes the new one into its file and sends SIGHUP (as for nginx); the agent must
// not keep logging in, or holding a token, from the old one.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CREDENTIALS, LOGIN, entry, newDir, requests, server, startAgent, stop, useAgentServers } from "../helpers/agent.js";
import { certctlFileText } from "../helpers/certctl-file.js";

useAgentServers();

describe("certctl agent: SIGHUP", () => {
  it("re-reads a rotated client-secret file: the next request logs in with what the file holds now", async () => {
    const dir = newDir("reload-secret");
    const secret = join(dir, "client-secret");
    writeFileSync(secret, CREDENTIALS.clientSecret, { mode: 0o600 });
    const file = join(dir, "certctl.yaml");
    const write = (entries: string) => writeFileSync(file, certctlFileText(server, { clientId: CREDENTIALS.clientId, secretFile: secret }, entries));
    write(entry("one"));
    const before = await requests(server);

    const agent = startAgent(file, dir);
    await agent.waitFor("one issued", (l) => l.event === "issued" && l.certificate === "one");

    // A wrong secret in the file, and an entry that needs the server: the reload's cycle logs in
    // with it and is refused. (Kept from before the reload, the old token would have issued "two".)
    writeFileSync(secret, "not-the-secret-any-more");
    write(entry("one") + entry("two"));
    agent.child.kill("SIGHUP");
    const refused = await agent.waitFor("two refused", (l) => l.event === "failed" && l.certificate === "two");
    expect(refused.message).toMatch(/login refused/);
    expect(refused.message).not.toContain("not-the-secret-any-more");

    // The right secret back, another SIGHUP: "two" is issued with a fresh login.
    writeFileSync(secret, CREDENTIALS.clientSecret);
    agent.child.kill("SIGHUP");
    await agent.waitFor("two issued", (l) => l.event === "issued" && l.certificate === "two");
    await stop(agent);
    const after = await requests(server);
    // The first login, the refused one, and the one after the second reload.
    expect((after[LOGIN] ?? 0) - (before[LOGIN] ?? 0)).toBe(3);
  }, 120_000);
});
