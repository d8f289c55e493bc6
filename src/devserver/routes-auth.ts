// Universal Auth login and token renewal, and the profile lookup by slug.
import { login, renewToken } from "./auth.js";
import { notFound, validationFailure } from "./http.js";
import { route, type Route } from "./router.js";
import { approvalText } from "./state.js";

export const authRoutes: Route[] = [
  route("POST", "/v1/auth/universal-auth/login", false, async (ctx) => ({
    status: 200,
    json: login(ctx.state, await ctx.body(), { ttlMs: ctx.options.tokenTtlMs, maxTtlMs: ctx.options.tokenMaxTtlMs }),
  })),
  route("POST", "/v1/auth/token/renew", false, async (ctx) => ({
    status: 200,
    json: renewToken(ctx.state, await ctx.body(), { ttlMs: ctx.options.tokenTtlMs, maxTtlMs: ctx.options.tokenMaxTtlMs }),
  })),
  route("GET", "/v1/cert-manager/certificate-profiles/slug/:slug", true, async (ctx) => {
    const projectId = ctx.query.get("projectId");
    if (!projectId) throw validationFailure([{ code: "invalid_type", message: "Required", path: ["projectId"] }]);
    const profile = ctx.state.profiles.find((p) => p.slug === ctx.params[0]);
    if (!profile || projectId !== ctx.state.credentials.projectId) throw notFound("Certificate profile not found");
    return {
      status: 200,
      json: {
        certificateProfile: {
          id: profile.id,
          slug: profile.slug,
          projectId,
          caId: null,
          description: `certctl dev-server profile (${profile.ca.keyAlgorithm} CA, approval ${approvalText(profile.approval)})`,
          enrollmentType: "api",
          createdAt: new Date(0).toISOString(),
          updatedAt: new Date(0).toISOString(),
        },
      },
    };
  }),
];
