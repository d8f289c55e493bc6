// File primitives that never leave a half-written file: write to a temporary file in the
// target's own directory (same filesystem, so rename is atomic), flush, then rename.
import { randomBytes } from "node:crypto";
import { open, rename, rm, symlink, type FileHandle } from "node:fs/promises";
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
  const handle = await open(path, "wx", mode & KEY_MODE).catch((error: unknown) => {
    throw fileError("create", path, error);
  });
  try {
    await setOwner(handle, path, owner);
    await handle.chmod(mode);
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true }).catch(() => undefined);
    throw fileError("write", path, error);
  }
  await handle.close();
}

/** Numeric owner and group for a new file; an absent one stays the creating process's. */
export interface FileOwner {
  uid?: number;
  gid?: number;
}

async function setOwner(handle: FileHandle, path: string, owner: FileOwner): Promise<void> {
  if (owner.uid === undefined && owner.gid === undefined) return;
  const current = await handle.stat();
  const uid = owner.uid ?? current.uid;
  const gid = owner.gid ?? current.gid;
  if (uid === current.uid && gid === current.gid) return;
  await handle.chown(uid, gid).catch((error: unknown) => {
    const who = process.geteuid?.() ?? "?";
    throw new FileError(`cannot give ${path} owner ${uid} and group ${gid}: ${fileReason(error)} (certctl runs as uid ${who})`, {
      cause: error,
      hint: "Changing a file's owner needs root, and a group needs membership of it; run certctl as root, or change --owner/--group.",
    });
  });
}

/** Replace `path` atomically: readers see the old content or the new, never a mix. */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = tempName(path);
  await writeNewFile(temp, data, mode);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileError("replace", path, error);
  }
  await syncDirectory(dirname(path));
}

/** Point `path` at `target` with one rename, replacing whatever `path` was (never writing through it). */
export async function replaceWithSymlink(path: string, target: string): Promise<void> {
  const temp = tempName(path);
  try {
    await symlink(target, temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileError("link", path, error);
  }
}

/** fsync a directory so a rename in it survives a power cut (best effort: not every FS allows it). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}

// The one wording of file errors (model/errors.ts), re-exported for the store's modules.
export { fileError } from "../model/errors.js";
