// `apply`'s reinstall: an entry whose formats changed (a p12 added, a password file moved, DER
// dropped…) but whose certificate still satisfies it gets its set rewritten from the certificate,
// chain and key already on disk — nothing is sent, no new certificate is made (certbot's
// `reinstall`). The same renderFormats and installFileSet as issue/renew, under the directory's
// lock, so the formats are swapped with the rest of the set; certctl.json is written last.
import { createPrivateKey } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { FileError, UsageError, fileError } from "../../model/errors.js";
import { installFileSet } from "../../store/layout.js";
import { acquireDirectoryLock } from "../../store/lock.js";
import { isManagedLink, type FilePaths } from "../../store/paths.js";
import { preflightRenewal } from "../../store/preflight.js";
import { metadataPaths, permissionOptions, readMetadata, storedPaths, writeMetadata, type CertctlMetadata, type FormatOptions } from "../../store/metadata.js";
import { readFormatPasswords, readPassword } from "../formats/passwords.js";
import { renderFormats } from "../formats/render.js";
import type { WrittenFiles } from "../../store/layout.js";
import type { ApplyEntry } from "./entry.js";

const FORMAT_ROLES = ["p12", "der", "combined"] as const;

export interface Reinstalled {
  files: WrittenFiles;
  meta: CertctlMetadata;
}

/** Rewrite the entry's set with the entry's formats from what is on disk. Throws when the set changed meanwhile or cannot be read. */
export async function reinstallFormats(entry: ApplyEntry, expectedCertificateId: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<Reinstalled> {
  const lock = await acquireDirectoryLock(entry.dir, { waitMs: 0, signal });
  if (!lock) throw new FileError(`another certctl run holds the lock on ${entry.dir}; its formats were left as they are`);
  try {
    const meta = await readMetadata(entry.dir);
    if (!meta || meta.certificateId !== expectedCertificateId) {
      throw new FileError(`${entry.dir} changed while apply ran (another certctl run); run apply again`);
    }
    const oldPaths = metadataPaths(entry.dir, meta);
    await preflightRenewal(entry.dir, oldPaths, { writeKey: meta.mode !== "csr" });
    const wanted = entry.params.formats;
    if (meta.mode === "csr" && (wanted?.p12 ?? wanted?.combined ?? wanted?.encryptedKey) !== undefined) {
      throw new UsageError(`${entry.dir} holds no private key (its certificate came without one): a PKCS#12, combined PEM or encrypted key cannot be written; nothing was changed`);
    }
    // Every password first: a missing one is refused before anything is written.
    const passwords = await readFormatPasswords(wanted, env);
    const certificatePem = await readText(oldPaths.cert);
    const intermediates = await readText(oldPaths.chain);
    const root = meta.files.ca !== undefined && oldPaths.ca !== undefined ? await readText(oldPaths.ca) : undefined;
    const keyPem = meta.mode === "csr" ? undefined : await plainKey(oldPaths.key, meta.formats, env);
    const rendered = await renderFormats({
      formats: wanted ?? {}, attributes: meta.attributes, certificatePem, chainPem: [intermediates, root ?? ""].join("\n"), privateKeyPem: keyPem, passwords,
    });
    const paths: FilePaths = { ...oldPaths };
    for (const role of FORMAT_ROLES) {
      delete paths[role];
      if (wanted?.[role] !== undefined && entry.params.files[role] !== undefined) paths[role] = entry.params.files[role];
    }
    const files = await installFileSet(entry.dir, paths, {
      certificate: certificatePem, chain: intermediates, ...(root !== undefined ? { root } : {}),
      ...(rendered.privateKey !== undefined ? { privateKey: rendered.privateKey } : {}), formats: rendered.files,
    }, permissionOptions(meta));
    const next: CertctlMetadata = { ...meta, files: storedPaths(entry.dir, files) };
    if (wanted !== undefined) next.formats = wanted;
    else delete next.formats;
    await writeMetadata(entry.dir, next);
    await dropFormatLinks(entry.dir, oldPaths, paths);
    return { files, meta: next };
  } finally {
    await lock.release();
  }
}

/**
 * After a set was installed without a format the previous one had: its link (ours, into
 * .certctl/live) would point at nothing once the new set is live, so it goes. A file that is
 * not certctl's link is left alone.
 */
export async function dropFormatLinks(dir: string, before: Partial<FilePaths>, after: Partial<FilePaths>): Promise<void> {
  for (const role of FORMAT_ROLES) {
    const old = before[role];
    if (old === undefined || old === after[role]) continue;
    if (await isManagedLink(old, dir, role)) await rm(old, { force: true }).catch(() => undefined);
  }
}

async function readText(path: string): Promise<string> {
  return readFile(path, "utf8").catch((error: unknown) => {
    throw fileError("read", path, error);
  });
}

/** key.pem as unencrypted PKCS#8 PEM, opened with the password certctl.json says it was written with. */
async function plainKey(path: string, recorded: FormatOptions | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const text = await readText(path);
  const passphrase = recorded?.encryptedKey ? await readPassword(recorded.encryptedKey.password, "formats.encrypted-key.password-file", env) : undefined;
  try {
    return createPrivateKey({ key: text, format: "pem", ...(passphrase !== undefined ? { passphrase } : {}) }).export({ type: "pkcs8", format: "pem" }).toString();
  } catch {
    throw new UsageError(`${path} cannot be opened${passphrase !== undefined ? " with the password certctl.json names for it" : ""}; its formats were left as they are`, {
      hint: "If the key's password file moved, keep the old one until this apply has run, or let apply replace the certificate.",
    });
  }
}
