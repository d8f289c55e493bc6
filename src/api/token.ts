// When an access token from a login should be renewed, and when only a fresh login will do.
// Pure: infisical.ts asks before each call, and the agent asks when to wake up for it.
//
// Infisical's tokens last `expiresIn` seconds; `POST /api/v1/auth/token/renew` extends one by
// another TTL, but never past `accessTokenMaxTTL` after its login (a renewal that would is
// refused). Like the official agent: renew at 2/3 of the TTL, log in again once a renewal
// could no longer give a full TTL, and log in again at once when the token has already expired.

export interface TokenLife {
  /** When the current token was obtained (login or renewal), ms since epoch. */
  obtainedAt: number;
  ttlMs: number;
  expiresAt: number;
  /** No renewal reaches past this: the login's time + accessTokenMaxTTL (Infinity when 0, "no max"). */
  maxExpiresAt: number;
}

/** From a login or renewal answer; `loginAt` is the time of the login the token descends from. */
export function tokenLife(now: number, expiresInS: number, maxTtlS: number, loginAt: number): TokenLife {
  const ttlMs = Math.max(1, expiresInS) * 1000;
  return { obtainedAt: now, ttlMs, expiresAt: now + ttlMs, maxExpiresAt: maxTtlS > 0 ? loginAt + maxTtlS * 1000 : Number.POSITIVE_INFINITY };
}

/** 2/3 of the way through the token's life. */
export function renewDueAt(life: TokenLife): number {
  return life.obtainedAt + Math.floor((life.ttlMs * 2) / 3);
}

export type TokenAction = "use" | "renew" | "login";

export function tokenAction(life: TokenLife, now: number): TokenAction {
  if (now >= life.expiresAt) return "login";
  if (now < renewDueAt(life)) return "use";
  // A renewal now would be cut short by the max TTL (or refused): start a new login's lifetime.
  return now + life.ttlMs > life.maxExpiresAt ? "login" : "renew";
}
