// The request lifecycle of a real server: issued at once, or pending_approval until an
// approver (the dev endpoints, or --approval auto=<d>) decides, or pending → pending_validation
// → issued for the simulated external CA. Signing happens only on the way to `issued`.
import { randomUUID } from "node:crypto";
import { generateKeyPair, privateKeyPem } from "./crypto.js";
import { badRequest } from "./http.js";
import { signLeaf } from "./sign.js";
import type { CertificateRecord, Profile, RequestRecord, ServerState, SigningPlan } from "./state.js";

export interface LifecycleOptions {
  /** Issued leaves start this long before now (--backdate), so renewal tests get "due" certificates. */
  backdateMs: number;
  /** `refuse`: renewals of CSR-issued certificates answer 403 ForbiddenError, as a mid-2026 build does. */
  csrRenewal: "accept" | "refuse";
  /** When the simulated external CA moves a request to pending_validation, then issues it (ms after submit). */
  externalStepMs?: { validation: number; issued: number };
}

/**
 * A serial as the real server makes it: 40 lowercase hex digits. About 1 in 128 has its top bit
 * set; it is then 00 + 38 digits (the certificate's own integer is 38 digits). `topBit` forces one.
 */
export function serverSerial(topBit: boolean): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(20));
  if (topBit || (bytes[1] ?? 0) < 2) {
    bytes[0] = 0;
    bytes[1] = (bytes[1] ?? 0) | 0x80;
  } else {
    bytes[0] = ((bytes[0] ?? 0) & 0x7f) || 1;
  }
  return Buffer.from(bytes).toString("hex");
}

/** How long the simulated external CA takes for each step (a test may pass shorter ones). */
const EXTERNAL_STEP_MS = { validation: 500, issued: 1500 } as const;

export function newRequest(profile: Profile, plan: SigningPlan, renewalOf: string | null = null): RequestRecord {
  const now = new Date();
  return {
    id: randomUUID(), profile, status: "pending", plan, createdAt: now, updatedAt: now,
    errorMessage: null, pendingMessage: null, certificateId: null, renewalOf, timers: [],
  };
}

/** Store a new request and move it as far as its profile allows right now. */
export async function submit(state: ServerState, request: RequestRecord, opts: LifecycleOptions): Promise<void> {
  state.requests.set(request.id, request);
  const { approval } = request.profile;
  switch (approval.kind) {
    case "none":
      await issue(state, request, opts);
      return;
    case "manual":
      setStatus(request, "pending_approval");
      return;
    case "auto":
      setStatus(request, "pending_approval");
      later(request, approval.afterMs, () => decide(state, request.id, "approve", opts));
      return;
    case "external": {
      setStatus(request, "pending");
      const steps = opts.externalStepMs ?? EXTERNAL_STEP_MS;
      later(request, steps.validation, () => {
        if (request.status !== "pending") return;
        setStatus(request, "pending_validation");
        request.pendingMessage = "Waiting for the external CA to validate the request (simulated by certctl dev-server)";
      });
      later(request, steps.issued, async () => {
        if (request.status === "pending" || request.status === "pending_validation") await issue(state, request, opts);
      });
      return;
    }
  }
}

/** An approver's decision on a request waiting for approval. */
export async function decide(state: ServerState, requestId: string, verdict: "approve" | "reject", opts: LifecycleOptions): Promise<RequestRecord | undefined> {
  const request = state.requests.get(requestId);
  if (!request) return undefined;
  if (request.status !== "pending_approval") {
    throw badRequest(`Certificate request is not pending approval (status: ${request.status})`);
  }
  stopTimers(request);
  if (verdict === "approve") await issue(state, request, opts);
  else {
    setStatus(request, "rejected");
    request.errorMessage = "Certificate request was rejected by an approver";
  }
  return request;
}

export function cancel(request: RequestRecord): void {
  if (!["pending", "pending_approval", "pending_validation"].includes(request.status)) {
    throw badRequest(`Only pending certificate requests can be cancelled (status: ${request.status})`);
  }
  stopTimers(request);
  setStatus(request, "failed");
  request.pendingMessage = null;
  request.errorMessage = "Certificate request was cancelled";
}

/** Sign the request's plan and store the certificate; the request ends `issued` (or `failed`). */
export async function issue(state: ServerState, request: RequestRecord, opts: LifecycleOptions): Promise<CertificateRecord | undefined> {
  const { plan, profile } = request;
  try {
    let keyPem: string | null = null;
    let publicKey;
    if (plan.key.kind === "csr") publicKey = plan.key.publicKey;
    else {
      plan.key.keys ??= await generateKeyPair(plan.key.algorithm);
      publicKey = plan.key.keys.publicKey;
      keyPem = await privateKeyPem(plan.key.keys.privateKey);
    }
    const notBefore = new Date(Date.now() - opts.backdateMs);
    const notAfter = new Date(notBefore.getTime() + plan.lifetimeMs);
    const topBit = state.topBitSerials > 0;
    if (topBit) state.topBitSerials--;
    const serialNumber = serverSerial(topBit);
    const leaf = await signLeaf({ ca: profile.ca, publicKey, subject: plan.subject, extensions: plan.extensions, notBefore, notAfter, hash: plan.hash, serialNumber });
    const record: CertificateRecord = {
      id: randomUUID(), requestId: request.id, profile, pem: leaf.pem, serialNumber,
      commonName: leaf.certificate.subjectName.getField("CN")[0] ?? "",
      notBefore: leaf.certificate.notBefore, notAfter: leaf.certificate.notAfter,
      privateKeyPem: keyPem, plan, status: "active", revokedAt: null, revocationReason: null,
      renewedFromCertificateId: request.renewalOf, latestRenewalCertificateId: null, createdAt: new Date(),
    };
    state.certificates.set(record.id, record);
    if (request.renewalOf) {
      const original = state.certificates.get(request.renewalOf);
      if (original) original.latestRenewalCertificateId = record.id;
    }
    request.certificateId = record.id;
    request.pendingMessage = null;
    setStatus(request, "issued");
    return record;
  } catch (error) {
    setStatus(request, "failed");
    request.errorMessage = `Certificate issuance failed: ${error instanceof Error ? error.message : String(error)}`;
    return undefined;
  }
}

function setStatus(request: RequestRecord, status: RequestRecord["status"]): void {
  request.status = status;
  request.updatedAt = new Date();
}

function later(request: RequestRecord, delayMs: number, step: () => unknown): void {
  const timer = setTimeout(() => void step(), delayMs);
  request.timers.push(timer);
}

function stopTimers(request: RequestRecord): void {
  for (const timer of request.timers) clearTimeout(timer);
  request.timers = [];
}
