// File primitives that never leave a half-written file: write to a temporary file in the
// target's own directory (same filesystem, so rename is atomic), flush, then rename.
//
// How the store calls node:fs. Looking (stat, readlink, access, readdir) and small reads and
// writes through an open descriptor are synchronous: ~4 µs of CPU each, where the promise form
// costs ~35 µs (a thread-pool round trip), and a renewal makes about a hundred of them per
// directory. Calls that change the directory tree or wait on the disk (create, rename, symlink,
// mkdir, rm, fsync) go through the thread pool: their kernel time (journal work, 0.1–0.3 ms each
// here) would otherwise stall every directory in flight, not only the one making them. They use
// node:fs's callback form on a descriptor, not fs/promises: a FileHandle and its promise cost the
// main thread ~60 µs an operation more, and a set is ~40 of them (installing a set measured 4.3 ms
// of main-thread CPU with FileHandles, 2.2 ms without).
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fchownSync, fstatSync, fsync, open, openSync, rename, rmSync, symlink, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FileError, fileError, fileReason } from "../model/errors.js";

/** A node:fs callback call as a promise (lighter than fs/promises: no FileHandle, no util.promisify). */
export function fsCall<T = void>(start: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

export const KEY_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

// Temporary names: `.<name>.tmp-` and 16 characters (preflight.ts counts them against the
// filesystem's limits): the process (4), a random part drawn once (6) and a counter (6). Unique
// per process and within it; a random draw per name cost ~25 µs, twice per directory.
export const TEMP_TAG_LENGTH = 16;
const TEMP_PREFIX = (process.pid % 36 ** 4).toString(36).padStart(4, "0") + randomBytes(3).toString("hex");
let tempCount = 0;

export function tempName(target: string): string {
  const count = (tempCount++ % 36 ** 6).toString(36).padStart(6, "0");
  return join(dirname(target), `.${basename(target)}.tmp-${TEMP_PREFIX}${count}`);
}

/**
 * Create `path` with `data` and `mode` from the first byte: exclusive create (never follows or
 * reuses an existing file), chmod on the open handle before writing so the umask cannot widen
 * or narrow the mode, then fsync.
 */
export async function writeNewFile(path: string, data: string | Buffer, mode: number, owner: FileOwner = {}): Promise<void> {
  // Created 0600 and widened only after the owner/group are set: a key meant for group ssl-cert
  // is never readable by the creator's own group in between.
  const fd = await fsCall<number>((done) => open(path, "wx", mode & KEY_MODE, done)).catch((error: unknown) => {
    throw fileError("create", path, error);
  });
  try {
    setOwner(fd, path, owner);
    fchmodSync(fd, mode);
    writeFileSync(fd, data, "utf8");
    await fsCall((done) => fsync(fd, done));
  } catch (error) {
    closeQuietly(fd);
    removeQuietly(path);
    throw fileError("write", path, error);
  }
  closeSync(fd);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the error being reported matters more
  }
}

/** rm -f, ignoring every failure: used only to clean up after an error that is being reported. */
export function removeQuietly(path: string, opts: { recursive?: boolean } = {}): void {
  try {
    rmSync(path, { force: true, recursive: opts.recursive === true });
  } catch {
    // the error being reported matters more than the leftover
  }
}

/** Numeric owner and group for a new file; an absent one stays the creating process's. */
export interface FileOwner {
  uid?: number;
  gid?: number;
}

function setOwner(fd: number, path: string, owner: FileOwner): void {
  if (owner.uid === undefined && owner.gid === undefined) return;
  const current = fstatSync(fd);
  const uid = owner.uid ?? current.uid;
  const gid = owner.gid ?? current.gid;
  if (uid === current.uid && gid === current.gid) return;
  try {
    fchownSync(fd, uid, gid);
  } catch (error) {
    const who = process.geteuid?.() ?? "?";
    throw new FileError(`cannot give ${path} owner ${uid} and group ${gid}: ${fileReason(error)} (certctl runs as uid ${who})`, {
      cause: error,
      hint: "Changing a file's owner needs root, and a group needs membership of it; run certctl as root, or change --owner/--group.",
    });
  }
}

/** Replace `path` atomically: readers see the old content or the new, never a mix. */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = tempName(path);
  await writeNewFile(temp, data, mode);
  try {
    await fsCall((done) => rename(temp, path, done));
  } catch (error) {
    removeQuietly(temp);
    throw fileError("replace", path, error);
  }
  await syncDirectory(dirname(path));
}

/** Point `path` at `target` with one rename, replacing whatever `path` was (never writing through it). */
export async function replaceWithSymlink(path: string, target: string): Promise<void> {
  const temp = tempName(path);
  try {
    await fsCall((done) => symlink(target, temp, done));
    await fsCall((done) => rename(temp, path, done));
  } catch (error) {
    removeQuietly(temp);
    throw fileError("link", path, error);
  }
}

/** fsync a directory so a rename in it survives a power cut (best effort: not every FS allows it). */
export async function syncDirectory(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, "r");
  } catch {
    return;
  }
  await fsCall((done) => fsync(fd, done)).catch(() => undefined);
  closeQuietly(fd);
}

// The one wording of file errors (model/errors.ts), re-exported for the store's modules.
export { fileError } from "../model/errors.js";
