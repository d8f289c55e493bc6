// Issue 12 item 18, for real: a pseudo-terminal that reports 0 columns (as `script` gives one
// without `stty`), certctl waiting for an approval with its progress on that terminal. Before the
// fix the spinner's erase loop never ended: no progress, SIGTERM ignored, memory growing. Now the
// progress is plain lines and SIGTERM ends the run at once with 143.
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { certctlCommand, hasCommand, hasTmux, startTty, type TtySession } from "../helpers/tty.js";

let server: RunningDevServer;
let work: string;
const sessions: TtySession[] = [];

describe.skipIf(!hasTmux() || !hasCommand("stty"))("a terminal of 0 columns (tmux + stty cols 0)", () => {
  beforeAll(async () => {
    // Manual approval: the request stays pending, so certctl keeps drawing progress until signalled.
    ({ server } = await startLocalDevServer({ approval: "manual" }));
    work = mkdtempSync(join(tmpdir(), "certctl-tty-size-"));
  });
  afterAll(async () => {
    // A certctl that hangs (the bug) outlives its tmux server: end it by its own pid.
    const pidFile = join(work, "pid");
    if (existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8").trim()), "SIGKILL");
      } catch {
        // already gone: the expected case
      }
    }
    for (const s of sessions) s.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("progress is plain lines, and SIGTERM ends the wait with 143", async () => {
    const profile = server.info.profiles.find((p) => p.slug === "default")!.id;
    const pidFile = join(work, "pid");
    const args = ["issue", "--profile", profile, "--dns", "zero.example.com", "--out-dir", join(work, "out"), "--wait-timeout", "1h"];
    // The program runs in the background of the pane's shell so the test can signal it by pid;
    // its stderr is still the terminal whose width stty set to 0.
    const command = `stty cols 0 rows 0; ${certctlCommand(args)} & echo $! > ${pidFile}; wait $!`;
    const session = startTty(command, {
      cwd: work,
      env: {
        INFISICAL_DOMAIN: server.info.url,
        INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId,
        INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.info.clientSecret,
      },
    });
    sessions.push(session);
    await session.waitFor(/Waiting for approval/, { raw: true, timeoutMs: 20_000 });
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    // No spinner frames and no cursor-up storm: the terminal got plain lines.
    expect(session.raw()).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/u);
    expect((session.raw().match(/\u001b\[1A/g) ?? []).length).toBe(0);
    process.kill(pid, "SIGTERM");
    expect(await session.exitCode(10_000)).toBe(143);
  });
});
