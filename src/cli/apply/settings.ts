// The file's `server` and `auth` → the global options a command line would give. Precedence:
// flags, then the file, then the environment. Secrets come from the files the file names; the
// login itself is the global flags' (src/cli/auth-method.ts), so every method `--auth-method`
// accepts works from a file too.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FileError, UsageError, fileError } from "../../model/errors.js";
import type { AuthSettings, CertctlFile } from "../../core/config/types.js";
import type { ConfigSource } from "../../core/config/source.js";
import { locate } from "../../core/config/validate.js";
import { AUTH_METHODS, isAuthMethod, type AuthMethod } from "../../api/login/methods.js";
import type { GlobalOptions } from "../context.js";

/** The auth fields that belong to some methods only (a field for another method is a mistake). */
const FIELD_METHODS: Array<[keyof AuthSettings, readonly AuthMethod[]]> = [
  ["client-id", ["universal-auth"]], ["client-id-file", ["universal-auth"]], ["client-secret-file", ["universal-auth"]],
  ["token-file", ["token"]],
  ["service-account-token-file", ["kubernetes"]],
  ["jwt-file", ["jwt", "oidc"]],
  ["username", ["ldap"]], ["password-file", ["ldap"]],
];

const IDENTITY_FIELDS: ReadonlyArray<keyof AuthSettings> = ["identity-id", "identity-id-file"];

/** What the file sets besides global options: values the login reads from the environment. */
export interface FileSettings {
  globals: GlobalOptions;
  /** Laid over the environment for the connection only (never for hooks): the LDAP user name. */
  env: Record<string, string>;
}

export async function globalsFromFile(file: CertctlFile, source: ConfigSource, globals: GlobalOptions): Promise<FileSettings> {
  const base = dirname(source.path);
  const out: GlobalOptions = { ...globals };
  const env: Record<string, string> = {};
  const server = file.server ?? {};
  if (out.domain === undefined && server.domain !== undefined) out.domain = server.domain;
  if (out.cacert === undefined && server.cacert !== undefined) out.cacert = resolve(base, server.cacert);
  if (server["insecure-http"] === true) out.insecureHttp = true;
  if (server.timeout !== undefined && globals.timeout === "30s") out.timeout = server.timeout;
  if (server.retries !== undefined && globals.retries === "3") out.retries = String(server.retries);
  const auth = file.auth;
  if (!auth) return { globals: out, env };
  const method = authMethod(auth, source);
  for (const [field, methods] of FIELD_METHODS) {
    if (auth[field] !== undefined && !methods.includes(method)) {
      throw new UsageError(locate(source, ["auth", field], `${field} applies to method ${methods.join(" or ")}, not ${method}`));
    }
  }
  if ((method === "universal-auth" || method === "token") && IDENTITY_FIELDS.some((field) => auth[field] !== undefined)) {
    throw new UsageError(locate(source, ["auth", auth["identity-id"] !== undefined ? "identity-id" : "identity-id-file"], `the identity id is for the machine-identity methods, not ${method}`));
  }
  const read = async (field: keyof AuthSettings, path: string) => {
    const full = resolve(base, path);
    let text: string;
    try {
      text = (await readFile(full, "utf8")).trim();
    } catch (error) {
      throw new FileError(locate(source, ["auth", field], fileError("read", full, error).message));
    }
    if (text === "") throw new UsageError(locate(source, ["auth", field], `${full} is empty`));
    return text;
  };
  // Flags, then the file, then the environment: a method the file names beats INFISICAL_AUTH_METHOD.
  if (out.authMethod === undefined && auth.method !== undefined) out.authMethod = method;
  if (out.clientId === undefined && auth["client-id"] !== undefined) out.clientId = auth["client-id"];
  if (out.clientId === undefined && auth["client-id-file"] !== undefined) out.clientId = await read("client-id-file", auth["client-id-file"]);
  if (out.clientSecretFile === undefined && auth["client-secret-file"] !== undefined) out.clientSecretFile = resolve(base, auth["client-secret-file"]);
  if (out.token === undefined && auth["token-file"] !== undefined) out.token = await read("token-file", auth["token-file"]);
  if (out.identityId === undefined && auth["identity-id"] !== undefined) out.identityId = auth["identity-id"];
  if (out.identityId === undefined && auth["identity-id-file"] !== undefined) out.identityId = await read("identity-id-file", auth["identity-id-file"]);
  if (out.organizationSlug === undefined && auth["organization-slug"] !== undefined) out.organizationSlug = auth["organization-slug"];
  if (out.serviceAccountTokenFile === undefined && auth["service-account-token-file"] !== undefined) out.serviceAccountTokenFile = resolve(base, auth["service-account-token-file"]);
  if (out.jwtFile === undefined && auth["jwt-file"] !== undefined) out.jwtFile = resolve(base, auth["jwt-file"]);
  if (out.ldapPasswordFile === undefined && auth["password-file"] !== undefined) out.ldapPasswordFile = resolve(base, auth["password-file"]);
  if (out.ldapUsernameFile === undefined && auth.username !== undefined) env.INFISICAL_LDAP_USERNAME = auth.username;
  return { globals: out, env };
}

/** The file's method, or the one its fields imply (token-file → token, else universal-auth). */
function authMethod(auth: AuthSettings, source: ConfigSource): AuthMethod {
  if (auth.method === undefined) return auth["token-file"] !== undefined ? "token" : "universal-auth";
  if (!isAuthMethod(auth.method)) {
    // The schema lists the methods; this guards a converted agent file whose type certctl lacks.
    throw new UsageError(locate(source, ["auth", "method"], `'${auth.method}' is not a login method certctl knows; options are ${AUTH_METHODS.join(", ")}`));
  }
  return auth.method;
}
