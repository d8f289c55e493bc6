// The optional formats of `certctl issue` (--p12, --der, --combined-file, --key-password-file):
// argv values → the paths they add to the set and the FormatOptions certctl.json records. The
// passwords are not read here (core reads them, before any request, from where this says).
import { resolve } from "node:path";
import type { FormatOptions, IssueMode, PasswordSource } from "../../store/metadata.js";
import type { FilePaths } from "../../store/layout.js";
import { P12_PASSWORD_ENV } from "../../core/formats/passwords.js";
import { nonEmptyPath } from "../shared/flags.js";
import { conflicting, invalidValue, requires } from "../shared/wording.js";

export interface FormatFlags {
  /** true for a bare --p12 (the default path), else the path given. */
  p12?: string | boolean;
  p12PasswordFile?: string;
  p12EmptyPassword?: boolean;
  p12Legacy?: boolean;
  p12Name?: string;
  der?: string | boolean;
  combinedFile?: string;
  keyPasswordFile?: string;
}

export interface ParsedFormats {
  paths: Pick<FilePaths, "p12" | "der" | "combined">;
  formats?: FormatOptions;
}

export function parseFormatFlags(flags: FormatFlags, cwd: string, outDir: string, mode: IssueMode, env: NodeJS.ProcessEnv): ParsedFormats {
  const p12Wanted = flags.p12 !== undefined && flags.p12 !== false;
  for (const [flag, value] of [["--p12-password-file", flags.p12PasswordFile], ["--p12-empty-password", flags.p12EmptyPassword],
    ["--p12-legacy", flags.p12Legacy], ["--p12-name", flags.p12Name]] as const) {
    if (value !== undefined && value !== false && !p12Wanted) throw requires(flag, "--p12", "it says how the PKCS#12 file is written");
  }
  if (mode === "csr") {
    for (const [flag, value] of [["--p12", p12Wanted || undefined], ["--combined-file", flags.combinedFile], ["--key-password-file", flags.keyPasswordFile]] as const) {
      if (value !== undefined) throw conflicting(flag, "--csr", "certctl has no private key when you bring your own CSR");
    }
  }
  const paths: ParsedFormats["paths"] = {};
  const formats: FormatOptions = {};
  const pathOf = (flag: string, value: string | boolean, fallback: string) =>
    value === true ? resolve(outDir, fallback) : resolve(cwd, nonEmptyPath(flag, String(value)));
  if (p12Wanted) {
    paths.p12 = pathOf("--p12", flags.p12!, "cert.p12");
    formats.p12 = { password: p12Password(flags, cwd, env) };
    if (flags.p12Legacy) formats.p12.legacy = true;
    if (flags.p12Name !== undefined) {
      if (flags.p12Name.trim() === "") throw invalidValue("--p12-name", flags.p12Name, "expected the alias Java and Windows show, e.g. www.example.com");
      formats.p12.friendlyName = flags.p12Name;
    }
  }
  if (flags.der !== undefined && flags.der !== false) {
    paths.der = pathOf("--der", flags.der, "cert.der");
    formats.der = {};
  }
  if (flags.combinedFile !== undefined) {
    paths.combined = pathOf("--combined-file", flags.combinedFile, "combined.pem");
    formats.combined = {};
  }
  if (flags.keyPasswordFile !== undefined) {
    formats.encryptedKey = { password: { file: resolve(cwd, nonEmptyPath("--key-password-file", flags.keyPasswordFile)) } };
  }
  return Object.keys(formats).length > 0 ? { paths, formats } : { paths };
}

/**
 * --p12-password-file, else $CERTCTL_P12_PASSWORD, else an empty password only with
 * --p12-empty-password: a keystore nobody meant to leave open never is.
 */
function p12Password(flags: FormatFlags, cwd: string, env: NodeJS.ProcessEnv): PasswordSource {
  if (flags.p12PasswordFile !== undefined) {
    if (flags.p12EmptyPassword) throw conflicting("--p12-password-file", "--p12-empty-password", "choose one password");
    return { file: resolve(cwd, nonEmptyPath("--p12-password-file", flags.p12PasswordFile)) };
  }
  if (flags.p12EmptyPassword) return { empty: true };
  if ((env[P12_PASSWORD_ENV] ?? "") !== "") return { env: P12_PASSWORD_ENV };
  throw requires("--p12", `a password: --p12-password-file <file> or $${P12_PASSWORD_ENV}`, "never on the command line, where every user sees it", {
    hint: "Pass --p12-empty-password for a keystore without a password (some Java tools need one).",
  });
}
