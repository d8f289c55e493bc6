// Which login method a run uses, and its credential, from --auth-method / INFISICAL_AUTH_METHOD
// and the per-method flags and variables (README, "Connecting and authenticating"). Files and the
// environment only: a JWT, a key or a password never comes from argv. Without --auth-method, a
// method is picked only when exactly one credential points to it; two candidates are an error.
import { readFile } from "node:fs/promises";
import type { Credentials } from "../api/config.js";
import { AUTH_METHODS, isAuthMethod, type AuthMethod, type GcpServiceAccountKey, type IdentityLogin, type IdentityMethod } from "../api/login/methods.js";
import { emptyFileError, fileError, invalidFlag, UsageError } from "../model/errors.js";
import type { GlobalOptions } from "./context.js";

export const DEFAULT_SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The per-method flags, and the methods each applies to. */
const METHOD_FLAGS: Array<{ key: keyof GlobalOptions; flag: string; methods: IdentityMethod[] }> = [
  { key: "jwtFile", flag: "--jwt-file", methods: ["jwt", "oidc"] },
  { key: "serviceAccountTokenFile", flag: "--service-account-token-file", methods: ["kubernetes"] },
  { key: "gcpKeyFile", flag: "--gcp-key-file", methods: ["gcp-iam"] },
  { key: "ldapUsernameFile", flag: "--ldap-username-file", methods: ["ldap"] },
  { key: "ldapPasswordFile", flag: "--ldap-password-file", methods: ["ldap"] },
];

/** Settles the method; for a machine-identity method, fills `credentials.identity` (and drops the rest). */
export async function resolveAuthMethod(globals: GlobalOptions, env: NodeJS.ProcessEnv, credentials: Credentials): Promise<void> {
  const org = globals.organizationSlug ?? set(env.INFISICAL_AUTH_ORGANIZATION_SLUG);
  if (org !== undefined) {
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/i.test(org.trim())) {
      throw invalidFlag(globals.organizationSlug !== undefined ? "--organization-slug" : "INFISICAL_AUTH_ORGANIZATION_SLUG", org, "expected an organization slug (letters, digits and dashes)");
    }
    credentials.organizationSlug = org.trim();
  }
  const method = explicitMethod(globals, env) ?? detectMethod(globals, env, credentials);
  for (const { key, flag, methods } of METHOD_FLAGS) {
    if (globals[key] !== undefined && !(methods as AuthMethod[]).includes(method ?? "universal-auth")) {
      throw new UsageError(`${flag} applies to --auth-method ${methods.join(" or ")}, not ${method ?? "universal-auth"}`);
    }
  }
  if (method === undefined) return;
  if (method === "token") {
    if (!credentials.token) throw new UsageError("--auth-method token needs a token", { hint: "Set INFISICAL_TOKEN (or pass --token)." });
    delete credentials.clientId;
    delete credentials.clientSecret;
    return;
  }
  if (method === "universal-auth") {
    delete credentials.token;
    return;
  }
  const identityId = globals.identityId ?? set(env.INFISICAL_MACHINE_IDENTITY_ID);
  if (identityId === undefined) {
    throw new UsageError(`--auth-method ${method} needs the machine identity's id`, { hint: "Pass --identity-id <uuid> or set INFISICAL_MACHINE_IDENTITY_ID." });
  }
  if (!UUID.test(identityId.trim())) {
    throw invalidFlag(globals.identityId !== undefined ? "--identity-id" : "INFISICAL_MACHINE_IDENTITY_ID", identityId, "expected the machine identity's id (a UUID)");
  }
  const login: IdentityLogin = { method, identityId: identityId.trim().toLowerCase() };
  if (credentials.organizationSlug) login.organizationSlug = credentials.organizationSlug;
  await readMethodCredential(login, globals, env);
  delete credentials.token;
  delete credentials.clientId;
  delete credentials.clientSecret;
  credentials.identity = login;
}

function explicitMethod(globals: GlobalOptions, env: NodeJS.ProcessEnv): AuthMethod | undefined {
  const value = globals.authMethod ?? set(env.INFISICAL_AUTH_METHOD);
  if (value === undefined) return undefined;
  const method = value.trim().toLowerCase();
  if (!isAuthMethod(method)) {
    throw invalidFlag(globals.authMethod !== undefined ? "--auth-method" : "INFISICAL_AUTH_METHOD", value, `options are ${AUTH_METHODS.join(", ")}`);
  }
  return method;
}

/** The one method the given credentials point to; never a guess between two. */
function detectMethod(globals: GlobalOptions, env: NodeJS.ProcessEnv, credentials: Credentials): AuthMethod | undefined {
  if (credentials.token || credentials.clientId || credentials.clientSecret) return undefined; // as before: token, else Universal Auth
  const seen = new Map<string, string>();
  const add = (methods: string, why: string) => seen.set(methods, seen.get(methods) ?? why);
  for (const { key, flag, methods } of METHOD_FLAGS) if (globals[key] !== undefined) add(methods.join(" or "), flag);
  if (set(env.INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH)) add("kubernetes", "INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH");
  if (set(env.INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH)) add("gcp-iam", "INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH");
  if (set(env.INFISICAL_LDAP_USERNAME) || set(env.INFISICAL_LDAP_PASSWORD)) add("ldap", "INFISICAL_LDAP_USERNAME/_PASSWORD");
  if (set(env.INFISICAL_JWT)) add("jwt or oidc", "INFISICAL_JWT");
  // A GitHub Actions job with `id-token: write` — a platform identity only if an identity id says so.
  if (set(env.ACTIONS_ID_TOKEN_REQUEST_URL) && (globals.identityId ?? set(env.INFISICAL_MACHINE_IDENTITY_ID))) add("oidc", "ACTIONS_ID_TOKEN_REQUEST_URL");
  if (seen.size === 0) return undefined;
  const [first] = [...seen.keys()];
  if (seen.size === 1 && first && isAuthMethod(first)) return first;
  const list = [...seen].map(([methods, why]) => `${methods} (${why})`).join(", ");
  throw new UsageError(`cannot tell which login method to use: ${list}`, {
    hint: `Pass --auth-method <method> (or set INFISICAL_AUTH_METHOD); options are ${AUTH_METHODS.join(", ")}.`,
  });
}

async function readMethodCredential(login: IdentityLogin, globals: GlobalOptions, env: NodeJS.ProcessEnv): Promise<void> {
  switch (login.method) {
    case "kubernetes": {
      const file = globals.serviceAccountTokenFile ?? set(env.INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH) ?? DEFAULT_SERVICE_ACCOUNT_TOKEN;
      const source = globals.serviceAccountTokenFile !== undefined ? "--service-account-token-file" : "the service-account token file";
      login.jwt = requireJwt(await readSecret(file, source), `${source} ${file}`);
      return;
    }
    case "jwt":
    case "oidc": {
      if (globals.jwtFile !== undefined) login.jwt = requireJwt(await readSecret(globals.jwtFile, "--jwt-file"), `--jwt-file ${globals.jwtFile}`);
      else if (set(env.INFISICAL_JWT)) login.jwt = requireJwt(env.INFISICAL_JWT!.trim(), "INFISICAL_JWT");
      else if (login.method === "jwt") {
        throw new UsageError("--auth-method jwt needs a JWT", { hint: "Pass --jwt-file <file> or set INFISICAL_JWT." });
      }
      return;
    }
    case "gcp-iam": {
      const file = globals.gcpKeyFile ?? set(env.INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH);
      if (file === undefined) {
        throw new UsageError("--auth-method gcp-iam needs a service-account key file", { hint: "Pass --gcp-key-file <file> or set INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH." });
      }
      const source = globals.gcpKeyFile !== undefined ? "--gcp-key-file" : "INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH";
      login.gcpKey = parseGcpKey(await readSecret(file, source), `${source} ${file}`);
      return;
    }
    case "ldap": {
      const username = globals.ldapUsernameFile !== undefined ? await readSecret(globals.ldapUsernameFile, "--ldap-username-file") : set(env.INFISICAL_LDAP_USERNAME)?.trim();
      const password = globals.ldapPasswordFile !== undefined ? await readSecret(globals.ldapPasswordFile, "--ldap-password-file") : set(env.INFISICAL_LDAP_PASSWORD);
      if (!username || !password) {
        throw new UsageError(`--auth-method ldap needs a ${username ? "password" : "username"}`, {
          hint: "Pass --ldap-username-file/--ldap-password-file or set INFISICAL_LDAP_USERNAME and INFISICAL_LDAP_PASSWORD.",
        });
      }
      login.ldap = { username, password };
      return;
    }
    default:
      return; // aws-iam, gcp-id-token, azure: the platform vouches at login time
  }
}

function requireJwt(text: string, source: string): string {
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text)) {
    throw new UsageError(`${source} does not hold a JWT (expected three base64url parts separated by dots)`);
  }
  return text;
}

function parseGcpKey(text: string, source: string): GcpServiceAccountKey {
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UsageError(`${source} is not JSON; expected a service-account key file (type "service_account")`);
  }
  const { type, client_email: clientEmail, private_key: privateKey, token_uri: tokenUri } = key ?? {};
  if (type !== "service_account" || typeof clientEmail !== "string" || typeof privateKey !== "string" || !privateKey.includes("PRIVATE KEY")) {
    throw new UsageError(`${source} is not a service-account key file (needs type "service_account", client_email and private_key)`);
  }
  return { clientEmail, privateKey, tokenUri: typeof tokenUri === "string" && tokenUri ? tokenUri : "https://oauth2.googleapis.com/token" };
}

/** A credential file's trimmed text; unreadable is a file error (exit 7), empty a usage error (exit 2). */
export async function readSecret(file: string, source: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw fileError(`read ${source}`, file, error);
  }
  const value = text.trim();
  if (!value) throw emptyFileError(source, file);
  return value;
}

function set(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
