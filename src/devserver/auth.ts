// Universal Auth as a client meets it: login with client id and secret, opaque bearer tokens
// with a lifetime (--token-ttl), 401 when missing, 403 TokenError when unknown or expired.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { LoginResponse } from "../model/types.js";
import { tokenError, unauthorized, validationFailure } from "./http.js";
import type { ServerState } from "./state.js";

/** A real server caps renewals at the identity's max TTL; 30 days is Infisical's default. */
export const DEFAULT_TOKEN_MAX_TTL_MS = 2_592_000_000;

/** --token-ttl and --token-max-ttl. */
export interface TokenLifetime {
  ttlMs: number;
  maxTtlMs: number;
}

export function login(state: ServerState, body: unknown, lifetime: TokenLifetime): LoginResponse {
  const { clientId, clientSecret } = (body ?? {}) as Record<string, unknown>;
  const issues = [];
  if (typeof clientId !== "string") issues.push({ code: "invalid_type", message: "Required", path: ["clientId"] });
  if (typeof clientSecret !== "string") issues.push({ code: "invalid_type", message: "Required", path: ["clientSecret"] });
  if (issues.length > 0) throw validationFailure(issues);
  if (!sameSecret(clientId as string, state.credentials.clientId) || !sameSecret(clientSecret as string, state.credentials.clientSecret)) {
    throw unauthorized("Invalid credentials");
  }
  return newLogin(state, lifetime);
}

/** A fresh login's token, for every login method: the max TTL runs from now. */
export function newLogin(state: ServerState, lifetime: TokenLifetime): LoginResponse {
  return grant(state, lifetime, Date.now() + lifetime.maxTtlMs);
}

/**
 * A fresh token for a live one, with the same max TTL end: as on a real server, a renewal that
 * would outlive the login's accessTokenMaxTTL is refused and only a new login helps.
 */
export function renewToken(state: ServerState, body: unknown, lifetime: TokenLifetime): LoginResponse {
  const { accessToken } = (body ?? {}) as Record<string, unknown>;
  if (typeof accessToken !== "string") throw validationFailure([{ code: "invalid_type", message: "Required", path: ["accessToken"] }]);
  const entry = checkToken(state, accessToken);
  if (Date.now() + lifetime.ttlMs > entry.maxExpiresAt) {
    throw unauthorized("Failed to renew MI access token due to Max TTL expiration");
  }
  state.tokens.delete(accessToken);
  return grant(state, lifetime, entry.maxExpiresAt);
}

/** Throws the answer a real server gives for a missing, malformed or expired bearer token. */
export function authenticate(state: ServerState, req: IncomingMessage): void {
  const header = req.headers.authorization;
  if (!header) throw unauthorized("Token missing");
  // The real server slices off exactly 7 characters ("Bearer ") and verifies the rest.
  checkToken(state, header.slice(7));
}

function checkToken(state: ServerState, token: string): { expiresAt: number; maxExpiresAt: number } {
  const entry = state.tokens.get(token);
  if (!entry) throw tokenError("invalid token");
  if (entry.expiresAt <= Date.now()) {
    state.tokens.delete(token);
    throw tokenError("Your token has expired. Please re-authenticate.");
  }
  return entry;
}

function grant(state: ServerState, lifetime: TokenLifetime, maxExpiresAt: number): LoginResponse {
  const accessToken = `dev.${randomBytes(32).toString("base64url")}`;
  const expiresAt = Math.min(Date.now() + lifetime.ttlMs, maxExpiresAt);
  state.tokens.set(accessToken, { expiresAt, maxExpiresAt });
  return {
    accessToken,
    expiresIn: Math.max(1, Math.round((expiresAt - Date.now()) / 1000)),
    accessTokenMaxTTL: Math.round(lifetime.maxTtlMs / 1000),
    tokenType: "Bearer",
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
