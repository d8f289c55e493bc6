// Loopback fakes of the platform services certctl's machine-identity logins ask for a credential:
// EC2 IMDSv2, the GCE metadata server, Azure IMDS and the App Service IDENTITY_ENDPOINT, GitHub
// Actions' ID token URL, and Google's OAuth token endpoint + IAM Credentials signJwt. Each checks
// what the real service checks (the IMDSv2 session token, Metadata-Flavor, Metadata: true,
// X-IDENTITY-HEADER, the Actions bearer, a JWT-bearer assertion signed by the key file's key) and
// hands out JWTs minted by the dev server, so the dev server's verification decides the login.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import { jwtVerify, decodeJwt } from "jose";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeOptions {
  /** A JWT signed by the dev server's key, for this audience and subject. */
  mint: (aud: string, sub?: string) => Promise<string>;
  aws?: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  region?: string;
  /** The bearer GitHub Actions hands the job (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  actionsToken?: string;
  /** App Service's IDENTITY_HEADER. */
  identityHeader?: string;
  /** A service account whose key file certctl holds (gcp-iam). */
  gcp?: { clientEmail: string; publicKeyPem: string };
}

export interface FakeMetadata {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, the form GCE_METADATA_HOST takes. */
  hostPort: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const IMDS_ROLE = "certctl-dev-role";

export async function startFakeMetadata(options: FakeOptions): Promise<FakeMetadata> {
  const requests: SeenRequest[] = [];
  const imdsTokens = new Set<string>();
  const googleTokens = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://fake.invalid");
      requests.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, body });
      const reply = (status: number, payload: unknown) => {
        const text = typeof payload === "string" ? payload : JSON.stringify(payload);
        res.writeHead(status, { "content-type": typeof payload === "string" ? "text/plain" : "application/json" });
        res.end(text);
      };
      void answer(req, url, body).then(([status, payload]) => reply(status, payload), (error: Error) => reply(500, error.message));
    });
  });

  async function answer(req: IncomingMessage, url: URL, body: string): Promise<[number, unknown]> {
    const h = req.headers;
    // EC2 IMDSv2: a session token first, then every read carries it.
    if (req.method === "PUT" && url.pathname === "/latest/api/token") {
      if (!h["x-aws-ec2-metadata-token-ttl-seconds"]) return [400, "missing ttl"];
      const token = randomBytes(16).toString("hex");
      imdsTokens.add(token);
      return [200, token];
    }
    if (url.pathname.startsWith("/latest/")) {
      if (!imdsTokens.has(String(h["x-aws-ec2-metadata-token"] ?? ""))) return [401, "Unauthorized"];
      if (url.pathname === "/latest/meta-data/placement/region") return [200, options.region ?? "eu-west-1"];
      const creds = /^\/latest\/meta-data\/iam\/security-credentials(?:-extended)?\/(.*)$/.exec(url.pathname);
      if (creds && options.aws) {
        if (creds[1] === "") return [200, IMDS_ROLE];
        if (creds[1] !== IMDS_ROLE) return [404, "Not Found"];
        return [200, {
          Code: "Success", Type: "AWS-HMAC", LastUpdated: new Date().toISOString(),
          AccessKeyId: options.aws.accessKeyId, SecretAccessKey: options.aws.secretAccessKey, Token: options.aws.sessionToken,
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }];
      }
      return [404, "Not Found"];
    }
    // GCE metadata: identity tokens for an audience, only with Metadata-Flavor: Google.
    if (url.pathname === "/computeMetadata/v1/instance/service-accounts/default/identity") {
      if (h["metadata-flavor"] !== "Google") return [403, "Missing Metadata-Flavor:Google header"];
      const audience = url.searchParams.get("audience");
      if (!audience) return [400, "non-empty audience parameter required"];
      return [200, await options.mint(audience, "gce-instance@certctl-dev.iam.gserviceaccount.com")];
    }
    // Azure IMDS and App Service's identity endpoint: an ARM token for the resource asked for.
    if (url.pathname === "/metadata/identity/oauth2/token" || url.pathname === "/msi/token") {
      const appService = url.pathname === "/msi/token";
      if (appService ? h["x-identity-header"] !== options.identityHeader : h.metadata !== "true") return [400, { error: "invalid_request" }];
      const resource = url.searchParams.get("resource");
      if (!resource) return [400, { error: "invalid_resource" }];
      return [200, { access_token: await options.mint(resource, "azure-managed-identity"), token_type: "Bearer", resource }];
    }
    // GitHub Actions: the job's bearer buys an ID token for an audience.
    if (url.pathname === "/actions/token") {
      if (h.authorization !== `bearer ${options.actionsToken}`) return [401, { message: "Bad credentials" }];
      const audience = url.searchParams.get("audience") ?? "https://github.com/certctl";
      return [200, { count: 1, value: await options.mint(audience, "repo:certctl/certctl:ref:refs/heads/main") }];
    }
    // Google OAuth: a JWT-bearer grant whose assertion the service account's key signed.
    if (req.method === "POST" && url.pathname === "/oauth2/token" && options.gcp) {
      const form = new URLSearchParams(body);
      try {
        const { payload } = await jwtVerify(form.get("assertion") ?? "", createPublicKey(options.gcp.publicKeyPem), { issuer: options.gcp.clientEmail });
        if (payload.aud !== `${fakeUrl()}/oauth2/token`) return [400, { error: "invalid_grant", error_description: "Invalid JWT audience" }];
      } catch {
        return [400, { error: "invalid_grant", error_description: "Invalid JWT Signature." }];
      }
      const token = `ya29.${randomBytes(24).toString("base64url")}`;
      googleTokens.add(token);
      return [200, { access_token: token, expires_in: 3599, token_type: "Bearer" }];
    }
    const sign = /^\/v1\/projects\/-\/serviceAccounts\/([^/]+):signJwt$/.exec(url.pathname);
    if (req.method === "POST" && sign && options.gcp) {
      if (!googleTokens.has(String(h.authorization ?? "").replace(/^Bearer /, ""))) return [401, { error: { code: 401, status: "UNAUTHENTICATED" } }];
      if (decodeURIComponent(sign[1]!) !== options.gcp.clientEmail) return [403, { error: { code: 403, status: "PERMISSION_DENIED" } }];
      const payload = JSON.parse((JSON.parse(body) as { payload: string }).payload) as { sub: string; aud: string };
      if (payload.sub !== options.gcp.clientEmail) return [400, { error: { code: 400, status: "INVALID_ARGUMENT" } }];
      return [200, { keyId: "dev", signedJwt: await options.mint(payload.aud, payload.sub) }];
    }
    return [404, "Not Found"];
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fakeUrl = () => `http://127.0.0.1:${port}`;
  return {
    url: fakeUrl(), hostPort: `127.0.0.1:${port}`, requests,
    close: () => closeServer(server),
  };
}

/** A service that accepts connections and never answers: certctl must give up on its own. */
export async function startSilentServer(): Promise<{ url: string; hostPort: string; close(): Promise<void> }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, hostPort: `127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await closeServer(server);
  return port;
}

/**
 * A service-account key file's JSON (token_uri at the fake) and the public half the fake checks.
 * `privateKey`: one of the run's fixture keys (fixture-keys.ts); the key itself is not the subject.
 */
export function gcpServiceAccountKey(fakeUrl: string, privateKey: KeyObject): { keyFile: string; clientEmail: string; publicKeyPem: string; privateKeyPem: string } {
  const publicKey = createPublicKey(privateKey);
  const clientEmail = "certctl@certctl-dev.iam.gserviceaccount.com";
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const keyFile = JSON.stringify({
    type: "service_account", project_id: "certctl-dev", private_key_id: "0123abcd", private_key: privateKeyPem,
    client_email: clientEmail, client_id: "1234567890", token_uri: `${fakeUrl}/oauth2/token`,
  });
  return { keyFile, clientEmail, privateKeyPem, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** The claims of a JWT, to assert what a fake was asked for. */
export const claimsOf = decodeJwt;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
