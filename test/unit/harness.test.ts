// The test harness itself: in-process runs (run-main.ts), fixture keys made once per run
// (fixture-keys.ts) and reading a child's port (proc.ts). A harness that silently captured
// nothing, leaked signal listeners or handed out the wrong key size would make other tests lie.
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cleanEnv } from "../helpers/cli.js";
import { fixtureKey, fixtureKeyPath } from "../helpers/fixture-keys.js";
import { listeningPort } from "../helpers/proc.js";
import { runMain, startMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";

describe("runMain", () => {
  it("captures stdout, stderr and the exit code, with the environment it is given", async () => {
    const ok = await runMain(["--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ name: "certctl" });
    const bad = await runMain(["issue", "--cnn", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/unknown option '--cnn'/);
    // The environment is the one given, not the test process's.
    const env = await runMain(["issue", "--profile", "3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11", "--cn", "a.example.com"], { env: { INFISICAL_DOMAIN: "not a url" } });
    expect(env.stderr).toMatch(/invalid value 'not a url' for INFISICAL_DOMAIN/);
  });

  it("overlapping runs leave no SIGINT/SIGTERM listener of main behind", async () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    await Promise.all(Array.from({ length: 12 }, () => runMain(["--help"])));
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });

  it("startMain shows output while the command runs", async () => {
    const running = startMain(["completion", "bash"]);
    await until("the script", () => running.stdout().includes("complete"));
    expect((await running.done).code).toBe(0);
  });
});

describe("fixture keys", () => {
  it("are RSA keys of the size their name says, mode 0600", () => {
    expect(fixtureKey("rsa-2048").asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(fixtureKey("rsa-2048-b").asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(fixtureKey("rsa-2048-b").export({ type: "pkcs1", format: "pem" })).not.toBe(fixtureKey("rsa-2048").export({ type: "pkcs1", format: "pem" }));
    expect(fixtureKey("rsa-1024").asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect(statSync(fixtureKeyPath("rsa-2048")).mode & 0o777).toBe(0o600);
  });
});

describe("listeningPort", () => {
  // A bare node listener, silent like `dev-server --port 0 --quiet` (which output-modes.test.ts
  // finds this way) but without its start-up cost: the subject is the helper, not the server.
  it("reads the port a child bound to port 0 from the kernel, and it answers", async () => {
    const server = "require('node:http').createServer((req, res) => res.end('listening')).listen(0, '127.0.0.1')";
    const child = spawn(process.execPath, ["-e", server], { env: cleanEnv(), stdio: "ignore" });
    try {
      const port = await listeningPort(child, () => "the listener exited");
      expect(port).toBeGreaterThan(0);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("listening");
    } finally {
      const closed = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGTERM");
      await closed;
    }
  });
});
