// Everything about the file set that can be known before a request is sent; nothing is touched.
// `issue` refuses to overwrite what exists (unless --force). `renew` may only replace what certctl
// itself installed — its links into this directory's `.certctl/live`, or a file whose content is
// the previous version's — because the paths come from certctl.json, which a renewal running as
// root must not let point it at, say, a service's configuration file.
import { accessSync, constants, lstatSync, readlinkSync } from "node:fs";
import { tryLstat, tryRead, tryReadlink, tryStat } from "./probe.js";
import { basename, dirname, join, resolve, sep } from "node:path";
import { FileError } from "../model/errors.js";
import { TEMP_TAG_LENGTH, fileError } from "./atomic.js";
import { liveVersion, stateDir } from "./live.js";
import { ROLES, completePaths, isManagedLink, liveFile, type FilePaths, type FileRole } from "./paths.js";

export interface PreflightOptions {
  force: boolean;
  writeKey: boolean;
  /** Where certctl's state goes: its folders' lengths and writability, and ca.pem's default path, are checked too. */
  outDir?: string;
  /**
   * Renewal: replace only certctl's own links into `outDir/.certctl/live` and files whose content
   * is the live version's; anything else is refused whatever `force` says.
   */
  allowManaged?: { outDir: string };
}

export async function preflightFileSet(paths: FilePaths, opts: PreflightOptions): Promise<void> {
  const outDir = opts.allowManaged?.outDir ?? opts.outDir;
  const all: FilePaths = outDir === undefined ? paths : completePaths(outDir, paths);
  const version = opts.allowManaged ? await liveVersion(opts.allowManaged.outDir) : undefined;
  assertPathLengths(all, outDir);
  // The files usually share one folder: each is checked once.
  const checked = new Set<string>();
  const writable = (dir: string) => {
    if (checked.has(dir)) return;
    assertWritableDirectory(dir);
    checked.add(dir);
  };
  if (outDir !== undefined) writable(outDir);
  for (const role of ROLES) {
    if (role === "key" && !opts.writeKey) continue;
    const path = all[role];
    if (path === undefined) continue;
    writable(dirname(path));
    const info = tryLstat(path);
    if (!info) continue;
    if (info.isDirectory()) throw new FileError(`${path} is a directory; expected a file path for the ${role}`);
    if (opts.allowManaged) {
      assertReplaceable(path, role, opts.allowManaged.outDir, version);
      continue;
    }
    if (opts.force) continue;
    if (info.isSymbolicLink() && role === "key") {
      const target = tryReadlink(path) ?? "?";
      throw new FileError(`refusing to replace ${path}: it is a symlink to ${target}, not a key certctl manages`, {
        hint: "Pass --force to replace the link itself (the file it points to is never written).",
      });
    }
    throw new FileError(`${path} already exists; certctl does not overwrite files without --force`, {
      hint: "Pass --force to replace the existing set, or choose another --out-dir.",
    });
  }
}

/** The renew preflight: only what certctl installed in `outDir` may be replaced. */
export async function preflightRenewal(outDir: string, paths: FilePaths, opts: { writeKey: boolean }): Promise<void> {
  await preflightFileSet(paths, { force: false, writeKey: opts.writeKey, allowManaged: { outDir } });
}

function assertReplaceable(path: string, role: FileRole, outDir: string, version: string | undefined): void {
  if (isManagedLink(path, outDir, role)) return;
  const info = lstatSync(path);
  let why: string;
  if (info.isSymbolicLink()) {
    why = `it is a symlink to ${resolve(dirname(path), readlinkSync(path))}, not certctl's link into ${join(stateDir(outDir), "live")}${sep}`;
  } else if (!info.isFile()) {
    why = "it is not a regular file";
  } else {
    const previous = version === undefined ? undefined : tryRead(join(version, basename(liveFile(outDir, role))));
    if (previous !== undefined && previous.equals(tryRead(path) ?? Buffer.alloc(0))) return;
    why = previous !== undefined ? `its content is not the previous ${role} certctl wrote`
      : version === undefined ? "there is no previous set in .certctl to compare it with" : `certctl's previous set has no ${role}, so certctl did not write it`;
  }
  throw new FileError(`refusing to replace ${path} (files.${role} in certctl.json): ${why}`, {
    hint: "A renewal replaces only the files certctl installed. Move that file away, or correct the path in certctl.json; nothing was changed.",
  });
}

function assertWritableDirectory(dir: string): void {
  let current = dir;
  for (;;) {
    const info = tryStat(current);
    if (info) {
      if (!info.isDirectory()) throw new FileError(`cannot write into ${dir}: ${current} is not a directory`);
      try {
        accessSync(current, constants.W_OK | constants.X_OK);
      } catch (error) {
        throw fileError("write into", current, error);
      }
      return;
    }
    const parent = dirname(current);
    if (parent === current) throw new FileError(`cannot write into ${dir}: no existing parent directory`);
    current = parent;
  }
}

// Linux's limits (NAME_MAX, PATH_MAX less the terminating NUL) for the filesystems certctl targets;
// found here rather than as ENAMETOOLONG after the CA has issued (and the certificate is lost).
const NAME_MAX = 255;
const PATH_MAX = 4095;
/** What certctl adds to a name it writes through a temporary file: `.<name>.tmp-<16 characters>` (atomic.ts). */
const TEMP_SUFFIX = ".x.tmp-".length + TEMP_TAG_LENGTH;

/** Every path certctl will create for this set, at its longest, within the filesystem's limits. */
export function assertPathLengths(paths: FilePaths, outDir: string | undefined): void {
  // [the path, the bytes certctl adds to its last part while writing it]
  const planned: [string, number][] = [];
  for (const path of Object.values(paths) as (string | undefined)[]) if (path !== undefined) planned.push([path, TEMP_SUFFIX]);
  if (outDir !== undefined) {
    const state = stateDir(outDir);
    planned.push(
      [join(outDir, "certctl.json"), TEMP_SUFFIX],
      [join(state, "versions", "0000-000000000", "fullchain.pem"), 0],
      [join(state, "pending", "00000000-0000-0000-0000-000000000000.key.pem"), TEMP_SUFFIX],
    );
  }
  for (const [path, extra] of planned) {
    const parts = path.split(sep);
    parts.forEach((part, index) => {
      const bytes = Buffer.byteLength(part) + (index === parts.length - 1 ? extra : 0);
      if (bytes <= NAME_MAX) return;
      throw new FileError(`cannot write ${path}: the name '${part.slice(0, 40)}…' is ${Buffer.byteLength(part)} bytes, over the ${NAME_MAX - (index === parts.length - 1 ? extra : 0)} the filesystem allows here`, {
        hint: "Choose a shorter --out-dir or file name; nothing was sent.",
      });
    });
    if (Buffer.byteLength(path) + extra > PATH_MAX) {
      throw new FileError(`cannot write ${path.slice(0, 60)}…: the path is ${Buffer.byteLength(path)} bytes, over what the filesystem allows (${PATH_MAX - extra})`, {
        hint: "Choose a shorter --out-dir; nothing was sent.",
      });
    }
  }
}
