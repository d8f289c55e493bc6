// The machine-identity login routes (Infisical's "Machine identity login") with real
// verification, and the loopback-only dev endpoint that mints JWTs for tests and fakes.
import { SignJWT } from "jose";
import { newLogin } from "../auth.js";
import { HttpError, isUuid, unauthorized, validationFailure } from "../http.js";
import { route, type Route, type RouteContext } from "../router.js";
import type { MachineIdentity } from "./identity.js";
import { verifyLoginJwt, type JwtMethod } from "./verify-jwt.js";
import { verifyAwsLogin } from "./verify-sigv4.js";
import { timingSafeEqual } from "node:crypto";

/** The only organization slug a login may name (`organizationSlug` is optional). */
export const DEV_ORGANIZATION_SLUG = "certctl-dev";

type Verify = (identity: MachineIdentity, body: Record<string, unknown>) => Promise<string>;

function login(path: string, fields: string[], verify: Verify): Route {
  return route("POST", `/v1/auth/${path}/login`, false, async (ctx) => {
    const identity = machine(ctx);
    const body = ((await ctx.body()) ?? {}) as Record<string, unknown>;
    const issues = ["identityId", ...fields]
      .filter((field) => typeof body[field] !== "string" || body[field] === "")
      .map((field) => ({ code: "invalid_type", message: "Required", path: [field] }));
    if (issues.length > 0) throw validationFailure(issues);
    if (!isUuid(body.identityId as string)) throw validationFailure([{ code: "invalid_string", message: "Invalid uuid", path: ["identityId"] }]);
    if (body.organizationSlug !== undefined && body.organizationSlug !== DEV_ORGANIZATION_SLUG) {
      throw new HttpError(403, `Identity is not a member of organization ${String(body.organizationSlug)}`, "ForbiddenRequestError");
    }
    if (body.identityId !== identity.identityId) throw unauthorized("Invalid credentials: unknown machine identity for this auth method");
    await verify(identity, body);
    return { status: 200, json: newLogin(ctx.state, { ttlMs: ctx.options.tokenTtlMs, maxTtlMs: ctx.options.tokenMaxTtlMs }) };
  });
}

const jwtLogin = (method: JwtMethod): Verify => (identity, body) => verifyLoginJwt(identity, method, body.jwt as string);

export const loginRoutes: Route[] = [
  login("kubernetes-auth", ["jwt"], jwtLogin("kubernetes")),
  login("gcp-auth", ["jwt"], jwtLogin("gcp")),
  login("azure-auth", ["jwt"], jwtLogin("azure")),
  login("oidc-auth", ["jwt"], jwtLogin("oidc")),
  login("jwt-auth", ["jwt"], jwtLogin("jwt")),
  login("aws-auth", ["iamHttpRequestMethod", "iamRequestBody", "iamRequestHeaders"], async (identity, body) => verifyAwsLogin(identity, body)),
  login("ldap-auth", ["username", "password"], async (identity, body) => {
    if (body.username !== identity.ldap.username || !same(body.password as string, identity.ldap.password)) {
      throw unauthorized("Invalid credentials");
    }
    return identity.ldap.username;
  }),
  // Dev only: a JWT signed by the key every JWT login trusts. Body: {aud?, sub?, expiresIn? (seconds,
  // negative for one already expired), claims?}; aud defaults to the identity id.
  route("POST", "/v1/dev/jwt", false, async (ctx) => {
    const identity = machine(ctx);
    const body = ((await ctx.body()) ?? {}) as { aud?: string; sub?: string; expiresIn?: number; claims?: Record<string, unknown> };
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = typeof body.expiresIn === "number" ? body.expiresIn : 600;
    const jwt = await new SignJWT({ ...(body.claims ?? {}) })
      .setProtectedHeader({ alg: "ES256", typ: "JWT" })
      .setIssuer(identity.issuer)
      .setAudience(body.aud ?? identity.identityId)
      .setSubject(body.sub ?? "system:serviceaccount:certctl:dev")
      .setIssuedAt(Math.min(now, now + expiresIn - 60))
      .setExpirationTime(now + expiresIn)
      .sign(identity.jwtKeys.privateKey);
    return { status: 200, json: { jwt } };
  }, true),
  route("GET", "/v1/dev/jwks", false, async (ctx) => ({ status: 200, json: { keys: [machine(ctx).jwtKeys.publicJwk] } }), true),
];

function machine(ctx: RouteContext): MachineIdentity {
  if (!ctx.state.machine) throw new HttpError(404, "machine identities are not enabled on this dev server", "NotFound");
  return ctx.state.machine;
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
