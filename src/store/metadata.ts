// certctl.json: what `renew` and `status` need to act on a directory later. Never a secret
// or a key. Written last, so it only ever describes a set that is already in place.
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { CertificateAttributes, KeyAlgorithm, SignatureAlgorithm } from "../model/types.js";
import { FileError } from "../model/errors.js";
import { PUBLIC_MODE, fileError, writeFileAtomic } from "./atomic.js";
import type { FilePaths, WrittenFiles } from "./layout.js";

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
  files: { cert: string; chain: string; fullchain: string; key?: string };
  issuedAt: string;
  renewedAt?: string;
  previousCertificateId?: string;
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

export async function readMetadata(dir: string): Promise<CertctlMetadata | undefined> {
  const path = join(dir, METADATA_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
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
  const meta = data as Partial<CertctlMetadata>;
  const required = ["domain", "profileId", "mode", "certificateId", "files"] as const;
  const missing = required.filter((key) => meta[key] === undefined);
  if (typeof data !== "object" || data === null || meta.version !== 1 || missing.length > 0) {
    throw new FileError(`cannot read ${path}: not a certctl.json written by certctl issue` +
      (missing.length > 0 ? ` (missing ${missing.join(", ")})` : ""));
  }
  return meta as CertctlMetadata;
}

export async function writeMetadata(dir: string, meta: CertctlMetadata): Promise<void> {
  await writeFileAtomic(join(dir, METADATA_FILE), JSON.stringify(meta, null, 2) + "\n", PUBLIC_MODE);
}

/** File paths as stored in certctl.json: relative to `dir` when inside it. */
export function storedPaths(dir: string, files: WrittenFiles): CertctlMetadata["files"] {
  const rel = (path: string) => {
    const r = relative(dir, path);
    return r.startsWith("..") || isAbsolute(r) ? path : r;
  };
  const stored: CertctlMetadata["files"] = { cert: rel(files.cert), chain: rel(files.chain), fullchain: rel(files.fullchain) };
  if (files.key !== undefined) stored.key = rel(files.key);
  return stored;
}

/** The absolute paths of a directory's set, from its certctl.json. */
export function metadataPaths(dir: string, meta: Pick<CertctlMetadata, "files">): FilePaths {
  const abs = (path: string) => resolve(dir, path);
  return {
    cert: abs(meta.files.cert),
    chain: abs(meta.files.chain),
    fullchain: abs(meta.files.fullchain),
    key: abs(meta.files.key ?? "key.pem"),
  };
}
