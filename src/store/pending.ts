// State kept for a request that is still pending, so `certctl status` can finish the set
// later exactly as `issue` would have. The key is kept under .certctl/pending/ as
// <requestId>.key.pem (0600) — a name nobody can mistake for the live key.pem — and never
// replaces a live key before the matching certificate has arrived.
import { readFileSync } from "node:fs";
import { tryReaddir } from "./probe.js";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../model/errors.js";
import { KEY_MODE, PUBLIC_MODE, fileError, writeFileAtomic } from "./atomic.js";
import { makePendingDir } from "./dirs.js";
import { PENDING_SHAPE, assertMetadataShape } from "./schema.js";
import { stateDir } from "./live.js";
import type { CertctlMetadata } from "./metadata.js";

export type PendingRecord = Omit<CertctlMetadata, "certificateId" | "serialNumber" | "notBefore" | "notAfter" | "issuedAt"> & {
  createdAt: string;
  outDir: string;
  force: boolean;
  /** With --csr: the CSR's public key (base64 DER) the certificate must carry. */
  csrPublicKey?: string;
};

function pendingDir(outDir: string): string {
  return join(stateDir(outDir), "pending");
}

function pendingFiles(outDir: string, requestId: string): { record: string; key: string } {
  // The id becomes a file name: refuse anything that could climb out of the folder.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(requestId)) {
    throw new UsageError(`invalid certificate request id '${requestId}'; expected the id certctl printed (letters, digits, dashes)`);
  }
  const dir = pendingDir(outDir);
  return { record: join(dir, `${requestId}.json`), key: join(dir, `${requestId}.key.pem`) };
}

export async function savePending(outDir: string, requestId: string, record: PendingRecord, privateKeyPem?: string): Promise<void> {
  const files = pendingFiles(outDir, requestId);
  // .certctl 0755 and pending 0700 whatever the umask (dirs.ts); the out dir is the user's.
  await makePendingDir(outDir);
  // Key first: a record without its key would be useless, a key without a record is still recoverable.
  if (privateKeyPem !== undefined) await writeFileAtomic(files.key, privateKeyPem, KEY_MODE);
  await writeFileAtomic(files.record, JSON.stringify(record, null, 2) + "\n", PUBLIC_MODE);
}

export async function readPending(
  outDir: string,
  requestId: string,
): Promise<{ record: PendingRecord; privateKeyPem?: string } | undefined> {
  const files = pendingFiles(outDir, requestId);
  const text = readOptional(files.record);
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw fileError("read", files.record, new Error("not valid JSON"));
  }
  // Before any field is used: `status` and `renew` write where the record says.
  assertMetadataShape(files.record, data, PENDING_SHAPE);
  const record = data as PendingRecord;
  const privateKeyPem = readOptional(files.key);
  return privateKeyPem === undefined ? { record } : { record, privateKeyPem };
}

/** The request ids kept in a directory's pending folder (none when it does not exist). */
export async function listPending(outDir: string): Promise<string[]> {
  return (tryReaddir(pendingDir(outDir)) ?? []).filter((name) => name.endsWith(".json")).map((name) => name.slice(0, -".json".length));
}

export async function discardPending(outDir: string, requestId: string): Promise<void> {
  const files = pendingFiles(outDir, requestId);
  await rm(files.record, { force: true }).catch(() => undefined);
  await rm(files.key, { force: true }).catch(() => undefined);
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw fileError("read", path, error);
  }
}
