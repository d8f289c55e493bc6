// Is a directory's file set whole and consistent? Everything a service would trip over, found from
// local files with node:crypto only: a file missing, a certificate that is not the one certctl.json
// records, a fullchain that starts with another certificate, a key that does not belong to the
// certificate, a `live` link that leads outside `.certctl/versions/`.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileReason } from "../../model/errors.js";
import { certificateView, type CertificateView } from "../crypto/cert-view.js";
import { liveVersion } from "../../store/live.js";
import { tryStat } from "../../store/probe.js";
import { metadataPaths, type CertctlMetadata } from "../../store/metadata.js";
import { sameSerial } from "../request/record.js";
import { keyMatchesCertificate } from "./key-match.js";

export interface IntegrityResult {
  /** The leaf's fields, when cert.pem could be read. */
  cert?: CertificateView;
  /** Why the set is broken; undefined when it is whole. */
  problem?: string;
  /** The key could not be compared (unreadable to this user, or encrypted): not a fault of the set. */
  keyUnchecked?: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/;

export async function checkIntegrity(dir: string, meta: CertctlMetadata): Promise<IntegrityResult> {
  try {
    await liveVersion(dir);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const paths = metadataPaths(dir, meta);
  // The files read below are read whole; the others are only looked at. Either way a dangling
  // link (its version removed) is as missing as no file.
  const hasKey = meta.files.key !== undefined;
  const readPaths = [paths.cert, paths.fullchain, ...(hasKey ? [paths.key] : [])];
  const statPaths = [paths.chain, ...(meta.files.ca !== undefined && paths.ca !== undefined ? [paths.ca] : [])];
  const read = readPaths.map((path) => readOrError(path));
  const stats = statPaths.map((path) => tryStat(path));
  const missing = [
    ...readPaths.filter((_, i) => isMissing(read[i])),
    ...statPaths.filter((_, i) => !stats[i]?.isFile()),
  ].map((path) => basename(path));
  if (missing.length > 0) return { problem: `missing ${missing.sort().join(", ")}` };
  const [certText, fullchainText, keyText] = read;

  let certPem: string;
  let cert: CertificateView;
  try {
    if (certText instanceof Error) throw certText;
    certPem = certText!;
    cert = certificateView(certPem);
  } catch (error) {
    return { problem: `${basename(paths.cert)} is not a readable certificate (${fileReasonOrParse(error)})` };
  }
  if (!sameSerial(cert.serialNumber, meta.serialNumber)) {
    return { cert, problem: `${basename(paths.cert)} is not the certificate certctl.json records (serial ${meta.serialNumber})` };
  }
  const fullchain = typeof fullchainText === "string" ? fullchainText : "";
  if (normalise(PEM_BLOCK.exec(fullchain)?.[0]) !== normalise(PEM_BLOCK.exec(certPem)?.[0])) {
    return { cert, problem: `${basename(paths.fullchain)} does not start with ${basename(paths.cert)}` };
  }
  if (!hasKey) return { cert };
  return { cert, ...checkKey(paths.key, keyText, cert) };
}

/** Not there at all (as opposed to there but unreadable, e.g. a 0600 key and a monitoring user). */
function isMissing(result: string | NodeJS.ErrnoException | undefined): boolean {
  return result instanceof Error && (result.code === "ENOENT" || result.code === "ENOTDIR");
}

function checkKey(path: string, keyText: string | NodeJS.ErrnoException | undefined, cert: CertificateView): Pick<IntegrityResult, "problem" | "keyUnchecked"> {
  // A monitoring user may not read a 0600 key: the set may well be fine, so it is not broken.
  if (typeof keyText !== "string") return { keyUnchecked: `${basename(path)}: ${fileReason(keyText)}` };
  const keyPem = keyText;
  if (keyPem.includes("ENCRYPTED")) return { keyUnchecked: `${basename(path)} is encrypted` };
  try {
    if (!keyMatchesCertificate(keyPem, cert)) return { problem: `${basename(path)} does not match the certificate's public key` };
    return {};
  } catch {
    return { problem: `${basename(path)} is not a readable private key` };
  }
}

function normalise(block: string | undefined): string {
  return (block ?? "").replace(/\s+/g, "");
}

function fileReasonOrParse(error: unknown): string {
  return (error as NodeJS.ErrnoException).code !== undefined ? fileReason(error) : "not a PEM certificate";
}

/** The file's text, or the error that kept it from being read (reported per file above). */
function readOrError(path: string): string | NodeJS.ErrnoException {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}
