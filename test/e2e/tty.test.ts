// The terminal path for real: certctl in a tmux pseudo-terminal against a dev server, checking
// what a person sees (spinner frames, colour, elapsed time, a clean screen afterwards, the cursor
// given back after Ctrl-C) and that the same command in a pipe writes no escape code at all.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { ANY_ESCAPE, COLOR_SGR, certctlCommand, startTty, type TtySession } from "../helpers/tty.js";
import { needs } from "../helpers/needs.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const SPINNER_FRAMES = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/gu;
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";

let server: RunningDevServer;
let work: string;
let env: Record<string, string>;
let counter = 0;
const sessions: TtySession[] = [];

const profile = (slug: string) => server.info.profiles.find((p) => p.slug === slug)!.id;
const outDir = (name: string) => join(work, `${name}-${++counter}`);

function tty(args: string[], opts: { env?: Record<string, string>; pipe?: boolean } = {}): TtySession {
  const command = certctlCommand(args) + (opts.pipe ? " 2>&1 | cat" : "");
  const session = startTty(command, { cwd: work, env: { ...env, ...opts.env } });
  sessions.push(session);
  return session;
}

/** Distinct spinner frames in a piece of the raw terminal stream. */
function frames(raw: string): Set<string> {
  return new Set(raw.match(SPINNER_FRAMES) ?? []);
}

// Concurrent: each test has its own tmux server and output directory, and most of the time is
// spent waiting for an approval.
const TMUX = needs("tmux");
describe.skipIf(TMUX.missing).concurrent(`in a terminal (tmux)${TMUX.why}`, () => {
  beforeAll(async () => {
    // The default profile is approved automatically after 2 s: long enough to watch the wait.
    ({ server } = await startLocalDevServer({ approval: { kind: "auto", afterMs: 2000, text: "auto=2s" } }));
    work = mkdtempSync(join(tmpdir(), "certctl-tty-e2e-"));
    env = {
      INFISICAL_DOMAIN: server.info.url,
      INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId,
      INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.info.clientSecret,
    };
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("issue: a coloured spinner with status, elapsed time and pendingMessage, erased before the result", async () => {
    const out = outDir("spinner");
    const t = tty(["issue", "--profile", profile("default"), "--cn", "tty.localhost", "--out-dir", out]);
    // The elapsed time moves on its own while the status stays the same.
    const waiting = await t.waitFor(/Waiting for approval \(pending_approval, request [0-9a-f-]{36}\) · [1-9]s · \S/);
    expect(waiting).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Waiting for approval/mu);
    // A capture of its own can fall between ora's erasing the line and writing the next frame (an
    // empty screen, seen once in CI): wait for a frame captured with its colours instead.
    const coloured = await t.waitFor(/Waiting for approval/, { escapes: true });
    expect(coloured).toMatch(COLOR_SGR);
    expect(await t.exitCode()).toBe(0);

    const screen = t.screen();
    expect(screen).toMatch(/^Issued tty\.localhost$/m);
    // The spinner line is gone: the result starts at the top of the screen, nothing of the wait is left.
    expect(screen.trimStart().startsWith("Issued tty.localhost")).toBe(true);
    expect(screen).not.toMatch(SPINNER_FRAMES);
    const raw = t.raw();
    expect(frames(raw).size).toBeGreaterThanOrEqual(4);
    expect(raw).toContain("Logging in to 127.0.0.1");
    expect(raw).toContain("Requesting the certificate from 127.0.0.1");
    expect(raw).toMatch(COLOR_SGR);
    // The cursor was hidden while spinning and shown again before the program ended.
    expect(raw.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(raw.lastIndexOf(HIDE_CURSOR));
    expect(raw.lastIndexOf(HIDE_CURSOR)).toBeGreaterThanOrEqual(0);
    // The spinner was stopped before the result was written: no frame after "Issued".
    expect(raw.slice(raw.indexOf("Issued tty.localhost"))).not.toMatch(SPINNER_FRAMES);
    expect(existsSync(join(out, "cert.pem"))).toBe(true);
  });

  it("the same command in a pipe: plain progress lines, each once, and not one escape code", async () => {
    const t = tty(["issue", "--profile", profile("default"), "--cn", "pipe.localhost", "--out-dir", outDir("pipe")], { pipe: true });
    expect(await t.exitCode()).toBe(0);
    const raw = t.raw();
    expect(raw).not.toMatch(ANY_ESCAPE);
    expect(raw).toMatch(/^Issued pipe\.localhost/m);
    // One line per change, however many polls the wait took.
    expect(raw.match(/^Waiting for approval \(pending_approval, request [0-9a-f-]{36}\)/gm)).toHaveLength(1);
    expect(raw).not.toMatch(SPINNER_FRAMES);
  });

  it("RSA 4096 key generation does not freeze the spinner (WebCrypto keygen runs off the main thread)", async () => {
    const t = tty(["issue", "--profile", profile("rsa"), "--cn", "rsa.localhost", "--key-algorithm", "rsa4096", "--out-dir", outDir("rsa")]);
    expect(await t.exitCode()).toBe(0);
    const raw = t.raw();
    const start = raw.indexOf("Generating the RSA_4096 key locally");
    // The next step drawn after key generation (a short login may never be drawn at all).
    const end = Math.min(...["Logging in to", "Requesting the certificate", "Issued"].map((text) => raw.indexOf(text, start)).filter((i) => i > start));
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    // The key takes 0.4–3 s; ora redraws every 80 ms, so a turning spinner shows several frames.
    expect(frames(raw.slice(start, end)).size).toBeGreaterThanOrEqual(2);
  });

  it("Ctrl-C while waiting: exit 130, the resume command, the spinner erased and the cursor back", async () => {
    const out = outDir("sigint");
    const t = tty(["issue", "--profile", profile("approval"), "--cn", "wait.localhost", "--out-dir", out]);
    await t.waitFor(/Waiting for approval \(pending_approval, request [0-9a-f-]{36}\)/);
    t.sendKeys("C-c");
    expect(await t.exitCode()).toBe(130);
    const screen = t.screen();
    expect(screen).toMatch(/certctl status [0-9a-f-]{36} --out-dir /);
    expect(screen).not.toMatch(SPINNER_FRAMES);
    const raw = t.raw();
    expect(raw.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(raw.lastIndexOf(HIDE_CURSOR));
  });

  it("colour on a terminal; none with NO_COLOR, --no-color or FORCE_COLOR=0, and then no coloured spinner either", async () => {
    const leaf = join(FIXTURES, "leaf.pem");
    const coloured = tty(["inspect", leaf]);
    const flag = tty(["--no-color", "inspect", leaf]);
    const forcedOff = tty(["inspect", leaf], { env: { FORCE_COLOR: "0" } });
    const noColor = tty(["issue", "--profile", profile("rsa"), "--key-algorithm", "rsa2048", "--cn", "n.localhost", "--out-dir", outDir("nocolor")], {
      env: { NO_COLOR: "1" },
    });
    for (const t of [coloured, flag, forcedOff, noColor]) expect(await t.exitCode()).toBe(0);
    expect(coloured.raw()).toMatch(COLOR_SGR);
    for (const t of [flag, forcedOff]) {
      expect(t.raw()).not.toMatch(ANY_ESCAPE);
      expect(t.screen()).toMatch(/^ {2}SHA-256: +[0-9A-F:]{95}$/m);
    }
    const raw = noColor.raw();
    expect(raw).not.toMatch(COLOR_SGR);
    // Still a spinner (it is a terminal), just without colour.
    expect(frames(raw).size).toBeGreaterThanOrEqual(1);
    expect(noColor.screen()).toMatch(/^Issued n\.localhost$/m);
  });

  it("--json and --quiet on a terminal: no spinner, stdout is the document or nothing", async () => {
    const json = tty(["issue", "--json", "--profile", profile("rsa"), "--key-algorithm", "rsa2048", "--cn", "j.localhost", "--out-dir", outDir("json")]);
    const quiet = tty(["issue", "--quiet", "--profile", profile("rsa"), "--key-algorithm", "rsa2048", "--cn", "q.localhost", "--out-dir", outDir("quiet")]);
    expect(await json.exitCode()).toBe(0);
    expect(await quiet.exitCode()).toBe(0);
    expect(json.raw()).not.toMatch(SPINNER_FRAMES);
    expect(json.raw()).not.toMatch(ANY_ESCAPE);
    expect(JSON.parse(json.raw().replaceAll("\r\n", "\n"))).toMatchObject({ status: "issued" });
    expect(quiet.raw()).toBe("");
  });
});
