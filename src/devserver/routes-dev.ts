// Dev-only endpoints (no token; loopback callers only): decide pending approvals, fetch the
// roots to trust, and read request counts so a test can assert that nothing was sent.
import { notFound, requireUuid } from "./http.js";
import { decide } from "./lifecycle.js";
import { route, type Route, type RouteContext } from "./router.js";
import { requestStatus } from "./views.js";

async function decision(ctx: RouteContext, verdict: "approve" | "reject") {
  const id = requireUuid(ctx.params[0] ?? "", "requestId");
  const request = await decide(ctx.state, id, verdict, ctx.options);
  if (!request) throw notFound("Certificate request not found");
  return { status: 200, json: { certificateRequestId: request.id, ...requestStatus(ctx.state, request) } };
}

export const devRoutes: Route[] = [
  route("POST", "/v1/dev/certificate-requests/:id/approve", false, (ctx) => decision(ctx, "approve"), true),
  route("POST", "/v1/dev/certificate-requests/:id/reject", false, (ctx) => decision(ctx, "reject"), true),
  route("GET", "/v1/dev/ca", false, async (ctx) => {
    const { ec, rsa } = ctx.state.cas;
    return {
      status: 200,
      json: {
        roots: [ec.rootPem, rsa.rootPem],
        ec: { root: ec.rootPem, intermediate: ec.intermediatePem },
        rsa: { root: rsa.rootPem, intermediate: rsa.intermediatePem },
      },
    };
  }, true),
  // The real server's serials have the top bit set about 1 time in 128; tests force the next one.
  route("POST", "/v1/dev/serials/top-bit", false, async (ctx) => {
    ctx.state.topBitSerials++;
    return { status: 200, json: { next: ctx.state.topBitSerials } };
  }, true),
  // A test sets up its fleet with the limit off, then turns it on for the run it measures.
  route("POST", "/v1/dev/rate-limit", false, async (ctx) => {
    const { enabled } = ((await ctx.body()) ?? {}) as { enabled?: unknown };
    if (!ctx.options.limiter) throw notFound("The dev server was started without --rate-limit");
    if (typeof enabled === "boolean") ctx.options.limiter.enabled = enabled;
    return { status: 200, json: { enabled: ctx.options.limiter.enabled } };
  }, true),
  route("GET", "/v1/dev/stats", false, async (ctx) => ({ status: 200, json: Object.fromEntries(ctx.state.stats) }), true),
];
