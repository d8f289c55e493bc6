// Where each file of a set goes, and how certctl recognises the links it installed itself.
import { tryReadlink } from "./probe.js";
import { dirname, join, resolve } from "node:path";
import { stateDir } from "./live.js";

export interface FilePaths {
  cert: string;
  chain: string;
  fullchain: string;
  key: string;
  /** The self-signed root; `ca.pem` in the out dir when absent. */
  ca?: string;
  /** The optional formats (--p12, --der, --combined-file): written only when a path is set. */
  p12?: string;
  der?: string;
  combined?: string;
}
export type FileRole = keyof FilePaths;
export const ROLES: readonly FileRole[] = ["cert", "chain", "fullchain", "ca", "key", "p12", "der", "combined"];
/** The roles that carry the private key: written with key.pem's mode, owner and group. */
export const KEY_ROLES: readonly FileRole[] = ["key", "p12", "combined"];
/** Each role's name inside a version folder (and so behind `.certctl/live/`). */
export const ROLE_FILE: Readonly<Record<FileRole, string>> = {
  cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", ca: "ca.pem", key: "key.pem",
  p12: "cert.p12", der: "cert.der", combined: "combined.pem",
};

export function resolveFilePaths(cwd: string, outDir: string, overrides: Partial<FilePaths>): FilePaths {
  const dir = resolve(cwd, outDir);
  const pick = (role: FileRole) => resolve(overrides[role] === undefined ? dir : cwd, overrides[role] ?? `${role}.pem`);
  const paths: FilePaths = { cert: pick("cert"), chain: pick("chain"), fullchain: pick("fullchain"), key: pick("key") };
  // ca only when overridden: absent, it is ca.pem in the out dir (completePaths), and callers that
  // count the four classic paths keep working.
  if (overrides.ca !== undefined) paths.ca = pick("ca");
  return paths;
}

/** Every role's path, the root's defaulting to ca.pem beside certctl's state. */
export function completePaths(outDir: string, paths: FilePaths): FilePaths & { ca: string } {
  return { ...paths, ca: paths.ca ?? join(outDir, "ca.pem") };
}

/** `.certctl/live/<role>.pem`: where every stable path of a managed set links to. */
export function liveFile(outDir: string, role: FileRole): string {
  return join(stateDir(outDir), "live", ROLE_FILE[role]);
}

/** Whether `path` is certctl's own link into this directory's live set. */
export function isManagedLink(path: string, outDir: string, role: FileRole): boolean {
  const target = tryReadlink(path);
  return target !== undefined && resolve(dirname(path), target) === liveFile(outDir, role);
}
