// The file set on disk. Users configure stable paths (cert.pem, key.pem, …); each is a
// symlink into `.certctl/live/`, and `live` is itself a symlink to one complete version
// folder. Replacing a set is one rename of `live`, so a crash or `kill -9` at any moment
// leaves either the whole old set or the whole new one, never a new key beside an old
// certificate — which separate renames of separate files cannot promise.
//
//   out/cert.pem -> .certctl/live/cert.pem        out/.certctl/live -> versions/0002-…
//   out/key.pem  -> .certctl/live/key.pem         out/.certctl/versions/0001-…/{cert,chain,fullchain,ca,key}.pem
//   (and cert.p12, cert.der, combined.pem when those formats were asked for: swapped with the rest)
import { rmdir, unlink } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { FileError } from "../model/errors.js";
import { KEY_MODE, PUBLIC_MODE, fsCall, removeQuietly, replaceWithSymlink, syncDirectory, writeNewFile, type FileOwner } from "./atomic.js";
import { makeOwnDir, makeUserDir, makeVersionsDir, STATE_DIR_MODE } from "./dirs.js";
import { STATE_DIR, liveAttributes, stateDir, type FileAttributes } from "./live.js";
import { KEY_ROLES, ROLES, ROLE_FILE, completePaths, isManagedLink, liveFile, type FilePaths, type FileRole } from "./paths.js";
import { tryReaddir, tryReaddirEntries } from "./probe.js";
import { splitSelfSignedRoot } from "./roots.js";

// The store's public face: callers import paths and the preflight from here.
export { resolveFilePaths, completePaths, type FilePaths, type FileRole } from "./paths.js";
export { preflightFileSet, preflightRenewal, type PreflightOptions } from "./preflight.js";

export interface PemSet {
  certificate: string;
  /**
   * The issuing chain, leaf excluded. A trailing self-signed root is split off into ca.pem (see
   * roots.ts) unless `root` is given, in which case the chain is taken as the intermediates.
   */
  chain: string;
  /** The self-signed root, when the caller has already split it off the chain. */
  root?: string;
  /** Absent when the user brought their own CSR: no key.pem is written. Already encrypted when asked for. */
  privateKey?: string;
  /** The optional formats, rendered by core/formats; each is written only when its path is set too. */
  formats?: FormatFiles;
}

export interface FormatFiles {
  p12?: Buffer;
  der?: Buffer;
  /** key + leaf + chain. */
  combined?: string;
}

export interface WrittenFiles {
  cert: string;
  chain: string;
  fullchain: string;
  /** Only when the server returned a self-signed root. */
  ca?: string;
  key?: string;
  p12?: string;
  der?: string;
  combined?: string;
}

export { STATE_DIR, stateDir };
/** How many complete versions to keep for a manual rollback. */
const VERSIONS_KEPT = 3;

/**
 * The bytes of each file: chain is the intermediates, fullchain the leaf followed by them, ca the
 * self-signed root when there is one — never in chain or fullchain, which a TLS server sends.
 */
export function renderFiles(pems: PemSet): Partial<Record<FileRole, string | Buffer>> {
  const split = pems.root === undefined ? splitSelfSignedRoot(pems.chain) : { intermediates: pems.chain, root: pems.root };
  const certificate = ensureNewline(pems.certificate.trim());
  const chain = split.intermediates.trim() === "" ? "" : ensureNewline(split.intermediates.trim());
  const files: Partial<Record<FileRole, string | Buffer>> = { cert: certificate, chain, fullchain: certificate + chain };
  if (split.root !== undefined && split.root.trim() !== "") files.ca = ensureNewline(split.root.trim());
  if (pems.privateKey !== undefined) files.key = ensureNewline(pems.privateKey.trim());
  if (pems.formats?.p12 !== undefined) files.p12 = pems.formats.p12;
  if (pems.formats?.der !== undefined) files.der = pems.formats.der;
  if (pems.formats?.combined !== undefined) files.combined = pems.formats.combined;
  return files;
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") ? text : text + "\n";
}

export interface InstallOptions {
  /** Called between steps; tests use it to kill the process at each point of the swap. */
  onStep?: (step: "version-written" | "live-swapped" | "links-installed") => void;
  /**
   * key.pem's mode, and every file's numeric owner and group (--key-mode/--owner/--group, or as
   * recorded in certctl.json). Each wins over the previous set's; absent, the previous set's
   * mode, owner and group are kept (a key chgrp'd to ssl-cert and chmod 0640 stays so), and a
   * first set gets 0600/0644 and the running user.
   */
  keyMode?: number;
  owner?: number;
  group?: number;
}

/** Write a complete, already-verified set as a new version and make it live with one rename. */
export async function installFileSet(outDir: string, paths: FilePaths, pems: PemSet, opts: InstallOptions = {}): Promise<WrittenFiles> {
  const state = stateDir(outDir);
  const files = renderFiles(pems);
  // Read (and check) the live set before anything is created: a `live` pointing outside
  // .certctl/versions is refused here, with nothing written. Only the files this set has matter.
  const writing = Object.fromEntries(ROLES.filter((role) => files[role] !== undefined).map((role) => [role, ROLE_FILE[role]]));
  const previous: Partial<Record<FileRole, FileAttributes>> = await liveAttributes(outDir, writing);
  const versions = await makeVersionsDir(outDir);
  const all = completePaths(outDir, paths);
  const version = await createVersionDir(versions);
  try {
    for (const role of ROLES) {
      const data = files[role];
      if (data === undefined) continue;
      // A format holding the key (p12, combined PEM) follows key.pem: its mode, its previous mode, 0600.
      const holdsKey = KEY_ROLES.includes(role);
      if (all[role] === undefined) continue; // a format nobody asked for
      const before = previous[role];
      const mode = (holdsKey ? opts.keyMode : undefined) ?? before?.mode ?? (holdsKey ? KEY_MODE : PUBLIC_MODE);
      const owner: FileOwner = {};
      const uid = opts.owner ?? before?.uid;
      const gid = opts.group ?? before?.gid;
      if (uid !== undefined) owner.uid = uid;
      if (gid !== undefined) owner.gid = gid;
      const inVersion = join(version, ROLE_FILE[role]);
      await writeNewFile(inVersion, data, mode, owner).catch((error: unknown) => {
        throw error instanceof FileError ? new FileError(error.message.replace(inVersion, all[role] ?? inVersion), { cause: error, ...(error.hint ? { hint: error.hint } : {}) }) : error;
      });
    }
    await syncDirectory(version);
  } catch (error) {
    removeQuietly(version, { recursive: true });
    throw error;
  }
  opts.onStep?.("version-written");

  await replaceWithSymlink(join(state, "live"), relative(state, version));
  await syncDirectory(state);
  opts.onStep?.("live-swapped");

  const written: WrittenFiles = { cert: paths.cert, chain: paths.chain, fullchain: paths.fullchain };
  if (files.ca !== undefined) written.ca = all.ca;
  if (files.key !== undefined) written.key = paths.key;
  for (const role of ["p12", "der", "combined"] as const) {
    const path = all[role];
    if (files[role] !== undefined && path !== undefined) written[role] = path;
  }
  for (const role of ROLES) {
    const link = all[role];
    if (link === undefined) continue;
    if (files[role] === undefined) {
      // A root that the new set does not have (--remove-roots-from-chain): our old link would dangle.
      if (role === "ca" && isManagedLink(link, outDir, role)) await rm(link, { force: true }).catch(() => undefined);
      continue;
    }
    if (isManagedLink(link, outDir, role)) continue;
    await makeUserDir(dirname(link));
    await replaceWithSymlink(link, relative(dirname(link), liveFile(outDir, role)));
    await syncDirectory(dirname(link));
  }
  opts.onStep?.("links-installed");
  await pruneVersions(versions, version);
  return written;
}

async function createVersionDir(versions: string): Promise<string> {
  const names = tryReaddir(versions) ?? [];
  const highest = names.reduce((max, name) => Math.max(max, Number.parseInt(name, 10) || 0), 0);
  for (let next = highest + 1; ; next++) {
    const dir = join(versions, `${String(next).padStart(4, "0")}-${Date.now().toString(36)}`);
    if (await makeOwnDir(dir, STATE_DIR_MODE)) return dir;
  }
}

/** `live` is the folder just made live, in `versions` (a real folder: liveVersion refuses a link). */
async function pruneVersions(versions: string, live: string): Promise<void> {
  const entries = (tryReaddirEntries(versions) ?? []).filter((entry) => /^\d+-/.test(entry.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries.slice(0, Math.max(0, entries.length - VERSIONS_KEPT))) {
    if (entry.name === basename(live)) continue;
    const path = join(versions, entry.name);
    // Not a folder certctl made (a link, a file): removed itself, never followed.
    if (!entry.isDirectory()) await rm(path, { force: true }).catch(() => undefined);
    else await removeVersion(path);
  }
}

/**
 * An old version folder: its files, then the folder (two steps on the thread pool, where rm -r
 * looks at each file on it first). Anything else in it (a folder) goes through rm -r.
 */
async function removeVersion(dir: string): Promise<void> {
  const entries = tryReaddirEntries(dir);
  if (entries === undefined) return;
  if (entries.some((entry) => entry.isDirectory())) {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    return;
  }
  await Promise.all(entries.map((entry) => fsCall((done) => unlink(join(dir, entry.name), done)).catch(() => undefined)));
  await fsCall((done) => rmdir(dir, done)).catch(() => rm(dir, { recursive: true, force: true }).catch(() => undefined));
}
