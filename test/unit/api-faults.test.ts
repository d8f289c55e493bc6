// The API client against a scripted local server that misbehaves on purpose: retries,
// waits, timeouts, resets, HTML pages, refusals, re-login, and the secret scan.
import { afterEach, describe, expect, it } from "vitest";
import { createApi, type ApiOptions } from "../../src/api/infisical.js";
import type { Connection, Credentials } from "../../src/api/config.js";
import { AuthError, CertctlError, InterruptedError, RefusedError, UnavailableError } from "../../src/model/errors.js";
import { apiError, startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";

const TOKEN = "tok-secret-0123456789abcdef";
const CLIENT_ID = "client-id-1234";
const CLIENT_SECRET = "client-secret-9876543210fedcba";
const KEY_PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";

const CERTS = "/api/v1/cert-manager/certificates";
const LOGIN = "POST /api/v1/auth/universal-auth/login";
const CREATE = `POST ${CERTS}`;
const GET_CERT = `GET ${CERTS}/c1/certificate`;

const certOk = { body: { certificate: "-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----", certificateChain: null, serialNumber: "01" } };
const createOk = {
  body: {
    certificate: {
      certificate: "LEAF", issuingCaCertificate: "CA", certificateChain: "CA\nROOT", serialNumber: "0a", certificateId: "c1",
    },
    certificateRequestId: "r1",
    status: "issued",
  },
};
const createBody = { profileId: "00000000-0000-4000-8000-000000000000", csr: "CSR" };

let server: ScriptedServer | undefined;
let debugLines: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  debugLines = [];
});

async function setup(opts: { credentials?: Credentials; retries?: number; timeoutMs?: number; api?: ApiOptions } = {}) {
  server = await startScriptedServer();
  const connection: Connection = {
    apiUrl: `${server.url}/api`,
    credentials: opts.credentials ?? { token: TOKEN },
    timeoutMs: opts.timeoutMs ?? 5000,
    retries: opts.retries ?? 3,
  };
  const api = createApi(connection, { retryBaseMs: 5, debug: (line) => debugLines.push(line), env: {}, ...opts.api });
  return { api, server, host: `127.0.0.1:${server.port}` };
}

async function failure(promise: Promise<unknown>): Promise<CertctlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CertctlError);
  return error as CertctlError;
}

function loginScript(server: ScriptedServer) {
  let n = 0;
  server.on(LOGIN, () => ({ body: { accessToken: `access-token-${++n}-abcdef`, expiresIn: 7200, accessTokenMaxTTL: 7200, tokenType: "Bearer" } }));
}

/** Everything a user or a log could see of an error. */
function shown(error: CertctlError): string {
  return [error.message, ...error.lines, error.hint ?? ""].join("\n");
}

describe("retries", () => {
  it("503 then success on a GET", async () => {
    const { api, server } = await setup();
    server.on(GET_CERT, apiError(503, "ServiceUnavailable", "down"), certOk);
    await expect(api.getCertificate("c1")).resolves.toMatchObject({ serialNumber: "01", certificateChain: null });
    expect(server.count(GET_CERT)).toBe(2);
  });

  it("429 with Retry-After: 1 waits about a second", async () => {
    const { api, server } = await setup();
    server.on(GET_CERT, { status: 429, headers: { "retry-after": "1" }, body: { statusCode: 429, error: "RateLimitExceeded", message: "slow down" } }, certOk);
    const started = Date.now();
    await api.getCertificate("c1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.count(GET_CERT)).toBe(2);
  });

  it("429 'Please try again in 1 seconds' without a header waits about a second", async () => {
    const { api, server } = await setup();
    server.on(GET_CERT, apiError(429, "RateLimitExceeded", "Rate limit exceeded. Please try again in 1 seconds"), certOk);
    const started = Date.now();
    await api.getCertificate("c1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("a Retry-After beyond the cap gives up at once with exit 6", async () => {
    const { api, server, host } = await setup({ api: { maxRetryAfterMs: 2000 } });
    server.on(GET_CERT, { status: 429, headers: { "retry-after": "3600" }, body: { statusCode: 429, error: "RateLimitExceeded", message: "slow down" } });
    const started = Date.now();
    const error = await failure(api.getCertificate("c1"));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain(`${host} answered HTTP 429`);
  });

  it("5xx on every attempt: exit 6 naming host, status and attempts", async () => {
    const { api, server, host } = await setup({ retries: 3 });
    server.on(GET_CERT, apiError(503, "ServiceUnavailable", "maintenance"));
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.exitCode).toBe(6);
    expect(error.message).toBe(`${host} answered HTTP 503 to GET /v1/cert-manager/certificates/c1/certificate after 4 attempts: maintenance`);
    expect(server.count(GET_CERT)).toBe(4);
  });

  it("a server that never answers: timeout per attempt, exit 6 with attempts", async () => {
    const { api, server, host } = await setup({ retries: 1, timeoutMs: 300 });
    server.on(GET_CERT, { kind: "hang" });
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(new RegExp(`no answer from ${host} within 300 ms .* after 2 attempts`));
    expect(server.count(GET_CERT)).toBe(2);
  });

  it("an answer larger than any Infisical answer is cut off, not read into memory", async () => {
    const { api, server } = await setup({ retries: 0 });
    server.on(GET_CERT, { body: "x".repeat(11 * 1024 * 1024) });
    const error = await failure(api.getCertificate("c1"));
    expect(error.exitCode).toBe(6);
    expect(shown(error)).toMatch(/BODY_TOO_LARGE|larger than/);
  });

  it("a connection reset mid-body is retried on a GET", async () => {
    const { api, server } = await setup();
    server.on(GET_CERT, { kind: "reset-mid-body" }, certOk);
    await expect(api.getCertificate("c1")).resolves.toMatchObject({ serialNumber: "01" });
    expect(server.count(GET_CERT)).toBe(2);
  });

  it("connection refused: retried, then exit 6 naming ECONNREFUSED and the attempts", async () => {
    const { api, server, host } = await setup({ retries: 2 });
    await server.close();
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(new RegExp(`cannot reach ${host} \\(ECONNREFUSED.*after 3 attempts`));
    expect(debugLines.filter((line) => line.startsWith("retrying POST"))).toHaveLength(2);
  });
});

describe("the issue call is never repeated when it may have been processed", () => {
  it.each([500, 502, 504])("%i on createCertificate: exactly one request, exit 6, hint says why", async (status) => {
    const { api, server } = await setup();
    server.on(CREATE, apiError(status, "InternalServerError", "boom"), createOk);
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain("after 1 attempt:");
    expect(error.hint).toMatch(/Not retried/);
    expect(server.count(CREATE)).toBe(1);
  });

  it.each([503, 429])("%i on createCertificate is retried (nothing was processed)", async (status) => {
    const { api, server } = await setup();
    server.on(CREATE, apiError(status, "Unavailable", "later"), createOk);
    await expect(api.createCertificate(createBody)).resolves.toMatchObject({ certificateRequestId: "r1", status: "issued" });
    expect(server.count(CREATE)).toBe(2);
  });

  it("a reset mid-body on createCertificate is not retried", async () => {
    const { api, server } = await setup();
    server.on(CREATE, { kind: "reset-mid-body" }, createOk);
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.hint).toMatch(/Not retried/);
    expect(server.count(CREATE)).toBe(1);
  });

  it("a timeout on createCertificate is not retried", async () => {
    const { api, server } = await setup({ timeoutMs: 300 });
    server.on(CREATE, { kind: "hang" });
    const error = await failure(api.createCertificate(createBody));
    expect(error.message).toContain("after 1 attempt");
    expect(server.count(CREATE)).toBe(1);
  });

  it("renew and revoke follow the same rule", async () => {
    const { api, server } = await setup();
    server.on(`POST ${CERTS}/c1/renew`, apiError(502, "BadGateway", "gw"));
    server.on(`POST ${CERTS}/c1/revoke`, apiError(500, "InternalServerError", "boom"));
    await failure(api.renewCertificate("c1", {}));
    await failure(api.revokeCertificate("c1", "SUPERSEDED"));
    expect(server.count()).toBe(2);
  });
});

describe("answers that are not what the spec says", () => {
  it("an HTML page with 200 is exit 6 and not retried", async () => {
    const { api, server, host } = await setup();
    server.on(GET_CERT, { kind: "html", status: 200 });
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe(`unexpected response from ${host} to GET /v1/cert-manager/certificates/c1/certificate: not JSON (text/html, HTTP 200)`);
    expect(server.count(GET_CERT)).toBe(1);
  });

  it("an HTML 502 from a proxy is retried on a GET, then exit 6 saying it was HTML", async () => {
    const { api, server } = await setup({ retries: 1 });
    server.on(GET_CERT, { kind: "html", status: 502 });
    const error = await failure(api.getCertificate("c1"));
    expect(error.message).toMatch(/HTTP 502 .* after 2 attempts: a text\/html body/);
    expect(server.count(GET_CERT)).toBe(2);
  });

  it("an HTML 500 on the issue call: one request, exit 6", async () => {
    const { api, server } = await setup();
    server.on(CREATE, { kind: "html", status: 500 });
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(server.count(CREATE)).toBe(1);
  });

  it("a 200 without certificateRequestId is exit 6 naming the field", async () => {
    const { api, server, host } = await setup();
    server.on(CREATE, { body: { certificate: null, status: "pending_approval" } });
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toBe(`unexpected response from ${host} to POST /v1/cert-manager/certificates: missing certificateRequestId`);
  });

  it.each([
    [{ certificateChain: "x", serialNumber: "01" }, "missing certificate"],
    [{ certificate: 7, serialNumber: "01" }, "certificate is not a string"],
    [[], "the body is not a JSON object"],
  ])("shape check of /certificate: %j → %s", async (body, problem) => {
    const { api, server } = await setup();
    server.on(GET_CERT, { body });
    const error = await failure(api.getCertificate("c1"));
    expect(error.message).toMatch(new RegExp(`: ${problem}$`));
  });

  it("a nested missing field is named with its path", async () => {
    const { api, server } = await setup();
    server.on(CREATE, { body: { certificate: { certificate: "L", serialNumber: "1" }, certificateRequestId: "r1" } });
    const error = await failure(api.createCertificate(createBody));
    expect(error.message).toMatch(/missing certificate\.certificateId$/);
  });

  it("the private-key endpoint answers plain text; anything else is exit 6 without echoing it", async () => {
    const { api, server } = await setup();
    server.on(`GET ${CERTS}/c1/private-key`, { body: KEY_PEM }, { body: "not a key but has " + TOKEN });
    await expect(api.getPrivateKey("c1")).resolves.toBe(KEY_PEM + "\n");
    const error = await failure(api.getPrivateKey("c1"));
    expect(error.message).toMatch(/not a PEM private key/);
    expect(shown(error)).not.toContain(TOKEN);
  });
});

describe("refusals", () => {
  it("422 array → one line per issue with its path, exit 4", async () => {
    const { api, server } = await setup();
    server.on(CREATE, apiError(422, "ValidationFailure", [
      { code: "too_big", message: "String must contain at most 100 character(s)", path: ["attributes", "commonName"] },
      { code: "invalid_string", message: "Invalid uuid", path: ["profileId"] },
    ]));
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(RefusedError);
    expect(error.exitCode).toBe(4);
    expect((error as RefusedError).status).toBe(422);
    expect(error.lines).toEqual([
      "attributes.commonName: String must contain at most 100 character(s)",
      "profileId: Invalid uuid",
    ]);
    expect(server.count(CREATE)).toBe(1);
  });

  it.each([
    [400, "BadRequest", "Certificate request validation failed: email SAN is not allowed by template policy"],
    [404, "NotFound", "Certificate profile not found"],
  ])("%i → RefusedError with the server's message verbatim, no retry", async (status, error, message) => {
    const { api, server } = await setup();
    server.on(CREATE, apiError(status, error, message));
    const refused = await failure(api.createCertificate(createBody));
    expect(refused).toBeInstanceOf(RefusedError);
    expect((refused as RefusedError).status).toBe(status);
    expect(refused.message).toContain(message);
    expect(server.count(CREATE)).toBe(1);
  });

  it("resolveProfileId sends the slug and projectId", async () => {
    const { api, server } = await setup();
    server.on("GET /api/v1/cert-manager/certificate-profiles/slug/web%20servers", { body: { certificateProfile: { id: "p-1", slug: "web servers" } } });
    await expect(api.resolveProfileId("web servers", "proj-1")).resolves.toBe("p-1");
    expect(server.requests[0]?.url).toBe("/api/v1/cert-manager/certificate-profiles/slug/web%20servers?projectId=proj-1");
  });
});

describe("authentication", () => {
  it("a token is sent as exactly 'Bearer <token>'", async () => {
    const { api, server } = await setup();
    server.on(GET_CERT, certOk);
    await api.getCertificate("c1");
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(server.count(LOGIN)).toBe(0);
  });

  it("Universal Auth logs in lazily, once for several calls", async () => {
    const { api, server } = await setup({ credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    loginScript(server);
    server.on(GET_CERT, certOk);
    await Promise.all([api.getCertificate("c1"), api.getCertificate("c1")]);
    await api.getCertificate("c1");
    expect(server.count(LOGIN)).toBe(1);
    expect(JSON.parse(server.requests[0]?.body ?? "{}")).toEqual({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(server.requests[1]?.headers.authorization).toBe("Bearer access-token-1-abcdef");
  });

  it.each([
    ["401", apiError(401, "UnauthorizedError", "Token missing")],
    ["403 TokenError", apiError(403, "TokenError", "invalid token")],
  ])("%s → logs in again once, then success", async (_name, refusal) => {
    const { api, server } = await setup({ credentials: { token: TOKEN, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    loginScript(server);
    server.on(GET_CERT, (req) => (req.headers.authorization === "Bearer access-token-1-abcdef" ? certOk : refusal));
    await expect(api.getCertificate("c1")).resolves.toMatchObject({ serialNumber: "01" });
    expect(server.count(LOGIN)).toBe(1);
    expect(server.count(GET_CERT)).toBe(2);
  });

  it("a token that stays refused: one re-login only, then exit 3", async () => {
    const { api, server } = await setup({ credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    loginScript(server);
    server.on(GET_CERT, apiError(403, "TokenError", "invalid token"));
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.exitCode).toBe(3);
    expect(server.count(LOGIN)).toBe(2);
    expect(server.count(GET_CERT)).toBe(2);
  });

  it.each([
    ["401", apiError(401, "UnauthorizedError", "Token missing"), /authentication failed .*Token missing/],
    ["403 TokenError", apiError(403, "TokenError", "invalid token"), /token was refused .*invalid token/],
  ])("%s without client credentials → exit 3, no login", async (_name, refusal, message) => {
    const { api, server } = await setup();
    server.on(GET_CERT, refusal);
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(message);
    expect(server.count()).toBe(1);
  });

  it("403 PermissionDenied → exit 3 saying the identity lacks the permission, no re-login", async () => {
    const { api, server } = await setup({ credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    loginScript(server);
    server.on(CREATE, { status: 403, body: { statusCode: 403, error: "PermissionDenied", message: "You are not allowed to create on Certificates", details: [] } });
    const error = await failure(api.createCertificate(createBody));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/lacks the permission.*You are not allowed to create on Certificates/);
    expect(server.count(LOGIN)).toBe(1);
    expect(server.count(CREATE)).toBe(1);
  });

  it("a refused login → exit 3 naming the client id, never the secret", async () => {
    const { api, server } = await setup({ credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    server.on(LOGIN, apiError(401, "UnauthorizedError", `Invalid credentials for ${CLIENT_SECRET}`));
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(new RegExp(`^login refused for client id ${CLIENT_ID} by .*Invalid credentials`));
    expect(shown(error)).not.toContain(CLIENT_SECRET);
    expect(server.count(GET_CERT)).toBe(0);
  });

  it("a login answered 503 is retried like a GET", async () => {
    const { api, server } = await setup({ credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    server.on(LOGIN, apiError(503, "Unavailable", "x"));
    loginScript(server);
    server.on(GET_CERT, certOk);
    await api.getCertificate("c1");
    expect(server.count(LOGIN)).toBe(2);
  });
});

describe("interruption", () => {
  it("aborting the run's signal while waiting rethrows it as InterruptedError", async () => {
    const controller = new AbortController();
    const { api, server } = await setup({ api: { signal: controller.signal } });
    server.on(GET_CERT, { kind: "hang" });
    setTimeout(() => controller.abort({ signal: "SIGTERM" }), 100);
    const error = await failure(api.getCertificate("c1"));
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error.exitCode).toBe(143);
  });

  it("aborting during a backoff sleep stops at once", async () => {
    const controller = new AbortController();
    const { api, server } = await setup({ api: { signal: controller.signal } });
    server.on(GET_CERT, { status: 503, headers: { "retry-after": "30" }, body: {} });
    setTimeout(() => controller.abort({ signal: "SIGINT" }), 150);
    const started = Date.now();
    const error = await failure(api.getCertificate("c1"));
    expect(error.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("secrets never leak", () => {
  it("into errors or debug lines, whatever the server echoes", async () => {
    const { api, server } = await setup({ credentials: { token: TOKEN, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
    const echo = `echo: Bearer ${TOKEN} secret=${CLIENT_SECRET} key=${KEY_PEM}`;
    loginScript(server);
    server.on(CREATE, apiError(400, "BadRequest", echo));
    server.on(`POST ${CERTS}/c1/renew`, apiError(422, "ValidationFailure", [{ message: echo, path: ["csr"] }]));
    server.on(`POST ${CERTS}/c1/revoke`, apiError(500, "InternalServerError", echo));
    server.on(GET_CERT, apiError(403, "TokenError", echo));
    server.on(`GET ${CERTS}/c1/bundle`, apiError(403, "PermissionDenied", echo));
    server.on(`GET ${CERTS}/c2/bundle`, { status: 200, body: { certificate: "L", serialNumber: 1, privateKey: KEY_PEM } });
    const errors = [
      await failure(api.createCertificate(createBody)),
      await failure(api.renewCertificate("c1", {})),
      await failure(api.revokeCertificate("c1", "KEY_COMPROMISE")),
      await failure(api.getCertificate("c1")),
      await failure(api.getBundle("c1")),
      await failure(api.getBundle("c2")),
    ];
    const everything = [...errors.map(shown), ...debugLines].join("\n");
    expect(everything).toContain("[redacted]");
    for (const secret of [TOKEN, CLIENT_SECRET, "access-token-1-abcdef", "access-token-2-abcdef", "MIGHAgEAMBMGByqGSM49"]) {
      expect(everything).not.toContain(secret);
    }
    expect(debugLines.length).toBeGreaterThan(5);
  });
});
