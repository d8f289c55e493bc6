// Flags several commands share, defined once so each reads the same in every command's help and
// parses the same way (smallstep's shared flag objects). Light module: commander only at
// definition time; the parse helpers below load model/duration when called.
import { Option } from "commander";
import { parseDuration } from "../../model/duration.js";
import { invalidValue } from "./wording.js";

/** How long a command waits for a pending request unless told otherwise. */
export const DEFAULT_WAIT_TIMEOUT = "10m";

/**
 * An option with a default that help shows as typed (`(default: 30s)`), not as the JSON string
 * commander would print (`(default: "30s")`).
 */
export function withDefault(option: Option, value: string): Option {
  return option.default(value, value);
}

/** Repeatable flags collect into a list in the order given. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function listOption(flags: string, help: string): Option {
  return new Option(flags, help).argParser(collect);
}

/** --out-dir: where a command reads or writes a certificate's file set. */
export function outDirOption(help: string, defaultValue?: string): Option {
  const option = new Option("--out-dir <dir>", help);
  return defaultValue === undefined ? option : withDefault(option, defaultValue);
}

/** --force: the command's safety check is set aside (what that means, each command's help says). */
export function forceOption(help: string): Option {
  return new Option("--force", help);
}

/** --no-wait: a pending request is not waited for; the run exits 5 with the command that resumes it. */
export function noWaitOption(subject = "a pending request"): Option {
  return new Option("--no-wait", `do not wait for ${subject} (exit 5; resume with certctl status)`);
}

/** --wait-timeout: how long a pending request is polled before the run exits 5. */
export function waitTimeoutOption(help = "wait at most this long for a pending request"): Option {
  return withDefault(new Option("--wait-timeout <duration>", help), DEFAULT_WAIT_TIMEOUT);
}

/** --move-to-domain: a directory recorded for one server is renewed or revoked on the domain in effect. */
export function moveToDomainOption(): Option {
  return new Option("--move-to-domain", "use a directory recorded for another server with the --domain / INFISICAL_DOMAIN in effect (refused otherwise)");
}

/**
 * --trust-shared-dir: certctl.json (and its directory, and .certctl/) may be writable by a group or
 * owned by another user; by default such a directory is refused, since whoever can write it chooses
 * the server certctl sends credentials to and the files it replaces (docs/security.md).
 */
export function trustSharedDirOption(): Option {
  return new Option("--trust-shared-dir", "use a directory whose certctl.json a group or another user can write (refused otherwise: they could redirect your credentials)");
}

// ---- parsing, shared by the parse step of every command -----------------------------------

/** A positive duration in milliseconds, or a usage error naming the flag. */
export function parseDurationFlag(flag: string, value: string): number {
  return parseDuration(flag, value);
}

/** A duration where a bare 0 ("skip at once", "no delay") is unambiguous. */
export function parseOptionalDuration(flag: string, value: string): number {
  return value.trim() === "0" ? 0 : parseDuration(flag, value, { allowZero: true });
}

export function parseWaitTimeout(value: string | undefined): number {
  return parseDurationFlag("--wait-timeout", value ?? DEFAULT_WAIT_TIMEOUT);
}

/** A whole number in [min, max]. */
export function parseWholeNumber(flag: string, value: string, min: number, max: number): number {
  const number = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw invalidValue(flag, value, `expected a whole number from ${min} to ${max}`);
  }
  return number;
}

/** A path flag that must not be empty (an empty string would silently mean the current directory). */
export function nonEmptyPath(flag: string, value: string, what = "a file path"): string {
  if (value.trim() === "") throw invalidValue(flag, value, `expected ${what}`);
  return value;
}
