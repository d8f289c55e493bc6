// certctl issue's parse step: argv values → one typed IssueParams, every check before any file is
// read or request sent. Errors name the flag (src/cli/shared/wording.ts).
import { basename, extname, resolve } from "node:path";
import { UsageError } from "../../model/errors.js";
import type { KeyMode } from "../../core/attributes/attributes.js";
import { isUuid } from "../../model/uuid.js";
import type { CertificateAttributes } from "../../model/types.js";
import type { IssueParams } from "../../core/request/issue.js";
import { resolveFilePaths } from "../../store/layout.js";
import type { IssueFlags } from "./define.js";
import { buildAttributes, type AttributeFlags } from "./attributes.js";
import { parseKeyFileOwnership, systemAccounts, type AccountLookup } from "./ownership.js";
import { nonEmptyPath, parseWaitTimeout } from "../shared/flags.js";
import { parseFormatFlags } from "./formats.js";
import { FLAG_NAMES } from "../shared/input-names.js";
import { conflicting, invalidValue, required, requires } from "../shared/wording.js";

/** The wiring: argv values → validated params. Throws UsageError naming the flag; sends nothing. */
export function parseIssueFlags(
  flags: IssueFlags, cwd: string, now = new Date(), accounts: AccountLookup = systemAccounts, env: NodeJS.ProcessEnv = process.env,
): IssueParams {
  const profile = parseProfile(flags);
  if (flags.application !== undefined && !isUuid(flags.application)) {
    throw invalidValue("--application", flags.application, "expected an application id (UUID)");
  }
  if (flags.cn !== undefined && flags.commonName !== undefined && flags.cn !== flags.commonName) {
    throw new UsageError("--cn and --common-name are the same flag; give it once");
  }
  const mode = parseKeySource(flags);
  if (flags.csr !== undefined) nonEmptyPath("--csr", flags.csr, "a file path or - for standard input");
  if (flags.key !== undefined) nonEmptyPath("--key", flags.key);
  const ownership = parseKeyFileOwnership(flags, accounts);
  if (mode === "csr") {
    for (const [flag, value] of [["--key-mode", flags.keyMode], ["--owner", flags.owner], ["--group", flags.group]] as const) {
      if (value !== undefined) throw conflicting(flag, "--csr", "no key is written when you bring your own CSR");
    }
  }

  const cn = flags.cn ?? flags.commonName;
  const attributes = buildAttributes(
    { ...pick(flags, ATTRIBUTE_FLAGS), ...(cn !== undefined ? { cn } : {}) },
    { mode, keyFromFile: flags.key !== undefined, now },
  );

  const outDirFlag = flags.outDir === undefined ? defaultOutDir(attributes, flags) : nonEmptyPath("--out-dir", flags.outDir, "a directory path");
  const overrides: Partial<Record<"cert" | "chain" | "fullchain" | "key", string>> = {};
  for (const [role, value, flag] of [["cert", flags.certFile, "--cert-file"], ["chain", flags.chainFile, "--chain-file"],
    ["fullchain", flags.fullchainFile, "--fullchain-file"], ["key", flags.keyFile, "--key-file"]] as const) {
    if (value !== undefined) overrides[role] = nonEmptyPath(flag, value);
  }
  const formats = parseFormatFlags(flags, cwd, resolve(cwd, outDirFlag), mode, env);
  const files = { ...resolveFilePaths(cwd, outDirFlag, overrides), ...formats.paths };
  const used = Object.entries(files).filter(([role]) => role !== "key" || mode !== "csr").map(([, p]) => p);
  if (new Set(used).size !== used.length) {
    throw new UsageError(`--cert-file, --chain-file, --fullchain-file, --key-file${used.length > 4 ? " and the --p12, --der and --combined-file paths" : ""} must be different paths`);
  }
  if (flags.key !== undefined && resolve(cwd, flags.key) === files.key && !flags.force) {
    // Reusing key.pem in place is the common renewal-by-hand case: the key file is left untouched
    // only if nothing is written over it, so say what would happen.
    throw new UsageError(`--key ${flags.key} is also where key.pem would be written`, {
      hint: "Pass --force to rewrite it in place (same key, PKCS#8 form), or choose another --out-dir or --key-file.",
    });
  }

  const params: IssueParams = {
    ...ownership,
    profile: isUuid(profile) ? profile.toLowerCase() : profile,
    mode,
    attributes,
    removeRootsFromChain: flags.removeRootsFromChain === true,
    outDir: resolve(cwd, outDirFlag),
    files,
    force: flags.force === true,
    wait: flags.wait !== false,
    waitTimeoutMs: parseWaitTimeout(flags.waitTimeout),
    names: FLAG_NAMES,
  };
  if (flags.project !== undefined) params.projectId = flags.project.trim();
  if (flags.application !== undefined) params.applicationId = flags.application.trim().toLowerCase();
  if (flags.key !== undefined) params.keyFile = resolve(cwd, flags.key);
  if (flags.csr !== undefined) params.csrFile = flags.csr === "-" ? "-" : resolve(cwd, flags.csr);
  if (formats.formats !== undefined) params.formats = formats.formats;
  if (flags.deployHook !== undefined) {
    if (flags.deployHook.trim() === "") throw invalidValue("--deploy-hook", flags.deployHook, "expected a shell command such as 'systemctl reload nginx'");
    params.deployHook = flags.deployHook;
  }
  return params;
}

const ATTRIBUTE_FLAGS = [
  "dns", "ip", "email", "uri", "san", "altNamesInOrder", "org", "ou", "country", "state", "locality", "keyUsage", "extKeyUsage",
  "keyAlgorithm", "signatureAlgorithm", "ttl", "notBefore", "notAfter", "ca", "pathLength", "cnSan",
] as const satisfies ReadonlyArray<keyof AttributeFlags>;

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

function parseProfile(flags: IssueFlags): string {
  const profile = flags.profile?.trim();
  if (!profile) throw required("--profile", "a certificate profile id, or its slug with --project <projectId>");
  if (flags.project !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(flags.project.trim())) {
    throw invalidValue("--project", flags.project, "expected a project id (letters, digits, hyphens)");
  }
  if (isUuid(profile)) return profile;
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/i.test(profile)) {
    throw invalidValue("--profile", profile, "expected a profile id (UUID) or a slug (letters, digits, hyphens)");
  }
  if (!flags.project?.trim()) {
    throw requires(`--profile '${profile}'`, "--project <projectId>", "a slug is resolved within its project", {
      hint: "Pass --project, or give the profile's id (a UUID) instead.",
    });
  }
  return profile;
}

/** Where the key comes from: at most one of --csr, --key and --server-keygen. */
function parseKeySource(flags: IssueFlags): KeyMode {
  const sources = ([["--csr", flags.csr], ["--key", flags.key], ["--server-keygen", flags.serverKeygen]] as const)
    .filter(([, v]) => v !== undefined && v !== false).map(([f]) => f);
  const [first, second] = sources;
  if (first !== undefined && second !== undefined) {
    throw conflicting(first, second, "choose where the key comes from", {
      hint: "--csr sends your CSR as it is, --key builds a CSR from your key, --server-keygen lets the server make the key.",
    });
  }
  const mode: KeyMode = flags.csr !== undefined ? "csr" : flags.serverKeygen ? "server-keygen" : "local-key";
  if (mode === "csr" && flags.keyFile !== undefined) {
    throw conflicting("--key-file", "--csr", "no key is written when you bring your own CSR");
  }
  return mode;
}

/**
 * Without --out-dir the set goes into ./<name>: the CN, else the first SAN, else (with --csr) the
 * CSR file's name — never the current directory itself, whose files a mistyped command would mix
 * with the certificate's.
 */
export function defaultOutDir(attributes: CertificateAttributes, flags: Pick<IssueFlags, "csr">): string {
  const name = attributes.commonName ?? attributes.altNames?.[0]?.value
    ?? (flags.csr !== undefined && flags.csr !== "-" ? basename(flags.csr, extname(flags.csr)) : undefined);
  const safe = name === undefined ? "" : safeDirectoryName(name);
  if (safe === "") {
    throw requires(flags.csr === "-" ? "--csr -" : "this certificate", "--out-dir", "certctl has no name to give its directory");
  }
  return `./${safe}`;
}

/** Letters, digits, dots, hyphens and underscores only; no leading dot (no `.`, `..` or hidden directory). */
export function safeDirectoryName(name: string): string {
  return name.trim().replace(/^\*\./, "wildcard.").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 64);
}
