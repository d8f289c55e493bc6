// An entry's `formats` (and the p12/der/combined paths under `files`) → the --p12 … flags that
// `certctl issue` parses, so a file and a command line accept and refuse the same formats. A
// password named by an environment variable of the file's choosing (password-env) is something
// the flags cannot say ($CERTCTL_P12_PASSWORD is fixed): it is put in place after the parse.
import { resolve } from "node:path";
import { UsageError } from "../../model/errors.js";
import type { FormatOptions } from "../../store/metadata.js";
import type { CertificateFields } from "../../core/config/types.js";
import type { DataPath } from "../../core/config/source.js";
import type { IssueFlags } from "../issue/define.js";

/** A refusal that knows which field of the entry it is about (relocated to that field's line). */
export class FieldError extends UsageError {
  constructor(readonly field: DataPath, message: string) {
    super(message);
  }
}

const WHAT = { p12: "a PKCS#12 keystore", der: "the DER leaf", combined: "the combined PEM" } as const;

/** The flags for the entry's formats; password files are relative to `base`, the certctl file's directory. */
export function formatFlags(entry: CertificateFields, base: string): Partial<IssueFlags> {
  const formats = entry.formats ?? {};
  const files = entry.files ?? {};
  for (const role of ["p12", "der", "combined"] as const) {
    if (files[role] !== undefined && (formats[role] === undefined || formats[role] === false)) {
      throw new FieldError(["files", role], `names where ${WHAT[role]} goes, but formats.${role} is not set; add formats.${role} to write it`);
    }
  }
  const flags: Partial<IssueFlags> = {};
  const p12 = formats.p12;
  if (p12 !== undefined) {
    flags.p12 = files.p12 ?? true;
    if (p12["password-file"] !== undefined) flags.p12PasswordFile = resolve(base, p12["password-file"]);
    // password-env: parsed as an empty password, replaced by the variable in withPasswordEnv.
    else flags.p12EmptyPassword = true;
    if (p12.legacy === true) flags.p12Legacy = true;
    if (p12["friendly-name"] !== undefined) flags.p12Name = p12["friendly-name"];
  }
  if (formats.der === true) flags.der = files.der ?? true;
  if (formats.combined === true) flags.combinedFile = files.combined ?? "combined.pem";
  const key = formats["encrypted-key"];
  if (key !== undefined) flags.keyPasswordFile = resolve(base, key["password-file"] ?? "(password-env)");
  return flags;
}

/** The parsed formats with the entry's password-env variables as the password sources. */
export function withPasswordEnv(parsed: FormatOptions | undefined, entry: CertificateFields): FormatOptions | undefined {
  const p12Env = entry.formats?.p12?.["password-env"];
  const keyEnv = entry.formats?.["encrypted-key"]?.["password-env"];
  if (parsed === undefined || (p12Env === undefined && keyEnv === undefined)) return parsed;
  const out: FormatOptions = { ...parsed };
  if (p12Env !== undefined && out.p12) out.p12 = { ...out.p12, password: { env: p12Env } };
  if (keyEnv !== undefined && out.encryptedKey) out.encryptedKey = { password: { env: keyEnv } };
  return out;
}
