// A certctl file checked against the PUBLISHED schema (schema/certctl.schema.json, what editors
// use too) with ajv, plus the rules a schema cannot say well: no secret inline, unique names.
// Every problem names the line, the entry and the field; the first few are reported together.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { UsageError } from "../../model/errors.js";
import { packageRoot } from "../../util/package-root.js";
import { formatPath, type ConfigSource, type DataPath } from "./source.js";
import type { CertctlFile } from "./types.js";

let compiled: ValidateFunction | undefined;

export function schemaPath(): string {
  return join(packageRoot(), "schema", "certctl.schema.json");
}

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: false });
  compiled = ajv.compile(JSON.parse(readFileSync(schemaPath(), "utf8")) as object);
  return compiled;
}

/** Keys that would put a secret in the file, and the field that takes it instead. */
const INLINE_SECRETS: Record<string, string> = {
  "client-secret": "client-secret-file (or INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET)",
  token: "token-file (or INFISICAL_TOKEN)",
  "access-token": "token-file (or INFISICAL_TOKEN)",
  password: "password-file",
  jwt: "jwt-file",
  "service-account-token": "service-account-token-file",
  "p12-password": "formats.p12.password-file or password-env",
  "key-password": "formats.encrypted-key.password-file or password-env",
  passphrase: "password-file",
};

/** Under `formats`, a password comes from a file or a variable the file names. */
const FORMAT_PASSWORD = "password-file (a file whose first line is the password) or password-env (the name of an environment variable holding it)";

/** `<file>:<line>: certificates[2] (web): dns[1]: <message>` */
export function locate(source: ConfigSource, at: DataPath, message: string): string {
  const [top, index, ...rest] = at;
  let where = formatPath(at);
  if (top === "certificates" && typeof index === "number") {
    const name = entryName(source.data, index);
    where = `certificates[${index}]${name ? ` (${name})` : ""}${rest.length > 0 ? `: ${formatPath(rest)}` : ""}`;
  }
  return `${source.label}:${source.lineOf(at)}: ${where ? `${where}: ` : ""}${message}`;
}

function entryName(data: unknown, index: number): string | undefined {
  const list = (data as { certificates?: unknown } | null)?.certificates;
  const entry = Array.isArray(list) ? (list[index] as { name?: unknown } | undefined) : undefined;
  return typeof entry?.name === "string" ? entry.name : undefined;
}

/** The file's data, typed once it conforms; otherwise a UsageError listing every problem. */
export function validateCertctlFile(source: ConfigSource): CertctlFile {
  const problems: string[] = [];
  const data = source.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new UsageError(`${source.label}:1: expected a mapping with version: 1 and certificates: […]`);
  }
  secretProblems(source, data, [], problems);
  const validate = validator();
  if (!validate(data)) {
    for (const error of dedupe(validate.errors ?? [])) {
      // An inline secret was already reported with what to use instead.
      if (error.keyword === "additionalProperties" && String((error.params as { additionalProperty?: unknown }).additionalProperty) in INLINE_SECRETS) continue;
      // A password source's oneOf: its branches' `required` errors say nothing; the oneOf itself is worded below,
      // unless an inline password there was already refused.
      if (error.schemaPath.includes("/oneOf/")) continue;
      if (error.keyword === "oneOf" && hasInlineSecret(valueAt(data, error.instancePath))) continue;
      problems.push(describe(source, error));
    }
  }
  if (problems.length === 0) {
    const seen = new Map<string, number>();
    (data as CertctlFile).certificates.forEach((entry, index) => {
      const first = seen.get(entry.name);
      if (first !== undefined) problems.push(locate(source, ["certificates", index, "name"], `'${entry.name}' is also the name of certificates[${first}]; names must be unique`));
      seen.set(entry.name, index);
    });
  }
  if (problems.length > 0) {
    const [first, ...more] = [...new Set(problems)];
    throw new UsageError(first!, { lines: more.slice(0, 9), hint: `The file's schema: ${schemaPath()}` });
  }
  return data as CertctlFile;
}

/** A secret key anywhere, or a *-file value that is the secret itself rather than a path. */
function secretProblems(source: ConfigSource, value: unknown, at: DataPath, problems: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => secretProblems(source, item, [...at, i], problems));
    return;
  }
  if (typeof value !== "object" || value === null) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const here = [...at, key];
    const instead = at.includes("formats") && /pass/.test(key) && !key.endsWith("-file") && !key.endsWith("-env") && key !== "empty-password"
      ? FORMAT_PASSWORD : INLINE_SECRETS[key];
    if (instead !== undefined) {
      problems.push(locate(source, here, `a secret may not be written in the file; use ${instead}`));
    } else if (key.endsWith("-file") && typeof child === "string" && looksLikeSecret(child)) {
      problems.push(locate(source, here, "this looks like the secret itself, not a file path; put the secret in a file (mode 0600) and name the file here"));
    } else {
      secretProblems(source, child, here, problems);
    }
  }
}

/** Long runs of hex/base64 or a JWT, with no path separator: what a client secret or token looks like. */
export function looksLikeSecret(text: string): boolean {
  const value = text.trim();
  if (value.includes("/") && !/^eyJ/.test(value)) return false;
  // A long file name ("infisical_client_secret_for_the_web_servers") has no digits; a secret has.
  return /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/.test(value) || (/^[A-Za-z0-9+=_-]{32,}$/.test(value) && /\d.*\d/.test(value) && /[A-Za-z]/.test(value));
}

/** ajv reports an `anyOf`/`type` failure once per branch; keep one line per path and keyword. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const part of pointer.split("/").slice(1)) current = (current as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return current;
}

function hasInlineSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).some((key) => key in INLINE_SECRETS || (/pass/.test(key) && !/-(file|env)$|^empty-password$/.test(key)));
}

function describe(source: ConfigSource, error: ErrorObject): string {
  const at: DataPath = error.instancePath.split("/").slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      return locate(source, [...at, key], `unknown field '${key}'${suggestion(at)}`);
    }
    case "required":
      return locate(source, at, `missing required field '${String(params.missingProperty)}'`);
    case "oneOf": {
      const choices = at[at.length - 1] === "p12" ? "password-file, password-env or empty-password: true" : "password-file or password-env";
      return locate(source, at, (params.passingSchemas ?? null) === null
        ? `needs its password from ${choices} (never the password itself)`
        : `give only one of ${choices}`);
    }
    case "const":
      return locate(source, at, `expected ${JSON.stringify(params.allowedValue)}`);
    case "enum":
      return locate(source, at, `expected one of ${(params.allowedValues as unknown[]).join(", ")}`);
    case "pattern":
      return locate(source, at, at[at.length - 1] === "name"
        ? "expected lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
        : `does not match ${String(params.pattern)}`);
    default:
      return locate(source, at, error.message ?? "is not valid");
  }
}

function suggestion(at: DataPath): string {
  if (at.length === 0) return "; the top level takes version, server, auth, defaults and certificates";
  if (at[0] === "auth") return "; auth takes method, client-id(-file), client-secret-file, token-file, identity-id(-file), …";
  return "; see the schema for the fields an entry takes (the issue flags' words, kebab-case)";
}
