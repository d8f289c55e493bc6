// Which server a directory's certificate belongs to. An explicit --domain or INFISICAL_DOMAIN
// (INFISICAL_API_URL) wins; otherwise the API root recorded in certctl.json is used, so a cron
// line without any domain setting still talks to the server that issued the certificate
// rather than to the default app.infisical.com.
import type { GlobalOptions } from "./context.js";

export function globalsWithRecordedDomain(globals: GlobalOptions, env: NodeJS.ProcessEnv, recorded: string | undefined): GlobalOptions {
  if (recorded === undefined || globals.domain !== undefined) return globals;
  if (env.INFISICAL_DOMAIN || env.INFISICAL_API_URL) return globals;
  return { ...globals, domain: recorded };
}
