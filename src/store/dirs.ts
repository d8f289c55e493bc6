// certctl's own folders get explicit modes, never the umask's: under `umask 000` a `.certctl/`
// created 0777 would let any local user re-point `live` at a key and certificate of their own.
//   .certctl/, versions/, each version: 0755 — services read certificates through them (the key
//   is protected by its own mode);  pending/: 0700 — it holds keys waiting for their certificate.
// The out dir and its parents are the user's: created 0755 at most (a umask may narrow that).
import { chmodSync, lstatSync, type Stats } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { FileError } from "../model/errors.js";
import { fileError } from "./atomic.js";
import { stateDir, versionsDir } from "./live.js";
import { tryLstat, tryStat } from "./probe.js";

export const STATE_DIR_MODE = 0o755;
export const PENDING_DIR_MODE = 0o700;
/** The most a folder certctl creates for the user may allow; the umask can only narrow it. */
const USER_DIR_MODE = 0o755;

/** Create `dir` and missing parents (0755 at most). Returns the first folder it created, if any. */
export async function makeUserDir(dir: string): Promise<string | undefined> {
  // Nearly always there already: a look costs ~5 µs, a mkdir through the thread pool ~40.
  if (tryStat(dir)?.isDirectory()) return undefined;
  try {
    return await mkdir(dir, { recursive: true, mode: USER_DIR_MODE });
  } catch (error) {
    throw fileError("create", dir, error);
  }
}

/**
 * Create one of certctl's own folders with exactly `mode`, or accept it when it is already a real
 * folder. A link in its place is refused: following it would put keys wherever it points.
 */
export async function makeOwnDir(dir: string, mode: number): Promise<boolean> {
  const existing = tryLstat(dir);
  if (existing) return acceptExisting(dir, existing);
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw fileError("create", dir, error);
    return acceptExisting(dir, lstatSync(dir));
  }
  // mkdir's mode went through the umask; set it exactly.
  try {
    chmodSync(dir, mode);
  } catch (error) {
    throw fileError("set the mode of", dir, error);
  }
  return true;
}

function acceptExisting(dir: string, info: Stats): false {
  if (!info.isDirectory()) throw new FileError(`refusing to use ${dir}: it is ${info.isSymbolicLink() ? "a symlink" : "not a directory"}, not a folder certctl made`);
  return false;
}

/** `<outDir>/.certctl`, creating the out dir too when needed. */
export async function makeStateDir(outDir: string): Promise<void> {
  await makeUserDir(outDir);
  await makeOwnDir(stateDir(outDir), STATE_DIR_MODE);
}

export async function makeVersionsDir(outDir: string): Promise<string> {
  await makeStateDir(outDir);
  await makeOwnDir(versionsDir(outDir), STATE_DIR_MODE);
  return versionsDir(outDir);
}

export async function makePendingDir(outDir: string): Promise<string> {
  await makeStateDir(outDir);
  const dir = join(stateDir(outDir), "pending");
  await makeOwnDir(dir, PENDING_DIR_MODE);
  return dir;
}
