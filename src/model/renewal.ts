// When a certificate counts as "expiring": the one rule `certctl renew` renews by default and
// `certctl inspect` colours by, so the two never disagree.

/** Renewal starts when less than this share of the lifetime is left (the README's "Renewal" section: "one third"). */
export const DEFAULT_RENEW_FRACTION = 1 / 3;

/** How long before notAfter the default rule renews a certificate of this lifetime. */
export function defaultRenewalMargin(lifetimeMs: number): number {
  return lifetimeMs * DEFAULT_RENEW_FRACTION;
}

export type ValidityState = "not_yet_valid" | "valid" | "expiring" | "expired";

/** Where `now` falls in [notBefore, notAfter): "expiring" exactly when the default renew rule says due. */
export function validityState(now: number, notBefore: number, notAfter: number): ValidityState {
  if (now < notBefore) return "not_yet_valid";
  if (now >= notAfter) return "expired";
  return notAfter - now < defaultRenewalMargin(notAfter - notBefore) ? "expiring" : "valid";
}
