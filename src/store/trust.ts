// Whom certctl believes. certctl.json names the server that `renew`, `status` and `revoke` send
// credentials to, and the paths they write (as root, from cron): a file that another user can
// write is a file that user controls. Like ssh with its config, certctl refuses certctl.json,
// its directory and `.certctl/` when they are writable by group or others, or owned by anyone
// but the invoking user or root — unless told to trust the directory's other writers.
import { statSync } from "node:fs";
import { join } from "node:path";
import { FileError } from "../model/errors.js";
import { fileError } from "./atomic.js";
import { tryLstat } from "./probe.js";
import { stateDir } from "./live.js";
import { METADATA_FILE } from "./metadata.js";

export interface TrustOptions {
  /** --trust-shared-dir: the directory's other writers (a group, another user) are trusted. */
  trustSharedDir?: boolean;
  /** The invoking user; process.geteuid() when absent (tests inject one). */
  uid?: number;
}

/**
 * Refuse (exit 7) a directory whose certctl.json, the directory itself or `.certctl/` could have
 * been written by someone other than the invoking user or root. Missing entries are not checked
 * (the caller reports a missing certctl.json); a `.certctl` that is a symlink is always refused.
 */
export async function checkDirectoryTrust(dir: string, opts: TrustOptions = {}): Promise<void> {
  const state = stateDir(dir);
  const stateInfo = tryLstat(state);
  if (stateInfo?.isSymbolicLink()) {
    throw new FileError(`refusing to use ${state}: it is a symlink, not a folder certctl made`, {
      hint: "Remove the link; certctl recreates its state folder on the next issue.",
    });
  }
  if (opts.trustSharedDir) return;
  const uid = opts.uid ?? process.geteuid?.();
  if (uid === undefined) return; // no owners to compare (Windows)
  for (const path of [join(dir, METADATA_FILE), dir, state]) {
    let info;
    try {
      info = statSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw fileError("check", path, error);
    }
    if (!info) continue;
    const problem =
      info.uid !== uid && info.uid !== 0 ? `it is owned by uid ${info.uid}, not by you (uid ${uid}) or root`
      : (info.mode & 0o022) !== 0 ? `it is writable by ${(info.mode & 0o020) !== 0 ? "its group" : ""}${(info.mode & 0o022) === 0o022 ? " and " : ""}${(info.mode & 0o002) !== 0 ? "others" : ""} (mode ${(info.mode & 0o777).toString(8).padStart(4, "0")})`
      : undefined;
    if (problem === undefined) continue;
    throw new FileError(`refusing to trust ${path}: ${problem}`, {
      hint: "Whoever can write it can choose the server certctl sends your credentials to and the files it replaces. " +
        `Fix it (chmod go-w ${path}; chown it to yourself), or pass --trust-shared-dir if everyone who can write it is trusted.`,
    });
  }
}
