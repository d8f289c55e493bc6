// The live version of a set, and what the previous set's files looked like. `live` is the one link
// every managed path goes through, so it is only ever followed into this directory's own
// `.certctl/versions/`: a `live` re-pointed elsewhere (by anyone who could write .certctl) would
// otherwise hand certctl someone else's key and certificate, or their owner and mode to copy.
import { lstatSync, readlinkSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { FileError } from "../model/errors.js";
import { fileError } from "./atomic.js";
import { tryLstat } from "./probe.js";

export const STATE_DIR = ".certctl";

export function stateDir(outDir: string): string {
  return join(outDir, STATE_DIR);
}

export function versionsDir(outDir: string): string {
  return join(stateDir(outDir), "versions");
}

/**
 * The version folder `live` points to, or undefined when there is no live set yet. Refuses a
 * `live` that is not a link into `.certctl/versions/` (one level down, a real folder), and a
 * `.certctl` or `versions` that is itself a link.
 */
export async function liveVersion(outDir: string): Promise<string | undefined> {
  const state = stateDir(outDir);
  const live = join(state, "live");
  let info;
  try {
    info = lstatSync(live);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" && (error as NodeJS.ErrnoException).code !== "ENOTDIR") throw fileError("read", live, error);
  }
  if (!info) return undefined;
  const refuse = (why: string) =>
    new FileError(`refusing to follow ${live}: ${why}`, {
      hint: `certctl only follows links into ${versionsDir(outDir)}${sep}. Remove ${live} and issue the set again (certctl issue --force) if you did not change it yourself.`,
    });
  if (!info.isSymbolicLink()) throw refuse("it is not a link into .certctl/versions/");
  for (const folder of [state, versionsDir(outDir)]) {
    const folderInfo = tryLstat(folder);
    if (!folderInfo?.isDirectory()) throw refuse(`${folder} is not a real directory`);
  }
  const target = resolve(state, readlinkSync(live));
  const rel = relative(versionsDir(outDir), target);
  if (rel === "" || rel.startsWith("..") || rel.includes(sep) || dirname(target) !== versionsDir(outDir)) {
    throw refuse(`it points to ${target}, outside ${versionsDir(outDir)}${sep}`);
  }
  const targetInfo = tryLstat(target);
  if (!targetInfo) return undefined; // a dangling live link: as if there were no set (the next install replaces it)
  if (!targetInfo.isDirectory()) throw refuse(`${target} is not a directory`);
  return target;
}

export interface FileAttributes {
  mode: number;
  uid: number;
  gid: number;
}

/** Mode, owner and group of each file of the live set, to carry over to the next one. */
export async function liveAttributes<R extends string>(outDir: string, roles: Readonly<Record<R, string>>): Promise<Partial<Record<R, FileAttributes>>> {
  const version = await liveVersion(outDir);
  const found: Partial<Record<R, FileAttributes>> = {};
  if (version === undefined) return found;
  for (const role of Object.keys(roles) as R[]) {
    const info = tryLstat(join(version, roles[role]));
    if (info?.isFile()) found[role] = { mode: info.mode & 0o777, uid: info.uid, gid: info.gid };
  }
  return found;
}
