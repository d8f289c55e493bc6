// Tests that need a tool the machine may lack (zsh, fish, tmux, jq, /proc) are skipped without
// it, and the run's output says why. vitest's default reporter lists a skipped test only when it
// was skipped with a note (ctx.skip(note)), so a name alone ("… (skipped: zsh not installed)")
// never reached the output: a missing tool also registers one test, where needs() is called,
// that skips with the reason, e.g. "↓ needs zsh [zsh not installed; .ci/run installs it]".
// .ci/run installs these tools, so on CI nothing is skipped.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { it } from "vitest";

export interface Need {
  /** True when the tool is missing: pass to it.skipIf / describe.skipIf. */
  readonly missing: boolean;
  /** " (skipped: … not installed)" when missing, "" otherwise: append to the test's name. */
  readonly why: string;
}

/** A command on PATH. */
export function needs(command: string): Need {
  const missing = spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status !== 0;
  return reported(`needs ${command}`, missing, `${command} not installed; .ci/run installs it`);
}

/** A file the kernel provides, e.g. /proc/self/cmdline (Linux only). */
export function needsFile(path: string, what: string): Need {
  return reported(`needs ${path}`, !existsSync(path), `no ${path}; ${what}`);
}

function reported(name: string, missing: boolean, reason: string): Need {
  if (missing) it(name, (ctx) => ctx.skip(`skipped: ${reason}`));
  return { missing, why: missing ? ` (skipped: ${reason})` : "" };
}
