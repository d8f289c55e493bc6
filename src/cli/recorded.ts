// Which server a directory's certificate belongs to. The API root recorded in certctl.json is
// used when neither --domain nor INFISICAL_DOMAIN (INFISICAL_API_URL) is set, so a cron line
// without any domain setting talks to the server that issued the certificate rather than to the
// default app.infisical.com. When one is set and names another server, the directory is refused
// (exit 2, nothing sent): renewing a certificate against a server that never issued it fails
// (404, then a fresh issue, 404) — or worse, sends the credentials for one server to another.
// --move-to-domain is the explicit way to move a directory to the domain in effect.
import type { GlobalOptions } from "./context.js";
import { apiUrlFromDomain } from "./connection.js";
import { UsageError } from "../model/errors.js";

/** The flag that moves a directory to the domain in effect (defined in src/cli/shared/flags.ts). */
export const MOVE_FLAG = "--move-to-domain";

/**
 * `movable: false` for what cannot move (a pending request: only the server it was sent to can
 * answer it), where the hint then offers no move.
 */
export function globalsWithRecordedDomain(
  globals: GlobalOptions,
  env: NodeJS.ProcessEnv,
  recorded: string | undefined,
  move = false,
  { movable = true, where = "certctl.json" }: { movable?: boolean; where?: string } = {},
): GlobalOptions {
  if (recorded === undefined) return globals;
  const explicit = explicitDomain(globals, env);
  if (explicit === undefined) return { ...globals, domain: recorded };
  if ((move && movable) || sameApi(explicit.domain, recorded)) return globals;
  throw new UsageError(`this directory belongs to ${recorded} (recorded in ${where}), but ${explicit.source} names ${explicit.domain}`, {
    hint: movable
      ? `Unset ${explicit.source} to use ${recorded}, or pass ${MOVE_FLAG} to move the directory to ${explicit.domain}.`
      : `Unset ${explicit.source} to use ${recorded}: only the server a request was sent to can answer it.`,
  });
}

/** True when neither --domain nor INFISICAL_DOMAIN/INFISICAL_API_URL is set: a recorded domain would be used. */
export function usesRecordedDomain(globals: GlobalOptions, env: NodeJS.ProcessEnv): boolean {
  return explicitDomain(globals, env) === undefined;
}

function explicitDomain(globals: GlobalOptions, env: NodeJS.ProcessEnv): { domain: string; source: string } | undefined {
  if (globals.domain !== undefined) return { domain: globals.domain, source: "--domain" };
  for (const name of ["INFISICAL_DOMAIN", "INFISICAL_API_URL"]) {
    const value = env[name];
    if (value) return { domain: value, source: name };
  }
  return undefined;
}

/** Compared as API roots, so `http://h:8080`, `http://h:8080/` and `http://h:8080/api` are one server. */
function sameApi(domain: string, recorded: string): boolean {
  try {
    // Only a comparison: connect() applies the plain-http rule to the domain that is used.
    return apiUrlFromDomain(domain, true) === apiUrlFromDomain(recorded, true);
  } catch {
    return domain.trim() === recorded.trim();
  }
}
