// Subject values as RFC 5280 bounds them (Appendix A, ub-* constants) and ISO 3166-1 alpha-2 for
// the country: openssl and browsers refuse to read a certificate that breaks them, so certctl
// refuses before any request. Pure; problems are in domain words, the caller names the flag.
import { ISO_3166_ALPHA2 } from "./countries.js";

export type SubjectField = "commonName" | "organization" | "organizationalUnit" | "country" | "state" | "locality";

/** ub-common-name 64, ub-organization-name 64, ub-organizational-unit-name 64, ub-locality-name 128, ub-state-name 128. */
export const SUBJECT_MAX_LENGTHS: Record<Exclude<SubjectField, "country">, number> = {
  commonName: 64,
  organization: 64,
  organizationalUnit: 64,
  locality: 128,
  state: 128,
};

/** What is wrong with a subject value (already trimmed), or undefined when it may be certified. */
export function subjectValueProblem(field: SubjectField, value: string): string | undefined {
  if (field === "country") return countryProblem(value);
  const max = SUBJECT_MAX_LENGTHS[field];
  // Characters, not bytes: the value goes into a UTF8String, whose bound RFC 5280 counts in characters.
  const length = [...value].length;
  if (length < 1 || length > max) return `expected 1 to ${max} characters (got ${length}; RFC 5280 allows at most ${max})`;
  // Control characters would end up in the DN and in logs.
  if (/[\u0000-\u001f\u007f]/.test(value)) return "control characters are not allowed";
  return undefined;
}

/** A country is exactly two uppercase letters from ISO 3166-1 alpha-2; `de` gets the suggestion `DE`. */
export function countryProblem(value: string): string | undefined {
  if (ISO_3166_ALPHA2.has(value)) return undefined;
  const upper = value.toUpperCase();
  if (ISO_3166_ALPHA2.has(upper)) return `a country code is written in capitals: use ${upper}`;
  return "expected a two-letter ISO 3166-1 country code such as US, DE or JP";
}
