// Run certctl in a real pseudo-terminal: a tmux server of its own (private socket, no user
// config), one window, the raw bytes the program writes recorded with pipe-pane and the screen
// read back with capture-pane. The program starts only once recording is on (tmux wait-for), so
// no byte is missed.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, cleanEnv } from "./cli.js";
import { WAIT_DEADLINE_MS } from "./wait.js";

export function hasTmux(): boolean {
  return spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
}

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

export interface TtyOptions {
  cwd?: string;
  /** Added to a clean environment (as runCli does). */
  env?: Record<string, string | undefined>;
  width?: number;
  height?: number;
}

export interface TtySession {
  /** Everything the program wrote to the terminal so far, escape codes and all. */
  raw(): string;
  /** The screen as a person sees it now; with escapes: true, colours included. */
  screen(opts?: { escapes?: boolean }): string;
  /** Polls the screen (or the raw bytes) until it matches. */
  /** Polls the screen (with its escape codes when `escapes`) until `pattern` matches it. */
  waitFor(pattern: RegExp, opts?: { timeoutMs?: number; raw?: boolean; escapes?: boolean }): Promise<string>;
  /** Resolves with the exit status once the program has ended. */
  exitCode(timeoutMs?: number): Promise<number>;
  /** tmux key names, e.g. "C-c", "Tab", "Enter", or literal text. */
  sendKeys(...keys: string[]): void;
  close(): void;
}

let sessions = 0;

/** Quote for sh -c. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** `node bin/certctl.js <args>` as a shell command line. */
export function certctlCommand(args: string[]): string {
  return [process.execPath, BIN, ...args].map(shellQuote).join(" ");
}

/**
 * Starts `shellCommand` (run by sh) in a fresh tmux server. The pane stays after the program
 * exits (remain-on-exit) so its last screen and exit status can still be read.
 */
export function startTty(shellCommand: string, opts: TtyOptions = {}): TtySession {
  const dir = mkdtempSync(join(tmpdir(), "certctl-tty-"));
  const socket = join(dir, "tmux.sock");
  const rawFile = join(dir, "raw.log");
  const conf = join(dir, "tmux.conf");
  writeFileSync(conf, ["set -g remain-on-exit on", "set -g status off", "set -g history-limit 5000", ""].join("\n"));
  writeFileSync(rawFile, "");
  const channel = `go-${process.pid}-${++sessions}`;
  const env = cleanEnv({ ...opts.env });
  delete env.TMUX;
  const statusFile = join(dir, "status");
  // The window's own shell waits for the signal, runs the program and records its exit status
  // (tmux's #{pane_dead_status} is not always filled in when several servers run at once). The
  // trap keeps that shell alive through a Ctrl-C meant for the program; a trap with a command,
  // unlike an ignored signal, is reset to the default in the program itself.
  const script = `trap : INT; tmux -S ${shellQuote(socket)} wait-for ${channel}; ${shellCommand}; echo $? > ${shellQuote(statusFile)}`;
  const tmux = (...args: string[]): string =>
    execFileSync("tmux", ["-S", socket, "-f", conf, ...args], { env, encoding: "utf8", cwd: opts.cwd ?? process.cwd() });
  tmux("new-session", "-d", "-x", String(opts.width ?? 120), "-y", String(opts.height ?? 30), "-c", opts.cwd ?? process.cwd(), "sh", "-c", script);
  tmux("pipe-pane", "-o", `cat >> ${shellQuote(rawFile)}`);
  tmux("wait-for", "-S", channel);

  const session: TtySession = {
    raw: () => readFileSync(rawFile, "utf8"),
    // From the start of the history: tmux scrolls the screen by a line to announce a dead pane.
    screen: (o = {}) =>
      tmux("capture-pane", "-p", "-S", "-", ...(o.escapes ? ["-e"] : []))
        .replace(/^Pane is dead.*$/m, "")
        .replace(/\n+$/, "\n"),
    async waitFor(pattern, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? WAIT_DEADLINE_MS);
      for (;;) {
        const text = o.raw ? session.raw() : session.screen({ escapes: o.escapes === true });
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`terminal never showed ${String(pattern)}; screen:\n${session.screen()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async exitCode(timeoutMs = WAIT_DEADLINE_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = existsSync(statusFile) ? readFileSync(statusFile, "utf8").trim() : "";
        if (status !== "") return Number(status);
        if (Date.now() > deadline) throw new Error(`program still running after ${timeoutMs} ms; screen:\n${session.screen()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    sendKeys: (...keys) => void tmux("send-keys", ...keys),
    close() {
      spawnSync("tmux", ["-S", socket, "kill-server"], { stdio: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return session;
}

/** The escape sequences that set a colour (SGR with a 30–37/90–97 foreground). */
export const COLOR_SGR = /\x1b\[(?:\d+;)*(?:3[0-7]|9[0-7])(?:;\d+)*m/;
/** Any escape sequence at all. */
export const ANY_ESCAPE = /\x1b/;
