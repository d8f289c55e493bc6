// OIDC Auth: a JWT given in a file or INFISICAL_JWT, or, inside GitHub Actions (a job with
// `permissions: id-token: write`), one requested from ACTIONS_ID_TOKEN_REQUEST_URL with the
// job's ACTIONS_ID_TOKEN_REQUEST_TOKEN. The audience asked for is CERTCTL_OIDC_AUDIENCE, else
// the identity id (what the identity's "bound audiences" should then list).
import { AuthError } from "../../model/errors.js";
import { callService, parseJsonField } from "./fetch-json.js";
import { givenLogin } from "./given.js";
import type { LoginBuilder } from "./methods.js";

export const buildLogin: LoginBuilder = async (ctx) => {
  if (ctx.login.jwt) return givenLogin(ctx.login);
  const url = ctx.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = ctx.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw new AuthError("OIDC Auth: no JWT: INFISICAL_JWT and --jwt-file are unset and this is not a GitHub Actions job with an ID token", {
      hint: "Give the token with --jwt-file or INFISICAL_JWT, or in GitHub Actions grant `permissions: id-token: write`.",
    });
  }
  const audience = ctx.env.CERTCTL_OIDC_AUDIENCE || ctx.login.identityId;
  const target = new URL(url);
  target.searchParams.set("audience", audience);
  const text = await callService(ctx, {
    service: "the GitHub Actions ID token service",
    url: target.href,
    headers: { authorization: `bearer ${bearer}`, accept: "application/json" },
    override: "ACTIONS_ID_TOKEN_REQUEST_URL",
  });
  const jwt = parseJsonField(ctx, "the GitHub Actions ID token service", text, "value");
  return { ...givenLogin({ ...ctx.login, jwt }), secrets: [jwt, bearer] };
};
