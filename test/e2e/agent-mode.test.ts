// certctl agent end to end: the agent process itself is the subject. It is spawned as a user or
// a unit file would run it, driven by a declarative file with `certificates:` entries, against
// in-process dev servers whose request counters tell what it sent. No fixed sleeps:
// every wait is on a log line (--log-format json), a file, or the process's exit. Its logins
// (token renewal, machine-identity methods, the Infisical agent's file) are agent-auth.test.ts.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ISSUE, LOGIN, certctlFile, entry, makeDue, metaOf, newDir, requests, server,
  startAgent, stop, useAgentServers, type Line,
} from "../helpers/agent.js";
import { runMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";
import { listPending } from "../../src/store/pending.js";

useAgentServers();

describe("certctl agent -f <file with certificates:>", () => {
  it("issues the entries, then sends nothing; renews a due one; SIGHUP adds an entry and keeps the old file when the new one is invalid; SIGTERM exits 0; a restart issues nothing", async () => {
    const dir = newDir("converge");
    const hookLog = join(dir, "hook.log");
    const file = join(dir, "certctl.yaml");
    const web = entry("web", `    deploy-hook: echo "$CERTCTL_EVENT $CERTCTL_SERIAL" >> ${hookLog}\n`);
    writeFileSync(file, certctlFile(server, web + entry("api")));
    const before = await requests(server);

    const agent = startAgent(file, dir);
    const plan = await agent.waitFor("web planned", (l) => l.event === "plan" && l.certificate === "web");
    expect(plan.message).toMatch(/^create: no certctl\.json in /);
    const issued = await agent.waitFor("web issued", (l) => l.event === "issued" && l.certificate === "web");
    expect(issued).toMatchObject({ level: "info", time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), message: expect.stringMatching(/^issued: serial [0-9a-f]+/) });
    await agent.waitFor("api issued", (l) => l.event === "issued" && l.certificate === "api");
    await agent.waitFor("the first cycle", (l) => l.event === "cycle");
    expect(readFileSync(hookLog, "utf8")).toBe(`issued ${metaOf(join(dir, "certs/web")).serialNumber}\n`);
    const afterFirst = await requests(server);
    expect((afterFirst[ISSUE] ?? 0) - (before[ISSUE] ?? 0)).toBe(2);
    expect((afterFirst[LOGIN] ?? 0) - (before[LOGIN] ?? 0)).toBe(1);

    // Idle cycles read only local files.
    await agent.cyclesAfterNow(2);
    expect(await requests(server)).toEqual(afterFirst);

    // A due certificate (here: marked revoked) is renewed; the hook hears "renewed".
    const webId = metaOf(join(dir, "certs/web")).certificateId;
    makeDue(join(dir, "certs/web"));
    await agent.waitFor("web renewed", (l) => l.event === "renewed" && l.certificate === "web");
    expect(metaOf(join(dir, "certs/web")).certificateId).not.toBe(webId);
    expect(readFileSync(hookLog, "utf8").trim().split("\n").at(-1)).toBe(`renewed ${metaOf(join(dir, "certs/web")).serialNumber}`);

    // An invalid file on SIGHUP: the old one stays in force, and the log says why.
    writeFileSync(file, certctlFile(server, web + entry("api") + "    colour: red\n"));
    agent.child.kill("SIGHUP");
    const refused = await agent.waitFor("the reload refused", (l) => l.event === "reload" && l.level === "error");
    expect(refused.message).toMatch(/^kept the previous file: certctl\.yaml:\d+: .*colour/);
    await agent.cyclesAfterNow(1);

    // SIGHUP with an added entry: issued on the reload's cycle, nothing else sent again.
    const beforeMail = await requests(server);
    writeFileSync(file, certctlFile(server, web + entry("api") + entry("mail")));
    agent.child.kill("SIGHUP");
    await agent.waitFor("the reload", (l) => l.event === "reload" && l.level === "info");
    await agent.waitFor("mail issued", (l) => l.event === "issued" && l.certificate === "mail");
    const afterMail = await requests(server);
    expect((afterMail[ISSUE] ?? 0) - (beforeMail[ISSUE] ?? 0)).toBe(1);
    expect(afterMail[LOGIN]).toBe(beforeMail[LOGIN]); // the kept login, not a new one
    await stop(agent);

    // A restart reads its state from the directories: nothing due, nothing sent, not even a login.
    // Its first check is the subject, not the process (whose stop was checked above): one
    // `agent --once` in this process (main(argv, io)) instead of a third agent.
    const stopped = await requests(server);
    const again = await runMain(["agent", "-f", file, "--once", "--log-format", "json"], { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    const lines = again.stderr.trim().split("\n").map((l) => JSON.parse(l) as Line);
    expect(lines.filter((l) => l.event === "cycle")).toHaveLength(1);
    expect(lines.filter((l) => l.event === "issued" || l.event === "renewed")).toEqual([]);
    expect(lines.filter((l) => l.event === "plan").map((l) => `${l.certificate} ${l.message!.split(":")[0]}`)).toEqual(["web unchanged", "api unchanged", "mail unchanged"]);
    expect(await requests(server)).toEqual(stopped);
  }, 180_000);

  it("a failing entry does not stop the others: it backs off, its failure hook runs, hook output stays JSON", async () => {
    const dir = newDir("failing");
    const failLog = join(dir, "failed.log");
    const file = join(dir, "certctl.yaml");
    writeFileSync(file, certctlFile(server,
      entry("good", `    deploy-hook: echo "deployed $CERTCTL_EVENT $CERTCTL_SERIAL"\n`) +
      entry("bad", `    profile: no-such-profile\n    failure-hook: echo "$CERTCTL_EVENT $CERTCTL_NAME $CERTCTL_MESSAGE" >> ${failLog}\n`)));

    const agent = startAgent(file, dir);
    const failed = await agent.waitFor("bad failed", (l) => l.event === "failed" && l.certificate === "bad");
    expect(failed).toMatchObject({ level: "error", message: expect.stringMatching(/no-such-profile.*\(exit 4\); next try in 60s$/) });
    await agent.waitFor("good issued", (l) => l.event === "issued" && l.certificate === "good");
    const serial = metaOf(join(dir, "certs/good")).serialNumber;
    // What the deploy hook printed is a log line of its own, as JSON.
    await agent.waitFor("the hook's output", (l) => l.event === "hook-output" && l.message === `deployed issued ${serial}`);
    expect(readFileSync(failLog, "utf8")).toMatch(/^failed bad .*no-such-profile/);
    await agent.waitFor("the first cycle", (l) => l.event === "cycle");
    // The agent lives on; the failed entry waits out its backoff instead of being tried every second.
    const next = await agent.cyclesAfterNow(1);
    expect(next.message).toBe("2 certificate(s): 0 changed, 0 failed, 1 waiting to retry");
    expect(agent.child.exitCode).toBeNull();
    await stop(agent);
    expect(agent.lines().filter((l) => l.event === "failed")).toHaveLength(1);
    for (const line of agent.lines()) expect(Object.keys(line).sort()).toEqual(expect.arrayContaining(["event", "level", "message", "time"]));
  }, 120_000);

  it("a request held for approval: SIGTERM during the wait exits 0 and keeps it; the restart resumes it and sends no new request; a pending past its wait backs off without a failure hook", async () => {
    const dir = newDir("approval");
    const failLog = join(dir, "failed.log");
    const file = join(dir, "certctl.yaml");
    const held = (wait: string) => certctlFile(server, entry("held", `    profile: approval\n    wait-timeout: ${wait}\n    failure-hook: echo failed >> ${failLog}\n`));
    writeFileSync(file, held("10m"));
    const before = await requests(server);

    const agent = startAgent(file, dir);
    const requestId = await until("the pending record", async () => (await listPending(join(dir, "certs/held")))[0]);
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    expect(agent.raw()).toEqual([]);
    expect(agent.lines().filter((l) => l.event === "issued" || l.event === "failed")).toEqual([]);
    expect(await listPending(join(dir, "certs/held"))).toEqual([requestId]);

    // Still unapproved, with a short wait: pending (a warning), backing off, no failure hook.
    writeFileSync(file, held("1s"));
    const waiting = startAgent(file, dir);
    const pending = await waiting.waitFor("held pending", (l) => l.event === "pending" && l.certificate === "held");
    expect(pending).toMatchObject({ level: "warn", message: expect.stringMatching(/\(exit 5\); next try in 60s$/) });
    await stop(waiting);
    expect(existsSync(failLog)).toBe(false);

    await server.approve(requestId);
    const again = startAgent(file, dir);
    const plan = await again.waitFor("held planned", (l) => l.event === "plan" && l.certificate === "held");
    expect(plan.message).toContain(`request ${requestId} is pending: resumed, nothing new sent`);
    await again.waitFor("held issued", (l) => l.event === "issued" && l.certificate === "held");
    await stop(again);
    const after = await requests(server);
    expect((after[ISSUE] ?? 0) - (before[ISSUE] ?? 0)).toBe(1);
    expect(existsSync(join(dir, "certs/held/cert.pem"))).toBe(true);
  }, 120_000);

});
