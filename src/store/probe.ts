// Looking without failing: a file's status, a link's target or a file's bytes, or undefined when
// they cannot be had (missing, a folder that cannot be searched, not a link). Synchronous, like
// the rest of the store's metadata calls (atomic.ts says why).
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from "node:fs";

function attempt<T>(look: () => T): T | undefined {
  try {
    return look();
  } catch {
    return undefined;
  }
}

/** stat (following links), or undefined. */
export const tryStat = (path: string): Stats | undefined => attempt(() => statSync(path));
/** lstat (the link itself), or undefined. */
export const tryLstat = (path: string): Stats | undefined => attempt(() => lstatSync(path));
export const tryReadlink = (path: string): string | undefined => attempt(() => readlinkSync(path));
export const tryRead = (path: string): Buffer | undefined => attempt(() => readFileSync(path));
/** A folder's entry names, or undefined. */
export const tryReaddir = (path: string): string[] | undefined => attempt(() => readdirSync(path));
export const tryRealpath = (path: string): string | undefined => attempt(() => realpathSync.native(path));
