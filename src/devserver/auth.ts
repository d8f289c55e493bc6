// Universal Auth as a client meets it: login with client id and secret, opaque bearer tokens
// with a lifetime (--token-ttl), 401 when missing, 403 TokenError when unknown or expired.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { LoginResponse } from "../model/types.js";
import { tokenError, unauthorized, validationFailure } from "./http.js";
import type { ServerState } from "./state.js";

/** A real server caps renewals at the identity's max TTL; 30 days is Infisical's default. */
const MAX_TTL_S = 2_592_000;

export function login(state: ServerState, body: unknown, tokenTtlMs: number): LoginResponse {
  const { clientId, clientSecret } = (body ?? {}) as Record<string, unknown>;
  const issues = [];
  if (typeof clientId !== "string") issues.push({ code: "invalid_type", message: "Required", path: ["clientId"] });
  if (typeof clientSecret !== "string") issues.push({ code: "invalid_type", message: "Required", path: ["clientSecret"] });
  if (issues.length > 0) throw validationFailure(issues);
  if (!sameSecret(clientId as string, state.credentials.clientId) || !sameSecret(clientSecret as string, state.credentials.clientSecret)) {
    throw unauthorized("Invalid credentials");
  }
  return grant(state, tokenTtlMs);
}

export function renewToken(state: ServerState, body: unknown, tokenTtlMs: number): LoginResponse {
  const { accessToken } = (body ?? {}) as Record<string, unknown>;
  if (typeof accessToken !== "string") throw validationFailure([{ code: "invalid_type", message: "Required", path: ["accessToken"] }]);
  checkToken(state, accessToken);
  state.tokens.delete(accessToken);
  return grant(state, tokenTtlMs);
}

/** Throws the answer a real server gives for a missing, malformed or expired bearer token. */
export function authenticate(state: ServerState, req: IncomingMessage): void {
  const header = req.headers.authorization;
  if (!header) throw unauthorized("Token missing");
  // The real server slices off exactly 7 characters ("Bearer ") and verifies the rest.
  checkToken(state, header.slice(7));
}

function checkToken(state: ServerState, token: string): void {
  const entry = state.tokens.get(token);
  if (!entry) throw tokenError("invalid token");
  if (entry.expiresAt <= Date.now()) {
    state.tokens.delete(token);
    throw tokenError("Your token has expired. Please re-authenticate.");
  }
}

export function grant(state: ServerState, tokenTtlMs: number): LoginResponse {
  const accessToken = `dev.${randomBytes(32).toString("base64url")}`;
  state.tokens.set(accessToken, { expiresAt: Date.now() + tokenTtlMs });
  return { accessToken, expiresIn: Math.round(tokenTtlMs / 1000), accessTokenMaxTTL: MAX_TTL_S, tokenType: "Bearer" };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
