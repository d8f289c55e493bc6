// Where to connect and how to authenticate, resolved from flags and the environment
// in the order the README gives. Secrets come from the environment or a file, never argv.
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import type { GlobalOptions } from "./context.js";
import { UsageError, fileError } from "../model/errors.js";
import { parseDurationFlag, parseWholeNumber } from "./shared/flags.js";
import { invalidValue, requires } from "./shared/wording.js";
import type { Connection, Credentials } from "../api/config.js";
import { readSecret, resolveAuthMethod } from "./auth-method.js";

export type { Connection, Credentials };

export const DEFAULT_DOMAIN = "https://app.infisical.com";


export async function resolveConnection(globals: GlobalOptions, env: NodeJS.ProcessEnv): Promise<Connection> {
  const domain = globals.domain ?? firstSet(env, "INFISICAL_DOMAIN", "INFISICAL_API_URL") ?? DEFAULT_DOMAIN;
  // A bad value from the environment is reported under the variable's name: a user who never
  // typed --domain would look for the flag in vain.
  const source = globals.domain !== undefined ? "--domain" : (["INFISICAL_DOMAIN", "INFISICAL_API_URL"].find((name) => env[name]) ?? "--domain");
  const apiUrl = apiUrlFromDomain(domain, globals.insecureHttp === true, source);
  const timeoutMs = parseDurationFlag("--timeout", globals.timeout);
  const retries = parseWholeNumber("--retries", globals.retries, 0, 10);
  const credentials = await resolveCredentials(globals, env);
  const cacertFile = globals.cacert ?? firstSet(env, "INFISICAL_CACERT");
  const connection: Connection = { apiUrl, credentials, timeoutMs, retries };
  if (cacertFile !== undefined) connection.cacertPem = await readCaBundle(cacertFile, globals.cacert ? "--cacert" : "INFISICAL_CACERT");
  return connection;
}

/** `/api` is appended unless the URL already ends in `/api` (trailing slash tolerated). */
export function apiUrlFromDomain(domain: string, insecureHttp: boolean, source = "--domain"): string {
  let url: URL;
  try {
    url = new URL(domain.trim());
  } catch {
    throw invalidValue(source, domain, "expected a URL such as https://app.infisical.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalidValue(source, domain, "expected an https:// URL");
  }
  if (url.search || url.hash || url.username || url.password) {
    throw invalidValue(source, domain, "expected a URL without credentials, query or fragment");
  }
  if (url.protocol === "http:" && !insecureHttp && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `refusing plain http:// to ${url.hostname} (${source}): the token and client secret would cross the network in clear text`,
      { hint: "Use https://, or pass --insecure-http if you really mean it." },
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  const base = `${url.protocol}//${url.host}${path}`;
  return path.endsWith("/api") ? base : `${base}/api`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

async function resolveCredentials(globals: GlobalOptions, env: NodeJS.ProcessEnv): Promise<Credentials> {
  const credentials: Credentials = {};
  const token = globals.token ?? firstSet(env, "INFISICAL_TOKEN", "INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN");
  if (token !== undefined) credentials.token = token.trim();
  const clientId = globals.clientId ?? firstSet(env, "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID");
  if (clientId !== undefined) credentials.clientId = clientId.trim();
  if (globals.clientSecretFile !== undefined) {
    credentials.clientSecret = await readSecretFile(globals.clientSecretFile);
  } else {
    // INFISICAL_UNIVERSAL_CLIENT_SECRET is the official agent's spelling.
    const secret = firstSet(env, "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET", "INFISICAL_UNIVERSAL_CLIENT_SECRET");
    if (secret !== undefined) credentials.clientSecret = secret.trim();
  }
  await resolveAuthMethod(globals, env, credentials);
  return credentials;
}

/** Fails before any request when there is no way to authenticate. */
export function requireCredentials(credentials: Credentials): void {
  if (credentials.token || credentials.identity) return;
  if (credentials.clientId && credentials.clientSecret) return;
  if (credentials.clientId) {
    throw requires("--client-id", "a client secret", "none was given in the environment or a file", {
      hint: "Set INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET or pass --client-secret-file <file>.",
    });
  }
  if (credentials.clientSecret) {
    throw requires("a client secret", "--client-id", "the secret alone names no identity", {
      hint: "Pass --client-id <id> or set INFISICAL_UNIVERSAL_AUTH_CLIENT_ID.",
    });
  }
  throw new UsageError("no credentials: need --token (or INFISICAL_TOKEN), --client-id with a client secret, or --auth-method with --identity-id", {
    hint: "For Universal Auth set INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET; for a platform identity see `certctl --help` (--auth-method).",
  });
}

/** The --client-secret-file's content; an empty one is bad input (exit 2) for every command, dev-server included. */
export function readSecretFile(file: string): Promise<string> {
  return readSecret(file, "--client-secret-file");
}

async function readCaBundle(file: string, source: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw fileError(`read ${source}`, file, error);
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new UsageError(`${source} ${file} holds no PEM certificate`);
  }
  return text;
}

function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
