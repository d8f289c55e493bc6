// File primitives that never leave a half-written file: write to a temporary file in the
// target's own directory (same filesystem, so rename is atomic), flush, then rename.
//
// The store calls node:fs synchronously except for fsync. Its files are small and local, and a
// synchronous call costs ~4 µs of CPU where the promise form costs ~35 µs (a thread-pool round
// trip); a renewal makes about a hundred such calls per directory, so a 40-directory fleet run
// spent ~150 ms of its main thread on them. fsync is the one call that waits on the disk, so it
// stays off the main thread and the directories in flight flush in parallel.
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fchownSync, fstatSync, fsync, openSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import { FileError, fileError, fileReason } from "../model/errors.js";

export const KEY_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

export function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString("hex")}`);
}

/**
 * Create `path` with `data` and `mode` from the first byte: exclusive create (never follows or
 * reuses an existing file), chmod on the open handle before writing so the umask cannot widen
 * or narrow the mode, then fsync.
 */
export async function writeNewFile(path: string, data: string | Buffer, mode: number, owner: FileOwner = {}): Promise<void> {
  // Created 0600 and widened only after the owner/group are set: a key meant for group ssl-cert
  // is never readable by the creator's own group in between.
  let fd: number;
  try {
    fd = openSync(path, "wx", mode & KEY_MODE);
  } catch (error) {
    throw fileError("create", path, error);
  }
  try {
    setOwner(fd, path, owner);
    fchmodSync(fd, mode);
    writeFileSync(fd, data, "utf8");
    await flush(fd);
  } catch (error) {
    closeQuietly(fd);
    removeQuietly(path);
    throw fileError("write", path, error);
  }
  closeSync(fd);
}

/** fsync on the thread pool: the one store call that waits on the disk. */
export const flush: (fd: number) => Promise<void> = promisify(fsync);

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed or never usable: nothing to release
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
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw fileError("replace", path, error);
  }
  await syncDirectory(dirname(path));
}

/** Point `path` at `target` with one rename, replacing whatever `path` was (never writing through it). */
export function replaceWithSymlink(path: string, target: string): void {
  const temp = tempName(path);
  try {
    symlinkSync(target, temp);
    renameSync(temp, path);
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
  await flush(fd).catch(() => undefined);
  closeQuietly(fd);
}

// The one wording of file errors (model/errors.ts), re-exported for the store's modules.
export { fileError } from "../model/errors.js";
