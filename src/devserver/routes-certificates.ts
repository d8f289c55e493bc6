// /api/v1/cert-manager/certificates: issue, poll and cancel requests; read, renew and revoke
// certificates. Checks run in the order a real server runs them (schema, profile, policy, CSR).
import { REVOCATION_REASONS, type CreateCertificateBody, type RenewalKeySource } from "../model/types.js";
import { generateKeyPair } from "./crypto.js";
import { HttpError, badRequest, internalError, notFound, requireUuid, validationFailure } from "./http.js";
import { cancel, newRequest, submit } from "./lifecycle.js";
import { keyAlgorithmOf, lifetimeFromTtl, planFromAttributes, planFromCsr } from "./plan.js";
import { route, type Route, type RouteContext } from "./router.js";
import type { CertificateRecord, RequestRecord, SigningPlan } from "./state.js";
import { validateIssueBody } from "./validate.js";
import { bundle, createAnswer, issuedCertificate, metadata, pendingMessage, requestStatus, wantsRootsRemoved, withChain } from "./views.js";

const BASE = "/v1/cert-manager/certificates";

async function createCertificate(ctx: RouteContext) {
  const body = await ctx.body();
  const issues = validateIssueBody(body);
  if (issues.length > 0) throw validationFailure(issues);
  const { profileId, csr, attributes = {}, removeRootsFromChain } = body as CreateCertificateBody;
  const profile = ctx.state.profiles.find((p) => p.id === profileId.toLowerCase());
  if (!profile) throw notFound("Certificate profile not found");
  const lifetimeMs = lifetimeFromTtl(profile, attributes.ttl);
  const plan = csr !== undefined ? await planFromCsr(profile, csr, attributes, lifetimeMs) : planFromAttributes(profile, attributes, lifetimeMs);
  const request = newRequest(profile, plan);
  await submit(ctx.state, request, ctx.options);
  return { status: 200, json: createAnswer(ctx.state, request, wantsRootsRemoved(removeRootsFromChain)) };
}

function findRequest(ctx: RouteContext): RequestRecord {
  const request = ctx.state.requests.get(requireUuid(ctx.params[0] ?? "", "requestId"));
  if (!request) throw notFound("Certificate request not found");
  return request;
}

function findCertificate(ctx: RouteContext): CertificateRecord {
  const id = requireUuid(ctx.params[0] ?? "", "certificateId");
  const cert = ctx.state.certificates.get(id);
  if (!cert) throw notFound(`Certificate with ID '${id}' not found`);
  return cert;
}

async function renew(ctx: RouteContext) {
  const original = findCertificate(ctx);
  const body = ((await ctx.body()) ?? {}) as Record<string, unknown>;
  const source = (body.renewalKeySource ?? (body.csr !== undefined ? "csr" : "new")) as RenewalKeySource;
  if (!["new", "reuse", "csr"].includes(source)) {
    throw validationFailure([{ code: "invalid_enum_value", message: "Invalid enum value. Expected 'new' | 'reuse' | 'csr'", path: ["renewalKeySource"] }]);
  }
  if (body.csr !== undefined && (typeof body.csr !== "string" || body.csr === "")) {
    throw validationFailure([{ code: "too_small", message: "Must be at least 1 character(s)", path: ["csr"] }]);
  }
  if (original.plan.key.kind === "csr" && ctx.options.csrRenewal === "refuse") {
    // The mid-2026 build's answer (observed on a real server), before any other check.
    throw new HttpError(403, "Certificate is not eligible for renewal: certificates issued from CSR (external private key) cannot be renewed", "ForbiddenError");
  }
  if (original.status === "revoked") throw badRequest("Certificate is not eligible for renewal: Certificate status is revoked, must be active");
  if (original.notAfter.getTime() <= Date.now()) throw badRequest("Cannot renew an expired certificate");
  if (original.latestRenewalCertificateId) throw badRequest("Certificate has already been renewed");

  // That build ignores `reuse`: a new server-made key comes back.
  const asked = source === "reuse" && ctx.options.csrRenewal === "refuse" ? "new" : source;
  const plan = await renewalPlan(original, asked, body.csr as string | undefined);
  const request = newRequest(original.profile, plan, original.id);
  // A renewal goes through its profile's lifecycle like an issue: approval profiles wait for an
  // approver, the external CA answers `pending` first.
  await submit(ctx.state, request, ctx.options);
  const cert = request.certificateId ? ctx.state.certificates.get(request.certificateId) : undefined;
  if (request.status === "issued" && cert) {
    return { status: 200, json: { ...issuedCertificate(cert, wantsRootsRemoved(body.removeRootsFromChain)), certificateRequestId: request.id } };
  }
  if (request.status === "failed") throw internalError();
  return { status: 200, json: pendingRenewal(request) };
}

/** A renewal not issued yet: the certificate fields are null, the request id says what to poll. */
function pendingRenewal(request: RequestRecord) {
  return {
    certificate: null, issuingCaCertificate: null, certificateChain: null, serialNumber: null, certificateId: null,
    certificateRequestId: request.id, status: request.status, message: pendingMessage(request.status),
  };
}

/** The original's subject, extensions and lifetime, with the key the caller asked for. */
async function renewalPlan(original: CertificateRecord, source: RenewalKeySource, csr: string | undefined): Promise<SigningPlan> {
  const { plan } = original;
  if (source === "csr") {
    if (csr === undefined) throw badRequest("A CSR is required when renewalKeySource is 'csr'");
    return planFromCsr(original.profile, csr, {}, plan.lifetimeMs);
  }
  if (source === "reuse") {
    if (plan.key.kind !== "server" || !plan.key.keys) {
      throw badRequest("Cannot reuse the key: the server does not hold this certificate's private key (it was issued from a CSR)");
    }
    return { ...plan, key: { kind: "server", algorithm: plan.key.algorithm, keys: plan.key.keys } };
  }
  const algorithm = plan.key.kind === "server" ? plan.key.algorithm : keyAlgorithmOf(plan.key.publicKey);
  return { ...plan, key: { kind: "server", algorithm, keys: await generateKeyPair(algorithm) } };
}

async function revoke(ctx: RouteContext) {
  const cert = findCertificate(ctx);
  const body = ((await ctx.body()) ?? {}) as Record<string, unknown>;
  const reason = body.revocationReason;
  if (typeof reason !== "string" || !(REVOCATION_REASONS as readonly string[]).includes(reason)) {
    throw validationFailure([{
      code: reason === undefined ? "invalid_type" : "invalid_enum_value",
      message: reason === undefined ? "Required" : `Invalid enum value. Expected ${REVOCATION_REASONS.map((r) => `'${r}'`).join(" | ")}`,
      path: ["revocationReason"],
    }]);
  }
  // A real server answers a second revocation with a bare 500 (observed); so does this one.
  if (cert.status === "revoked") throw internalError();
  cert.status = "revoked";
  cert.revokedAt = new Date();
  cert.revocationReason = reason;
  return { status: 200, json: { message: "Successfully revoked certificate", serialNumber: cert.serialNumber, revokedAt: cert.revokedAt.toISOString() } };
}

export const certificateRoutes: Route[] = [
  route("POST", BASE, true, createCertificate),
  route("GET", `${BASE}/certificate-requests/:id`, true, async (ctx) => ({ status: 200, json: requestStatus(ctx.state, findRequest(ctx)) })),
  route("POST", `${BASE}/certificate-requests/:id/cancel`, true, async (ctx) => {
    const request = findRequest(ctx);
    cancel(request);
    return { status: 200, json: { status: request.status, cancelled: true, errorMessage: request.errorMessage } };
  }),
  route("GET", `${BASE}/:id/certificate`, true, async (ctx) => ({ status: 200, json: withChain(findCertificate(ctx)) })),
  route("GET", `${BASE}/:id/bundle`, true, async (ctx) => ({ status: 200, json: bundle(findCertificate(ctx)) })),
  route("GET", `${BASE}/:id/private-key`, true, async (ctx) => {
    const cert = findCertificate(ctx);
    if (!cert.privateKeyPem) throw notFound("Certificate private key not found");
    return { status: 200, text: cert.privateKeyPem };
  }),
  route("POST", `${BASE}/:id/renew`, true, renew),
  route("POST", `${BASE}/:id/revoke`, true, revoke),
  route("GET", `${BASE}/:id`, true, async (ctx) => ({ status: 200, json: metadata(ctx.state, findCertificate(ctx)) })),
];
