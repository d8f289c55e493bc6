// The helper every command that talks to a server uses: resolve where and how to connect
// (flags, then environment), fail before any request when there is no way to authenticate,
// and build the API client bound to the run's signal and the command's environment.
import type { InfisicalApi } from "../api/infisical.js";
import type { CommandContext } from "../context.js";
import { requireCredentials, resolveConnection, type Connection } from "../core/connection.js";

export async function connect(
  ctx: CommandContext,
  hooks: { onLogin?: (host: string) => (() => void) | void } = {},
): Promise<{ api: InfisicalApi; connection: Connection }> {
  const connection = await resolveConnection(ctx.globals, ctx.io.env);
  requireCredentials(connection.credentials);
  // Imported here so that flag errors and --help never pay for loading undici.
  const { createApi } = await import("../api/infisical.js");
  const debugOn = ctx.io.env.CERTCTL_DEBUG === "1";
  const api = createApi(connection, {
    signal: ctx.signal,
    env: ctx.io.env,
    userAgent: "certctl",
    ...(hooks.onLogin ? { onLogin: hooks.onLogin } : {}),
    // Debug lines carry method, path, status, attempt, timing and retry decisions only.
    ...(debugOn ? { debug: (line: string) => void ctx.io.stderr.write(`certctl: debug: ${line}\n`) } : {}),
  });
  return { api, connection };
}
