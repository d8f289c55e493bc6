// One typed function per Infisical endpoint certctl uses (Infisical's API reference), plus
// authentication: a token as `Bearer <token>`, or a login (Universal Auth or a machine-identity
// method from ./login/) made lazily on the first call, once per run, and repeated once when the
// server says the token is no good.
import type { Connection } from "./config.js";
import { AuthError, UnavailableError } from "../model/errors.js";
import { createHttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from "./client.js";
import { describeBody, errorForResponse, isTokenError, type ErrorResponse } from "./errors.js";
import * as shapes from "./shapes.js";
import { METHOD_LABEL, type LoginRequest } from "./login/methods.js";
import { renewDueAt, tokenAction, tokenLife, type TokenLife } from "./token.js";
import type {
  CertificateBundle, CertificateMetadata, CertificateRequestStatus, CertificateWithChain, CreateCertificateBody,
  CreateCertificateResponse, RenewBody, RevocationReason, RevokeResponse,
} from "../model/types.js";

/** The transport's options (signal, debug sink, proxy env, retry tuning) plus a login hook. */
export interface ApiOptions extends HttpClientOptions {
  /** Told when a Universal Auth login starts (for a progress line); the returned function once it succeeded. */
  onLogin?: (host: string) => (() => void) | void;
}

export interface InfisicalApi {
  readonly host: string;
  /** Logs in now when client credentials or a machine identity are in use and no token is held yet. */
  authenticate(): Promise<void>;
  resolveProfileId(slug: string, projectId: string): Promise<string>;
  createCertificate(body: CreateCertificateBody): Promise<CreateCertificateResponse>;
  getCertificateRequest(requestId: string): Promise<CertificateRequestStatus>;
  getCertificate(certificateId: string): Promise<CertificateWithChain>;
  getBundle(certificateId: string): Promise<CertificateBundle>;
  getPrivateKey(certificateId: string): Promise<string>;
  /** The certificate's record: status (active/revoked), serial, dates, latest renewal. */
  getMetadata(certificateId: string): Promise<CertificateMetadata>;
  renewCertificate(certificateId: string, body: RenewBody): Promise<CreateCertificateResponse>;
  revokeCertificate(certificateId: string, reason: RevocationReason): Promise<RevokeResponse>;
  /** When the token from a login is due for renewal (ms since epoch); undefined for a given --token or before any login. */
  tokenRenewalDueAt(): number | undefined;
  /** Renews the token now if it is due (or logs in fresh near the max TTL); says what it did. */
  refreshToken(): Promise<"unchanged" | "renewed" | "logged-in">;
  /** A project's id from its slug (the Infisical agent's v1 `project-slug`). */
  resolveProjectId(slug: string): Promise<string>;
  /** An application's id from its name (the agent's v2 `application-name`). */
  resolveApplicationId(name: string): Promise<string>;
  /** The profiles an application may use: id and slug. */
  listApplicationProfiles(applicationId: string): Promise<Array<{ id: string; slug: string }>>;
  close(): Promise<void>;
}

const CERTS = "/v1/cert-manager/certificates";
const LOGIN = "/v1/auth/universal-auth/login";
/** A metadata or token service that does not answer within this long is not there (exit 3, not a hang). */
const METADATA_TIMEOUT_MS = 5_000;
const RENEW_TOKEN = "/v1/auth/token/renew";

export function createApi(connection: Connection, options: ApiOptions = {}): InfisicalApi {
  const { credentials } = connection;
  // Every value that must never be echoed; access tokens from logins are added as they arrive.
  const secrets: (string | undefined)[] = [
    credentials.token, credentials.clientSecret, credentials.identity?.jwt, credentials.identity?.ldap?.password,
    credentials.identity?.gcpKey?.privateKey,
  ];
  const { onLogin: _onLogin, ...transport } = options;
  const http = createHttpClient(connection, { ...transport, secrets });
  const host = http.host;
  const canLogin = Boolean((credentials.clientId && credentials.clientSecret) || credentials.identity);
  let token: string | undefined = credentials.token;
  let login: Promise<string> | undefined;

  async function logIn(): Promise<string> {
    const identity = credentials.identity;
    const label = identity ? METHOD_LABEL[identity.method] : "Universal Auth";
    const who = identity ? `identity ${identity.identityId}` : `client id ${credentials.clientId ?? ""}`;
    const loggedIn = options.onLogin?.(host);
    // The method's module (and its cloud library) is imported only now, when this method logs in.
    const request = identity
      ? await (await import("./login/registry.js")).loadLogin(identity.method).then((build) =>
          build({ login: identity, env: options.env ?? {}, timeoutMs: Math.min(connection.timeoutMs, METADATA_TIMEOUT_MS), ...signalAndDebug() }))
      : universalLogin();
    secrets.push(...request.secrets);
    // Logging in twice has the same effect as once, so the login may be retried like a GET.
    const res = await http.request({ method: "POST", path: request.path, idempotent: true, json: request.body });
    if (res.status >= 200 && res.status < 300) {
      const answer = parse(res, "POST " + request.path, true, (body) => shapes.parseLogin(body));
      const accessToken = answer.accessToken;
      secrets.push(accessToken);
      lifeOf(answer, Date.now());
      // Only now is the login done: a refused one (401) or a broken connection must not read as "Logged in".
      loggedIn?.();
      options.debug?.(`logged in with ${label} as ${who}`);
      return accessToken;
    }
    const response = errorResponse(res);
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      const { message, lines } = describeBody(response, secrets);
      const said = message ?? (lines.length > 0 ? lines.join("; ") : `HTTP ${res.status}`);
      // Universal Auth keeps its original wording; other methods lead with the method's name.
      const refused = identity ? `${label} login refused` : "login refused";
      throw new AuthError(`${refused} for ${who} by ${host} (HTTP ${res.status}): ${said}`, {
        hint: identity
          ? `Check --identity-id and that ${label} is configured for the identity to accept this machine's credential.`
          : "Check INFISICAL_UNIVERSAL_AUTH_CLIENT_ID and the client secret, and that Universal Auth is enabled for the identity.",
      });
    }
    throw errorForResponse(response, { host, operation: "POST " + request.path, attempts: res.attempts, secrets });
  }

  function universalLogin(): LoginRequest {
    const org = credentials.organizationSlug ? { organizationSlug: credentials.organizationSlug } : {};
    return { path: LOGIN, body: { clientId: credentials.clientId ?? "", clientSecret: credentials.clientSecret, ...org }, secrets: [] };
  }

  function signalAndDebug(): { signal?: AbortSignal; debug?: (line: string) => void } {
    return { ...(options.signal ? { signal: options.signal } : {}), ...(options.debug ? { debug: options.debug } : {}) };
  }

  // ---- token lifetime (token.ts decides): renew at 2/3 of the TTL, fresh login near the max TTL ----
  let life: TokenLife | undefined;
  let loginAt = 0;
  let refreshing: Promise<"unchanged" | "renewed" | "logged-in"> | undefined;

  /** Remembers a login's (or renewal's) lifetime when the server said it; tokens without one are used as they are. */
  function lifeOf(answer: { expiresIn?: unknown; accessTokenMaxTTL?: unknown }, now: number, renewal = false): void {
    if (!renewal) loginAt = now;
    const expiresIn = typeof answer.expiresIn === "number" ? answer.expiresIn : undefined;
    const maxTtl = typeof answer.accessTokenMaxTTL === "number" ? answer.accessTokenMaxTTL : 0;
    life = expiresIn === undefined ? undefined : tokenLife(now, expiresIn, maxTtl, loginAt);
  }

  async function renewOrLogIn(): Promise<"unchanged" | "renewed" | "logged-in"> {
    const action = life && token ? tokenAction(life, Date.now()) : "use";
    if (action === "use") return "unchanged";
    if (action === "renew") {
      const res = await http.request({ method: "POST", path: RENEW_TOKEN, idempotent: true, json: { accessToken: token } });
      if (res.status >= 200 && res.status < 300) {
        const answer = parse(res, "POST " + RENEW_TOKEN, true, (body) => shapes.parseLogin(body));
        secrets.push(answer.accessToken);
        token = answer.accessToken;
        lifeOf(answer, Date.now(), true);
        options.debug?.("renewed the access token");
        return "renewed";
      }
      // A refused renewal (max TTL reached, token revoked) is what a fresh login is for.
      options.debug?.(`POST ${RENEW_TOKEN} → ${res.status}: logging in again`);
    }
    token = undefined;
    life = undefined;
    await currentToken();
    return "logged-in";
  }

  function refreshToken(): Promise<"unchanged" | "renewed" | "logged-in"> {
    if (!canLogin) return Promise.resolve("unchanged");
    refreshing ??= renewOrLogIn().finally(() => (refreshing = undefined));
    return refreshing;
  }

  /** The token to send; logs in on first use, and shares one login between concurrent calls. */
  async function currentToken(): Promise<string> {
    if (token && life && canLogin && tokenAction(life, Date.now()) !== "use") await refreshToken();
    if (token) return token;
    login ??= logIn().finally(() => (login = undefined));
    token = await login;
    return token;
  }

  async function call<T>(req: Omit<HttpRequest, "authorization">, read: (res: HttpResponse) => T): Promise<T> {
    const operation = `${req.method} ${req.path}`;
    let loggedInAgain = false;
    for (;;) {
      const used = await currentToken();
      const res = await http.request({ ...req, authorization: `Bearer ${used}` });
      if (res.status >= 200 && res.status < 300) return read(res);
      const response = errorResponse(res);
      if (isTokenError(response) && canLogin && !loggedInAgain) {
        loggedInAgain = true;
        options.debug?.(`${operation} → ${res.status}: logging in again once`);
        // Another call may already have replaced the token; only the first one logs in.
        if (token === used) token = undefined;
        continue;
      }
      throw errorForResponse(response, {
        host, operation, attempts: res.attempts, secrets, ...(res.notRetried ? { hint: res.notRetried } : {}),
      });
    }
  }

  function parse<T>(res: HttpResponse, operation: string, idempotent: boolean, check: (body: unknown) => T): T {
    const unexpected = (problem: string) =>
      new UnavailableError(`unexpected response from ${host} to ${operation}: ${problem}`, {
        hint: idempotent
          ? "A proxy or load balancer may have answered instead of Infisical; check --domain and the proxy settings."
          : "A proxy may have answered instead of Infisical, and the request may still have been processed: " +
            "check the certificate list in Infisical before running the command again.",
      });
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw unexpected(`not JSON (${res.contentType?.split(";")[0] ?? "no content type"}, HTTP ${res.status})`);
    }
    try {
      return check(body);
    } catch (error) {
      if (error instanceof shapes.ShapeError) throw unexpected(error.problem);
      throw error;
    }
  }

  function getJson<T>(path: string, check: (body: unknown) => T, query?: Record<string, string>): Promise<T> {
    const req: Omit<HttpRequest, "authorization"> = { method: "GET", path, idempotent: true };
    if (query) req.query = query;
    return call(req, (res) => parse(res, `GET ${path}`, true, check));
  }

  /** POSTs that issue, renew, revoke or cancel: retried only when provably not processed (retry.ts). */
  function postOnce<T>(path: string, json: unknown, check: (body: unknown) => T): Promise<T> {
    return call({ method: "POST", path, json, idempotent: false }, (res) => parse(res, `POST ${path}`, false, check));
  }

  const id = encodeURIComponent;
  return {
    host,
    async authenticate() {
      if (!token && canLogin) await currentToken();
    },
    resolveProfileId: (slug, projectId) =>
      getJson(`/v1/cert-manager/certificate-profiles/slug/${id(slug)}`, shapes.parseProfileId, { projectId }),
    createCertificate: (body) => postOnce(CERTS, body, shapes.parseCreate),
    getCertificateRequest: (requestId) => getJson(`${CERTS}/certificate-requests/${id(requestId)}`, shapes.parseRequestStatus),
    getCertificate: (certificateId) => getJson(`${CERTS}/${id(certificateId)}/certificate`, shapes.parseWithChain),
    getBundle: (certificateId) => getJson(`${CERTS}/${id(certificateId)}/bundle`, shapes.parseBundle),
    getPrivateKey: (certificateId) => {
      const path = `${CERTS}/${id(certificateId)}/private-key`;
      return call({ method: "GET", path, idempotent: true }, (res) => {
        try {
          return shapes.parsePrivateKeyText(res.text);
        } catch (error) {
          if (!(error instanceof shapes.ShapeError)) throw error;
          throw new UnavailableError(`unexpected response from ${host} to GET ${path}: ${error.problem}`);
        }
      });
    },
    getMetadata: (certificateId) => getJson(`${CERTS}/${id(certificateId)}`, shapes.parseMetadata),
    renewCertificate: (certificateId, body) => postOnce(`${CERTS}/${id(certificateId)}/renew`, body, shapes.parseRenew),
    revokeCertificate: (certificateId, reason) =>
      postOnce(`${CERTS}/${id(certificateId)}/revoke`, { revocationReason: reason }, shapes.parseRevoke),
    tokenRenewalDueAt: () => (life && canLogin ? renewDueAt(life) : undefined),
    refreshToken,
    resolveProjectId: (slug) => getJson(`/v1/projects/slug/${id(slug)}`, (body) => idOf(body, ["project", "workspace"], "project")),
    resolveApplicationId: (name) =>
      getJson(`/v1/cert-manager/applications/by-name/${id(name)}`, (body) => idOf(body, ["application"], "application")),
    listApplicationProfiles: (applicationId) =>
      getJson(`/v1/cert-manager/applications/${id(applicationId)}/profiles`, profileList),
    close: () => http.close(),
  };
}

/** `{id}` at the top, or under one of `keys` (servers differ in the wrapping). */
function idOf(body: unknown, keys: string[], what: string): string {
  const object = body as Record<string, unknown> | null;
  const inner = keys.map((k) => object?.[k]).find((v) => typeof v === "object" && v !== null) as Record<string, unknown> | undefined;
  const value = inner?.id ?? object?.id;
  if (typeof value !== "string" || value === "") throw new shapes.ShapeError(`no ${what} id in the answer`);
  return value;
}

function profileList(body: unknown): Array<{ id: string; slug: string }> {
  const object = body as Record<string, unknown> | null;
  const list = [object?.profiles, object?.certificateProfiles, body].find(Array.isArray) as unknown[] | undefined;
  if (!list) throw new shapes.ShapeError("no list of profiles in the answer");
  return list.flatMap((p) => {
    const item = p as Record<string, unknown> | null;
    return typeof item?.id === "string" && typeof item.slug === "string" ? [{ id: item.id, slug: item.slug }] : [];
  });
}

function errorResponse(res: HttpResponse): ErrorResponse {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, contentType: res.contentType };
}
