// The official Infisical agent's certificate-agent-config.yaml → a certctl file (infisical-api.md,
// "The official agent's config file"). Pure: the project slug and application name stay names in
// the result (`project-slug`, `application-name`) and are resolved through the server when applied.
import { dirname, isAbsolute, resolve } from "node:path";
import { UsageError } from "../../model/errors.js";
import type { ConfigSource, DataPath } from "./source.js";
import type { AuthSettings, CertctlFile, CertificateEntry } from "./types.js";
import { locate } from "./validate.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** `version: v1|v2` with certificates carrying profile-name or certificate-id. */
export function isAgentConfig(data: unknown): boolean {
  if (!isObj(data) || (data.version !== "v1" && data.version !== "v2") || !Array.isArray(data.certificates)) return false;
  return data.certificates.some((c) => isObj(c) && ("profile-name" in c || "certificate-id" in c));
}

export interface Converted {
  file: CertctlFile;
  /** What has no certctl equivalent and was left out, worded for the user. */
  notes: string[];
}

/** Where converted entries' state (certctl.json, versions) lives, relative to the agent file. */
export const AGENT_STATE_DIRECTORY = "certctl.d";

/** Agent auth.config keys (file paths) → certctl auth fields. */
const AUTH_FILES: Record<string, keyof AuthSettings> = {
  "client-id": "client-id-file", "client-secret": "client-secret-file", "identity-id": "identity-id-file",
  "service-account-token": "service-account-token-file", "service-account-token-path": "service-account-token-file",
  jwt: "jwt-file", "jwt-path": "jwt-file", password: "password-file",
};

export function convertAgentConfig(source: ConfigSource): Converted {
  const data = source.data as Obj;
  const notes: string[] = [];
  const fail = (at: DataPath, message: string): never => {
    throw new UsageError(locate(source, at, message), { hint: "The agent's format is described in certctl's README, \"Declarative file (apply)\"." });
  };
  // The agent reads relative paths from its working directory; certctl reads them from the file's.
  // Made absolute here so the converted file means what the agent's meant when run beside it.
  const base = dirname(source.path);
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const file: CertctlFile = { version: 1, certificates: [] };
  const infisical = data.infisical;
  if (isObj(infisical) && typeof infisical.address === "string") file.server = { domain: infisical.address };
  if (data.auth !== undefined) file.auth = convertAuth(data.auth, fail, notes, absolute);
  file.defaults = { directory: AGENT_STATE_DIRECTORY };
  if (data.sinks !== undefined) notes.push("sinks: certctl writes no token files; left out");
  const names = new Set<string>();
  (data.certificates as unknown[]).forEach((raw, index) => {
    const at = ["certificates", index];
    if (!isObj(raw)) fail(at, "expected a mapping");
    file.certificates.push(convertEntry(raw as Obj, at, names, fail, notes, absolute));
  });
  // Keys in the order a person writes them: connection first, certificates last.
  const { certificates, ...head } = file;
  return { file: { ...head, certificates }, notes };
}

function convertAuth(raw: unknown, fail: (at: DataPath, m: string) => never, notes: string[], absolute: (p: string) => string): AuthSettings {
  if (!isObj(raw)) fail(["auth"], "expected a mapping with type and config");
  const auth = raw as Obj;
  const out: AuthSettings = {};
  if (typeof auth.type === "string") out.method = auth.type;
  const config = isObj(auth.config) ? auth.config : {};
  for (const [key, value] of Object.entries(config)) {
    const field = AUTH_FILES[key];
    if (field === undefined || typeof value !== "string") {
      notes.push(`auth.config.${key}: no certctl equivalent; left out`);
      continue;
    }
    (out as Record<string, string>)[field] = absolute(value);
  }
  return out;
}

function convertEntry(raw: Obj, at: DataPath, names: Set<string>, fail: (at: DataPath, m: string) => never, notes: string[], absolute: (p: string) => string): CertificateEntry {
  const forms = ["certificate-id", "application-name", "project-slug"].filter((k) => raw[k] !== undefined);
  if (forms.length !== 1) {
    fail(at, "expected exactly one of certificate-id, application-name + profile-name, project-slug + profile-name");
  }
  const attributes = isObj(raw.attributes) ? raw.attributes : {};
  const outputs = isObj(raw["file-output"]) ? raw["file-output"] : {};
  const entry: CertificateEntry = { name: uniqueName(entryName(raw, attributes, outputs, at), names) };
  const text = (value: unknown, field: string): string | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === "string" || typeof value === "number") return String(value);
    return fail([...at, field], "expected a string");
  };
  const set = <K extends keyof CertificateEntry>(key: K, value: CertificateEntry[K] | undefined) => {
    if (value !== undefined) entry[key] = value;
  };
  set("certificate-id", text(raw["certificate-id"], "certificate-id"));
  set("profile", text(raw["profile-name"], "profile-name"));
  set("project-slug", text(raw["project-slug"], "project-slug"));
  set("application-name", text(raw["application-name"], "application-name"));
  if (forms[0] !== "certificate-id" && entry.profile === undefined) fail(at, `${forms[0]} needs profile-name`);
  if (raw.csr !== undefined) fail([...at, "csr"], "an inline CSR is not read; save it to a file and give csr-path");
  if (raw["csr-path"] !== undefined) entry.key = { source: "csr", csr: absolute(text(raw["csr-path"], "csr-path")!) };

  set("cn", text(attributes["common-name"], "attributes"));
  // The agent sends its alt-names as DNS names and never copies the CN into them.
  if (entry.cn !== undefined) entry["cn-san"] = false;
  if (Array.isArray(attributes["alt-names"])) entry.dns = attributes["alt-names"].map(String);
  const algorithm = text(attributes["key-algorithm"], "attributes");
  if (algorithm !== undefined) entry.key = { ...(entry.key ?? {}), algorithm };
  set("signature-algorithm", text(attributes["signature-algorithm"], "attributes"));
  if (Array.isArray(attributes["key-usages"])) entry["key-usage"] = attributes["key-usages"].map(String);
  if (Array.isArray(attributes["extended-key-usages"])) entry["ext-key-usage"] = attributes["extended-key-usages"].map(String);
  set("ttl", text(attributes.ttl, "attributes"));
  set("not-before", text(attributes["not-before"], "attributes"));
  set("not-after", text(attributes["not-after"], "attributes"));

  const lifecycle = isObj(raw.lifecycle) ? raw.lifecycle : {};
  set("renew-before", text(lifecycle["renew-before-expiry"], "lifecycle"));
  for (const key of Object.keys(lifecycle)) {
    if (key !== "renew-before-expiry" && key !== "replace-on-renewals") notes.push(`${entry.name}: lifecycle.${key}: certctl decides per run (cron, timer or the agent's interval); left out`);
  }
  convertHooks(raw["post-hooks"], entry, notes);
  convertOutputs(outputs, entry, notes, absolute);
  return entry;
}

function convertHooks(raw: unknown, entry: CertificateEntry, notes: string[]): void {
  if (!isObj(raw)) return;
  const command = (name: string): { command?: string; timeout?: unknown } => (isObj(raw[name]) ? (raw[name] as { command?: string; timeout?: unknown }) : {});
  const issuance = command("on-issuance");
  const renewal = command("on-renewal");
  const deploy = renewal.command ?? issuance.command;
  if (issuance.command && renewal.command && issuance.command !== renewal.command) {
    notes.push(`${entry.name}: on-issuance and on-renewal differ; certctl runs one deploy hook for both (on-renewal's; $CERTCTL_EVENT tells them apart in agent mode)`);
  }
  if (deploy) entry["deploy-hook"] = deploy;
  const failure = command("on-failure");
  if (failure.command) entry["failure-hook"] = failure.command;
  const timeout = renewal.timeout ?? issuance.timeout ?? failure.timeout;
  if (typeof timeout === "number" && timeout > 0) entry["hook-timeout"] = `${timeout}s`;
}

function convertOutputs(outputs: Obj, entry: CertificateEntry, notes: string[], absolute: (p: string) => string): void {
  const output = (name: string): Obj => (isObj(outputs[name]) ? outputs[name] : {});
  const files: NonNullable<CertificateEntry["files"]> = {};
  const cert = output("certificate");
  const key = output("private-key");
  const chain = output("chain");
  if (typeof cert.path === "string") files.cert = absolute(cert.path);
  if (typeof key.path === "string") files.key = absolute(key.path);
  if (typeof chain.path === "string") files.chain = absolute(chain.path);
  if (Object.keys(files).length > 0) entry.files = files;
  if (typeof key.permission === "string" || typeof key.permission === "number") entry["key-mode"] = String(key.permission).padStart(4, "0");
  for (const [name, out] of [["certificate", cert], ["chain", chain]] as const) {
    if (out.permission !== undefined && String(out.permission).replace(/^0/, "") !== "644") {
      notes.push(`${entry.name}: file-output.${name}.permission ${String(out.permission)}: certctl writes public files 0644; left out`);
    }
  }
  // The agent leaves the root out unless told otherwise.
  entry["remove-roots-from-chain"] = chain["omit-root"] !== false;
}

function entryName(raw: Obj, attributes: Obj, outputs: Obj, at: DataPath): string {
  const certPath = isObj(outputs.certificate) ? outputs.certificate.path : undefined;
  const candidates = [attributes["common-name"], typeof certPath === "string" ? certPath.split("/").pop()?.replace(/\.[^.]*$/, "") : undefined, raw["certificate-id"]];
  for (const candidate of candidates) {
    const name = typeof candidate === "string" ? candidate.toLowerCase().replace(/^\*\./, "wildcard.").replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 64) : "";
    if (name !== "") return name;
  }
  return `certificate-${Number(at[1]) + 1}`;
}

function uniqueName(name: string, names: Set<string>): string {
  let unique = name;
  for (let n = 2; names.has(unique); n++) unique = `${name}-${n}`;
  names.add(unique);
  return unique;
}
