// The helper every command that talks to a server uses: resolve where and how to connect
// (flags, then environment), fail before any request when there is no way to authenticate,
// and build the API client bound to the run's signal and the command's environment.
import type { InfisicalApi } from "../api/infisical.js";
import type { CommandContext } from "./context.js";
import { requireCredentials, resolveConnection, type Connection } from "./connection.js";

export async function connect(
  ctx: CommandContext,
  hooks: { onLogin?: (host: string) => (() => void) | void; maxInFlight?: number } = {},
): Promise<{ api: InfisicalApi; connection: Connection }> {
  const connection = await resolveConnection(ctx.globals, ctx.io.env);
  requireCredentials(connection.credentials);
  // undici parses HTTP with WebAssembly, and V8's optimising tier would keep the process alive
  // ~100 ms after the work is done compiling it; the baseline tier is plenty for a CLI. bin/
  // sets it at start for the commands that connect, after loading the built-ins they use (see
  // bin/compile-cache.js); this is for a command line it did not recognise (setting it again
  // changes nothing).
  (await import("node:v8")).setFlagsFromString("--liftoff-only");
  // Imported here so that flag errors and --help never pay for loading undici.
  const { createApi } = await import("../api/infisical.js");
  const debugOn = ctx.io.env.CERTCTL_DEBUG === "1";
  const api = createApi(connection, {
    signal: ctx.signal,
    env: ctx.io.env,
    userAgent: "certctl",
    ...(hooks.onLogin ? { onLogin: hooks.onLogin } : {}),
    ...(hooks.maxInFlight !== undefined ? { maxInFlight: hooks.maxInFlight } : {}),
    // Debug lines carry method, path, status, attempt, timing and retry decisions only.
    ...(debugOn ? { debug: (line: string) => void ctx.io.stderr.write(`certctl: debug: ${line}\n`) } : {}),
  });
  return { api, connection };
}
