// The methods whose credential certctl was handed (a file or the environment): kubernetes (the
// service-account token), jwt (a JWT) and ldap (username and password). Nothing to fetch.
import type { IdentityLogin, LoginBuilder, LoginRequest } from "./methods.js";

export const buildLogin: LoginBuilder = async ({ login }) => givenLogin(login);

/** `{identityId, jwt, organizationSlug?}`: the body of every JWT-based login route. */
export function jwtBody(login: IdentityLogin, jwt: string | undefined): Record<string, unknown> {
  return { identityId: login.identityId, jwt, ...(login.organizationSlug ? { organizationSlug: login.organizationSlug } : {}) };
}

export function givenLogin(login: IdentityLogin): LoginRequest {
  const org = login.organizationSlug ? { organizationSlug: login.organizationSlug } : {};
  switch (login.method) {
    case "kubernetes":
      return { path: "/v1/auth/kubernetes-auth/login", body: { identityId: login.identityId, jwt: login.jwt, ...org }, secrets: [] };
    case "jwt":
      return { path: "/v1/auth/jwt-auth/login", body: { identityId: login.identityId, jwt: login.jwt, ...org }, secrets: [] };
    case "oidc":
      return { path: "/v1/auth/oidc-auth/login", body: { identityId: login.identityId, jwt: login.jwt, ...org }, secrets: [] };
    case "ldap":
      return {
        path: "/v1/auth/ldap-auth/login",
        body: { identityId: login.identityId, username: login.ldap?.username, password: login.ldap?.password, ...org },
        secrets: [],
      };
    default:
      throw new Error(`${login.method} is not a given-credential method`);
  }
}
