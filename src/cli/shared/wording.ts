// One wording for every usage error a flag can cause, as smallstep's errs.* helpers do: a user
// who has seen one message recognises the next. Each returns a UsageError (exit 2); the caller
// throws it before anything is read or sent.
import { UsageError, type ErrorDetails } from "../../model/errors.js";

/** "invalid value 'x' for --flag; options are …" — `valid` says what would have been accepted. */
export function invalidValue(flag: string, value: string, valid: string, details?: ErrorDetails): UsageError {
  return new UsageError(`invalid value '${value}' for ${flag}; ${valid}`, details);
}

/** "--a cannot be used with --b: why" — two flags that exclude each other. */
export function conflicting(a: string, b: string, why?: string, details?: ErrorDetails): UsageError {
  return new UsageError(`${a} cannot be used with ${b}${why ? `: ${why}` : ""}`, details);
}

/** "--a requires --b: why" — a flag that means nothing without another. */
export function requires(a: string, b: string, why?: string, details?: ErrorDetails): UsageError {
  return new UsageError(`${a} requires ${b}${why ? `: ${why}` : ""}`, details);
}

/** "--a is required: what it is" — a flag every run of the command needs. */
export function required(flag: string, what: string, details?: ErrorDetails): UsageError {
  return new UsageError(`${flag} is required: ${what}`, details);
}

/** "pass exactly one of --a and --b" — a choice between flags. */
export function exactlyOne(flags: readonly string[], details?: ErrorDetails): UsageError {
  return new UsageError(`pass exactly one of ${joinAnd(flags)}`, details);
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 2 ? items.join(" and ") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
