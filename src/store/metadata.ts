// certctl.json: what `renew` and `status` need to act on a directory later. Never a secret
// or a key. Written last, so it only ever describes a set that is already in place.
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { CertificateAttributes, KeyAlgorithm, SignatureAlgorithm } from "../model/types.js";
import { FileError } from "../model/errors.js";
import { PUBLIC_MODE, fileError, writeFileAtomic } from "./atomic.js";
import { assertMetadataShape } from "./schema.js";
import type { FilePaths, InstallOptions, WrittenFiles } from "./layout.js";

export const METADATA_FILE = "certctl.json";

export type IssueMode = "local-key" | "csr" | "server-keygen";

export interface CertctlMetadata {
  version: 1;
  /** The API root the certificate came from (…/api). */
  domain: string;
  profileId: string;
  /** The profile as the user gave it (slug or id). */
  profile?: string;
  projectId?: string;
  applicationId?: string;
  mode: IssueMode;
  keyAlgorithm?: KeyAlgorithm;
  signatureAlgorithm?: SignatureAlgorithm;
  /** What was asked for (subject, SANs, usages, ttl…), so a renewal can ask again. */
  attributes: CertificateAttributes;
  removeRootsFromChain: boolean;
  certificateId: string;
  certificateRequestId: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Paths relative to the directory holding certctl.json when inside it, absolute otherwise. */
  files: { cert: string; chain: string; fullchain: string; ca?: string; key?: string; p12?: string; der?: string; combined?: string };
  /** The optional formats and where their passwords come from (a file path or a variable name, never a password). */
  formats?: FormatOptions;
  issuedAt: string;
  renewedAt?: string;
  previousCertificateId?: string;
  /** --key-mode (octal text, "0640"), --owner and --group (numeric ids) as given; applied on every write. */
  permissions?: FilePermissions;
  /** How this certificate followed previousCertificateId: the server's renewal, or a fresh issue after a refusal. */
  lineage?: "renewed" | "reissued";
  /** With --csr: the submitted CSR (public), resubmitted by `renew`. */
  csr?: string;
  /** A shell command `renew` runs after replacing this directory's set (unless --deploy-hook is given). */
  deployHook?: string;
  /** Set by `certctl revoke`; `renew` then treats the certificate as due. */
  revokedAt?: string;
  revocationReason?: string;
}

/** Where a password is read from on every write: a file, an environment variable, or none (asked for explicitly). */
export type PasswordSource = { file: string } | { env: string } | { empty: true };

export interface FormatOptions {
  /** --p12: PKCS#12 at files.p12. */
  p12?: { password: PasswordSource; legacy?: boolean; friendlyName?: string };
  /** --der: the leaf in DER at files.der. */
  der?: Record<string, never>;
  /** --combined-file: key + leaf + chain at files.combined. */
  combined?: Record<string, never>;
  /** --key-password-file: key.pem is an encrypted PKCS#8. */
  encryptedKey?: { password: PasswordSource };
}

export interface FilePermissions {
  keyMode?: string;
  owner?: number;
  group?: number;
}

/** The recorded permissions as installFileSet's options. */
export function permissionOptions(meta: { permissions?: FilePermissions | undefined }): Pick<InstallOptions, "keyMode" | "owner" | "group"> {
  const recorded = meta.permissions ?? {};
  const options: Pick<InstallOptions, "keyMode" | "owner" | "group"> = {};
  if (recorded.keyMode !== undefined) options.keyMode = Number.parseInt(recorded.keyMode, 8);
  if (recorded.owner !== undefined) options.owner = recorded.owner;
  if (recorded.group !== undefined) options.group = recorded.group;
  return options;
}

/** installFileSet's permission options as certctl.json records them; undefined when none is set. */
export function recordedPermissions(options: Pick<InstallOptions, "keyMode" | "owner" | "group">): FilePermissions | undefined {
  const recorded: FilePermissions = {};
  if (options.keyMode !== undefined) recorded.keyMode = "0" + options.keyMode.toString(8).padStart(3, "0");
  if (options.owner !== undefined) recorded.owner = options.owner;
  if (options.group !== undefined) recorded.group = options.group;
  return Object.keys(recorded).length > 0 ? recorded : undefined;
}

export async function readMetadata(dir: string): Promise<CertctlMetadata | undefined> {
  const path = join(dir, METADATA_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw fileError("read", path, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new FileError(`cannot read ${path}: not valid JSON`);
  }
  if (typeof data !== "object" || data === null || (data as { version?: unknown }).version !== 1) {
    throw new FileError(`cannot read ${path}: not a certctl.json written by certctl issue`);
  }
  // Before any field is used: a wrong-typed field is exit 7 naming it, before anything is sent.
  assertMetadataShape(path, data);
  return data as CertctlMetadata;
}

/**
 * Written whole, atomically, ending in a newline. keyAlgorithm and signatureAlgorithm are kept at
 * the top only when they say something attributes do not (a --csr set's key); files written
 * before that rule, with both, still read.
 */
export async function writeMetadata(dir: string, meta: CertctlMetadata): Promise<void> {
  const stored: CertctlMetadata = { ...meta };
  if (stored.keyAlgorithm !== undefined && stored.keyAlgorithm === meta.attributes.keyAlgorithm) delete stored.keyAlgorithm;
  if (stored.signatureAlgorithm !== undefined && stored.signatureAlgorithm === meta.attributes.signatureAlgorithm) delete stored.signatureAlgorithm;
  await writeFileAtomic(join(dir, METADATA_FILE), JSON.stringify(stored, null, 2) + "\n", PUBLIC_MODE);
}

/** File paths as stored in certctl.json: relative to `dir` when inside it. */
export function storedPaths(dir: string, files: WrittenFiles): CertctlMetadata["files"] {
  const rel = (path: string) => {
    const r = relative(dir, path);
    return r.startsWith("..") || isAbsolute(r) ? path : r;
  };
  const stored: CertctlMetadata["files"] = { cert: rel(files.cert), chain: rel(files.chain), fullchain: rel(files.fullchain) };
  if (files.ca !== undefined) stored.ca = rel(files.ca);
  if (files.key !== undefined) stored.key = rel(files.key);
  for (const role of ["p12", "der", "combined"] as const) {
    const path = files[role];
    if (path !== undefined) stored[role] = rel(path);
  }
  return stored;
}

/** The absolute paths of a directory's set, from its certctl.json. */
export function metadataPaths(dir: string, meta: Pick<CertctlMetadata, "files">): FilePaths {
  const abs = (path: string) => resolve(dir, path);
  const paths: FilePaths = {
    cert: abs(meta.files.cert),
    chain: abs(meta.files.chain),
    fullchain: abs(meta.files.fullchain),
    key: abs(meta.files.key ?? "key.pem"),
    ca: abs(meta.files.ca ?? "ca.pem"),
  };
  for (const role of ["p12", "der", "combined"] as const) {
    const path = meta.files[role];
    if (path !== undefined) paths[role] = abs(path);
  }
  return paths;
}
