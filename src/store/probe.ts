// Looking without failing: a file's status, a link's target or a file's bytes, or undefined when
// they cannot be had (missing, a folder that cannot be searched, not a link). Synchronous, like
// the rest of the store's metadata calls (atomic.ts says why).
import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync, type Dirent, type Stats } from "node:fs";

function attempt<T>(look: () => T): T | undefined {
  try {
    return look();
  } catch {
    return undefined;
  }
}

// A missing file is answered without an exception (~3 µs, where building the ENOENT error is ~15).
/** stat (following links), or undefined. */
export const tryStat = (path: string): Stats | undefined => attempt(() => statSync(path, { throwIfNoEntry: false }));
/** lstat (the link itself), or undefined. */
export const tryLstat = (path: string): Stats | undefined => attempt(() => lstatSync(path, { throwIfNoEntry: false }));
export const tryReadlink = (path: string): string | undefined => attempt(() => readlinkSync(path));
export const tryRead = (path: string): Buffer | undefined => attempt(() => readFileSync(path));
/** A folder's entry names, or undefined. */
export const tryReaddir = (path: string): string[] | undefined => attempt(() => readdirSync(path));
/** A folder's entries with their types (no stat of each), or undefined. */
export const tryReaddirEntries = (path: string): Dirent[] | undefined => attempt(() => readdirSync(path, { withFileTypes: true }));
