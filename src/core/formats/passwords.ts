// Reading the password of a PKCS#12 or an encrypted key.pem from where certctl.json says it comes
// from: a file or an environment variable, never argv (visible to every user in `ps`) and never
// certctl.json itself. Read again on every write, so renew and status use the current password.
import { readFile } from "node:fs/promises";
import { UsageError, emptyFileError, fileError } from "../../model/errors.js";
import type { FormatOptions, PasswordSource } from "../../store/metadata.js";
import { DOMAIN_NAMES, type InputNames } from "../input-names.js";

/** The environment variable a PKCS#12 password is read from when no password file is given. */
export const P12_PASSWORD_ENV = "CERTCTL_P12_PASSWORD";

export interface FormatPasswords {
  p12?: string;
  key?: string;
}

/** Which password a message is about, and how to ask for none (a PKCS#12 only). */
export interface PasswordUse {
  what: "PKCS#12" | "key";
  emptyPassword?: string | undefined;
}

/** What to call the source in a message: its name (the cli's flag) for a file, the variable's name otherwise. */
function sourceName(source: PasswordSource, flag: string): string {
  return "file" in source ? `${flag} ${source.file}` : "env" in source ? `$${source.env}` : "the empty password";
}

/**
 * The password from a file (its first line, as `openssl -passin file:` reads it) or a variable.
 * A missing or unreadable file is exit 7; an empty one is exit 2, since an empty password is
 * taken only when asked for. `flag` names the file's source in messages.
 */
export async function readPassword(source: PasswordSource, flag: string, env: NodeJS.ProcessEnv, use: PasswordUse = { what: "key" }): Promise<string> {
  const orEmpty = use.what === "PKCS#12" && use.emptyPassword !== undefined ? use.emptyPassword : undefined;
  if ("empty" in source) return "";
  let value: string;
  if ("file" in source) {
    const text = await readFile(source.file, "utf8").catch((error: unknown) => {
      throw fileError(`read ${flag}`, source.file, error);
    });
    value = text.split(/\r?\n/)[0] ?? "";
    if (value === "") {
      throw new UsageError(emptyFileError(flag, source.file).message, {
        hint: orEmpty ? `Write the password on its first line, or pass ${orEmpty} for a keystore without one.` : "Write the password on its first line.",
      });
    }
    return value;
  }
  value = env[source.env] ?? "";
  if (value === "") {
    throw new UsageError(`${sourceName(source, flag)} is not set or empty: certctl reads the ${use.what} password from it`, {
      hint: `Set ${source.env}, or pass ${flag} <file>${orEmpty ? ` (or ${orEmpty})` : ""}.`,
    });
  }
  return value;
}

/** Every password the recorded formats need, read before anything is sent or written. */
export async function readFormatPasswords(formats: FormatOptions | undefined, env: NodeJS.ProcessEnv, names: InputNames = DOMAIN_NAMES): Promise<FormatPasswords> {
  const passwords: FormatPasswords = {};
  if (formats?.p12) passwords.p12 = await readPassword(formats.p12.password, names.p12Password, env, { what: "PKCS#12", emptyPassword: names.p12EmptyPassword });
  if (formats?.encryptedKey) passwords.key = await readPassword(formats.encryptedKey.password, names.keyPassword, env);
  return passwords;
}

/**
 * certctl's environment minus the variables the formats read passwords from (password-env in a
 * declarative file names any variable): what a hook may inherit.
 */
export function withoutPasswordVariables(env: NodeJS.ProcessEnv, ...formats: Array<FormatOptions | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const options of formats) {
    for (const source of [options?.p12?.password, options?.encryptedKey?.password]) {
      if (source !== undefined && "env" in source) delete out[source.env];
    }
  }
  return out;
}
