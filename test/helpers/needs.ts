// Tests that need a tool the machine may lack (zsh, fish, tmux, jq, /proc) are skipped without
// it, and say so in their name: a skip in the report reads "(skipped: zsh not installed)", not
// just a grey arrow. .ci/run installs these tools, so on CI nothing is skipped.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

export interface Need {
  /** True when the tool is missing: pass to it.skipIf / describe.skipIf. */
  readonly missing: boolean;
  /** " (skipped: … not installed)" when missing, "" otherwise: append to the test's name. */
  readonly why: string;
}

/** A command on PATH. */
export function needs(command: string): Need {
  const missing = spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status !== 0;
  return { missing, why: missing ? ` (skipped: ${command} not installed; .ci/run installs it)` : "" };
}

/** A file the kernel provides, e.g. /proc/self/cmdline (Linux only). */
export function needsFile(path: string, what: string): Need {
  const missing = !existsSync(path);
  return { missing, why: missing ? ` (skipped: no ${path}; ${what})` : "" };
}
