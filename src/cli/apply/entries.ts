// A checked certctl file's entries → ApplyEntry: each entry (over `defaults`) becomes the flags
// `certctl issue` would get and goes through the same parse step, so a file and a command line
// accept and refuse exactly the same values. A refusal is re-worded to name the file's line,
// the entry and its field instead of the flag.
import { dirname, resolve } from "node:path";
import { CertctlError, UsageError } from "../../model/errors.js";
import { parseRenewBefore } from "../renew/renew-before.js";
import type { ApplyEntry } from "../../core/config/entry.js";
import type { CertctlFile, CertificateEntry, CertificateFields } from "../../core/config/types.js";
import type { ConfigSource, DataPath } from "../../core/config/source.js";
import { locate } from "../../core/config/validate.js";
import { resolveFilePaths } from "../../store/layout.js";
import type { IssueFlags } from "../issue/define.js";
import { parseIssueFlags } from "../issue/parse.js";
import { parseKeyFileOwnership, systemAccounts, type AccountLookup } from "../issue/ownership.js";
import { parseDurationFlag } from "../shared/flags.js";
import { FieldError, formatFlags, withPasswordEnv } from "./formats.js";
import { parseFormatFlags } from "../issue/formats.js";

const DEFAULT_HOOK_TIMEOUT = "5m";

/** The flag a parse error names → the entry's field (kebab-case, as the file spells it). */
const FIELD_OF_FLAG: Record<string, DataPath> = {
  "--profile": ["profile"], "--project": ["project"], "--application": ["application"], "--cn": ["cn"], "--common-name": ["cn"],
  "--dns": ["dns"], "--ip": ["ip"], "--email": ["email"], "--uri": ["uri"], "--san": ["san"], "--org": ["org"], "--ou": ["ou"],
  "--country": ["country"], "--state": ["state"], "--locality": ["locality"], "--key-usage": ["key-usage"],
  "--ext-key-usage": ["ext-key-usage"], "--key-algorithm": ["key", "algorithm"], "--signature-algorithm": ["signature-algorithm"],
  "--ttl": ["ttl"], "--not-before": ["not-before"], "--not-after": ["not-after"], "--ca": ["ca"], "--path-length": ["path-length"],
  "--csr": ["key", "csr"], "--key": ["key", "file"], "--server-keygen": ["key", "source"], "--out-dir": ["dir"],
  "--cert-file": ["files", "cert"], "--chain-file": ["files", "chain"], "--fullchain-file": ["files", "fullchain"],
  "--key-file": ["files", "key"], "--key-mode": ["key-mode"], "--owner": ["owner"], "--group": ["group"],
  "--deploy-hook": ["deploy-hook"], "--no-cn-san": ["cn-san"], "--renew-before": ["renew-before"],
  "--hook-timeout": ["hook-timeout"], "--wait-timeout": ["wait-timeout"], "--force": ["dir"],
  "--p12": ["formats", "p12"], "--p12-password-file": ["formats", "p12", "password-file"], "--p12-legacy": ["formats", "p12", "legacy"],
  "--p12-name": ["formats", "p12", "friendly-name"], "--p12-empty-password": ["formats", "p12", "empty-password"],
  "--der": ["formats", "der"], "--combined-file": ["formats", "combined"], "--key-password-file": ["formats", "encrypted-key"],
};

/** Every entry checked; the first refusal is thrown as a UsageError naming line, entry and field. */
export function buildEntries(file: CertctlFile, source: ConfigSource, now = new Date(), accounts: AccountLookup = systemAccounts): ApplyEntry[] {
  const base = dirname(source.path);
  const { directory, ...defaults } = file.defaults ?? {};
  return file.certificates.map((entry, index) => {
    const merged: CertificateEntry = { ...defaults, ...entry };
    try {
      return buildEntry(merged, index, base, directory, now, accounts);
    } catch (error) {
      throw relocate(error, source, index, entry, file);
    }
  });
}

function buildEntry(entry: CertificateEntry, index: number, base: string, directory: string | undefined, now: Date, accounts: AccountLookup): ApplyEntry {
  const dir = resolve(base, entry.dir ?? (directory !== undefined ? resolve(base, directory, entry.name) : entry.name));
  const hookTimeoutMs = parseDurationFlag("--hook-timeout", entry["hook-timeout"] ?? DEFAULT_HOOK_TIMEOUT);
  const renewBefore = parseRenewBefore(entry["renew-before"]);
  const common = { name: entry.name, index, dir, renewBefore, hookTimeoutMs };
  const hooks: Pick<ApplyEntry, "deployHook" | "failureHook"> = {};
  if (entry["deploy-hook"] !== undefined) hooks.deployHook = entry["deploy-hook"];
  if (entry["failure-hook"] !== undefined) hooks.failureHook = entry["failure-hook"];
  if (entry["certificate-id"] !== undefined) return { ...common, ...hooks, certificateId: entry["certificate-id"], params: fetchParams(entry, dir, base, accounts) };

  const flags: IssueFlags = { ...issueFlags(entry, dir), ...formatFlags(entry, base) };
  // A slug or name the server resolves later stands in for the project id the parse step asks for.
  const lookup = entry["project-slug"] ?? (entry["application-name"] !== undefined ? "application" : undefined);
  if (lookup !== undefined && flags.project === undefined) flags.project = lookup;
  const params = parseIssueFlags(flags, dir, now, accounts);
  if (lookup !== undefined) delete params.projectId;
  const formats = withPasswordEnv(params.formats, entry);
  if (formats !== undefined) params.formats = formats;
  const out: ApplyEntry = { ...common, ...hooks, params };
  if (entry["project-slug"] !== undefined) out.projectSlug = entry["project-slug"];
  if (entry["application-name"] !== undefined) out.applicationName = entry["application-name"];
  return out;
}

/** An entry's fields as `certctl issue` flags. */
function issueFlags(entry: CertificateFields, dir: string): IssueFlags {
  const flags: IssueFlags = { wait: true, waitTimeout: entry["wait-timeout"] ?? "5m", outDir: dir };
  const copy = <K extends keyof IssueFlags>(key: K, value: IssueFlags[K] | undefined) => {
    if (value !== undefined) flags[key] = value;
  };
  copy("profile", entry.profile);
  copy("project", entry.project);
  copy("application", entry.application);
  copy("cn", entry.cn);
  copy("cnSan", entry["cn-san"]);
  copy("dns", entry.dns);
  copy("ip", entry.ip);
  copy("email", entry.email);
  copy("uri", entry.uri);
  copy("san", entry.san);
  copy("org", entry.org);
  copy("ou", entry.ou);
  copy("country", entry.country);
  copy("state", entry.state);
  copy("locality", entry.locality);
  copy("keyUsage", entry["key-usage"]);
  copy("extKeyUsage", entry["ext-key-usage"]);
  copy("keyAlgorithm", entry.key?.algorithm);
  copy("signatureAlgorithm", entry["signature-algorithm"]);
  copy("ttl", entry.ttl);
  copy("notBefore", entry["not-before"]);
  copy("notAfter", entry["not-after"]);
  copy("ca", entry.ca);
  copy("pathLength", entry["path-length"] === undefined ? undefined : String(entry["path-length"]));
  copy("removeRootsFromChain", entry["remove-roots-from-chain"]);
  const source = entry.key?.source ?? (entry.key?.csr !== undefined ? "csr" : entry.key?.file !== undefined ? "file" : "local");
  if (source === "server") flags.serverKeygen = true;
  if (source === "csr") flags.csr = entry.key?.csr ?? "";
  if (source === "file") flags.key = entry.key?.file ?? "";
  const files = entry.files ?? {};
  copy("certFile", files.cert);
  copy("chainFile", files.chain);
  copy("fullchainFile", files.fullchain);
  copy("keyFile", files.key);
  copy("keyMode", entry["key-mode"]);
  copy("owner", entry.owner === undefined ? undefined : String(entry.owner));
  copy("group", entry.group === undefined ? undefined : String(entry.group));
  copy("deployHook", entry["deploy-hook"]);
  // apply replaces a set it manages (its certctl.json is there); create refuses foreign files (see plan).
  flags.force = true;
  return flags;
}

/** A certificate-id entry writes what the server holds: only where the files go and their permissions matter. */
function fetchParams(entry: CertificateEntry, dir: string, base: string, accounts: AccountLookup): ApplyEntry["params"] {
  const files = entry.files ?? {};
  const overrides: Record<string, string> = {};
  for (const role of ["cert", "chain", "fullchain", "key"] as const) if (files[role] !== undefined) overrides[role] = files[role];
  const ownership = parseKeyFileOwnership({
    ...(entry["key-mode"] !== undefined ? { keyMode: entry["key-mode"] } : {}),
    ...(entry.owner !== undefined ? { owner: String(entry.owner) } : {}),
    ...(entry.group !== undefined ? { group: String(entry.group) } : {}),
  }, accounts);
  // The formats as issue parses them; whether the server holds the key (which p12, combined and an
  // encrypted key need) is known only when the certificate is fetched.
  const parsed = parseFormatFlags(formatFlags(entry, base), dir, dir, "server-keygen", process.env);
  const params: ApplyEntry["params"] = {
    ...ownership, profile: "", mode: "server-keygen", attributes: {}, removeRootsFromChain: entry["remove-roots-from-chain"] === true,
    outDir: dir, files: { ...resolveFilePaths(dir, dir, overrides), ...parsed.paths }, force: true, wait: true, waitTimeoutMs: 300_000,
  };
  const formats = withPasswordEnv(parsed.formats, entry);
  if (formats !== undefined) params.formats = formats;
  return params;
}

/** "invalid value 'bad..name' for --dns; …" → "certctl.yaml:14: certificates[2] (web): dns[1]: invalid value 'bad..name'; …" */
function relocate(error: unknown, source: ConfigSource, index: number, entry: CertificateEntry, file: CertctlFile): unknown {
  if (!(error instanceof CertctlError)) return error;
  const flag = error instanceof FieldError ? undefined : /(--[a-z0-9-]+)/.exec(error.message)?.[1];
  const field = error instanceof FieldError ? error.field : flag !== undefined ? FIELD_OF_FLAG[flag] : undefined;
  let message = error.message;
  let at: DataPath = ["certificates", index];
  if (field !== undefined) {
    const value = /'([^']*)'/.exec(message)?.[1];
    const defaults = file.defaults ?? {};
    // Point at the value where it is written: the entry, else defaults, else the entry as a whole.
    const holder = lookup(file.certificates[index], field) !== undefined ? "entry"
      : lookup(defaults, field) !== undefined ? "defaults" : undefined;
    if (holder !== undefined) {
      const list = lookup(holder === "entry" ? entry : defaults, field);
      const item = Array.isArray(list) && value !== undefined ? list.findIndex((v) => String(v).trim() === value.trim()) : -1;
      at = [...(holder === "entry" ? ["certificates", index] : ["defaults"]), ...field, ...(item >= 0 ? [item] : [])];
    }
    if (flag !== undefined) message = message.replace(` for ${flag}`, "");
    if (holder === "defaults") message = `${message} (from defaults)`;
  }
  // Every flag the message names, in the file's words.
  message = message.replace(/--[a-z0-9-]+/g, (name) => (FIELD_OF_FLAG[name] ? fieldName(FIELD_OF_FLAG[name]) : name));
  const relocated = locate(source, at, message);
  const where = at[0] === "defaults" ? relocated.replace(/^([^:]+:\d+: )/, `$1certificates[${index}] (${entry.name}): `) : relocated;
  return new UsageError(where, { ...(error.hint !== undefined ? { hint: error.hint.replace(/--([a-z-]+)/g, "$1") } : {}), lines: error.lines });
}

function lookup(value: unknown, at: DataPath): unknown {
  let current = value;
  for (const key of at) current = (current as Record<string | number, unknown> | undefined)?.[key];
  return current;
}

function fieldName(field: DataPath): string {
  return field.join(".");
}
