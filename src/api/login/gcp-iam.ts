// GCP IAM Auth: a JWT {sub: client_email, aud: identity id} signed by Google for the service
// account of a key file, through IAM Credentials `signJwt`. Two calls: an OAuth access token from
// the key file's own token_uri (a JWT-bearer grant, the assertion signed with the key by jose),
// then signJwt at CERTCTL_GCP_IAM_URL (default https://iamcredentials.googleapis.com).
// google-auth-library does the same with gaxios, gtoken and more (numbers in the README).
import { importPKCS8, SignJWT } from "jose";
import { AuthError } from "../../model/errors.js";
import { callService, parseJsonField } from "./fetch-json.js";
import { jwtBody } from "./given.js";
import type { LoginBuilder } from "./methods.js";

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export const buildLogin: LoginBuilder = async (ctx) => {
  const key = ctx.login.gcpKey;
  if (!key) throw new AuthError("GCP IAM Auth: no service-account key file (--gcp-key-file or INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH)");
  let privateKey: CryptoKey;
  try {
    privateKey = await importPKCS8(key.privateKey, "RS256");
  } catch {
    throw new AuthError("GCP IAM Auth: the key file's private_key is not an RSA PKCS#8 key");
  }
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: "RS256", typ: "JWT" })
    .setIssuer(key.clientEmail).setAudience(key.tokenUri).setIssuedAt(now).setExpirationTime(now + 600)
    .sign(privateKey);
  const tokenText = await callService(ctx, {
    service: "Google's OAuth token endpoint", url: key.tokenUri, method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
    override: "the key file's token_uri",
  });
  const accessToken = parseJsonField(ctx, "Google's OAuth token endpoint", tokenText, "access_token");
  const base = (ctx.env.CERTCTL_GCP_IAM_URL || "https://iamcredentials.googleapis.com").replace(/\/+$/, "");
  const signText = await callService(ctx, {
    service: "the IAM Credentials API", method: "POST",
    url: `${base}/v1/projects/-/serviceAccounts/${encodeURIComponent(key.clientEmail)}:signJwt`,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ payload: JSON.stringify({ sub: key.clientEmail, aud: ctx.login.identityId, exp: now + 900 }) }),
    override: "CERTCTL_GCP_IAM_URL",
  });
  const jwt = parseJsonField(ctx, "the IAM Credentials API", signText, "signedJwt");
  return {
    path: "/v1/auth/gcp-auth/login",
    body: jwtBody(ctx.login, jwt),
    secrets: [jwt, accessToken, assertion],
  };
};
