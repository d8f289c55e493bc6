// certctl dev-server: parse the flags, start the server (lazy-loaded: it pulls in x509 and
// ajv), print how to reach it, and run until SIGINT/SIGTERM, which is a clean stop (exit 0).
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { parseDuration } from "../../model/duration.js";
import { UsageError } from "../../model/errors.js";
import { invalidValue } from "../shared/wording.js";
import { readSecretFile } from "../connection.js";
import { createOutput } from "../../ui/output.js";
import type { DevServerInfo, DevServerParams } from "../../devserver/index.js";
// state.js is light (no x509, no ajv); the server itself is imported only once the flags are valid.
import { parseApproval, type Approval } from "../../devserver/state.js";
import { parseRateLimit } from "../../devserver/ratelimit.js";

export interface DevServerFlags {
  port: string;
  host: string;
  approval: string;
  latency: string;
  backdate: string;
  tokenTtl: string;
  tokenMaxTtl: string;
  rateLimit?: string;
  csrRenewal: "accept" | "refuse";
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = await parseDevServerFlags(command.opts<DevServerFlags>(), ctx.globals);
  const output = createOutput(ctx);
  if (output.mode === "human") params.log = (line) => ctx.io.stderr.write(`${line}\n`);
  const { startDevServer } = await import("../../devserver/index.js");
  const server = await startDevServer(params).catch((error: unknown) => {
    throw listenError(error, params);
  });
  if (output.mode === "json") ctx.io.stdout.write(JSON.stringify(server.info) + "\n"); // one line, for scripts
  else output.result(server.info, () => banner(server.info));
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.close();
  output.info("dev server stopped");
  // Being stopped is how a dev server ends, so a signal here is success, not an interruption.
  return 0;
}

/** The wiring: argv values → validated params. Throws UsageError naming the flag; starts nothing. */
export async function parseDevServerFlags(flags: DevServerFlags, globals: Pick<CommandContext["globals"], "clientId" | "clientSecretFile">): Promise<DevServerParams> {
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) throw invalidValue("--port", flags.port, "expected 0-65535 (0 picks a free port)");
  if (flags.host.trim() === "") throw invalidValue("--host", flags.host, "expected an address such as 127.0.0.1 or ::1");
  const params: DevServerParams = {
    host: flags.host,
    port,
    approval: approvalFlag(flags.approval),
    latencyMs: parseDuration("--latency", flags.latency, { allowZero: true }),
    backdateMs: parseDuration("--backdate", flags.backdate, { allowZero: true }),
    tokenTtlMs: parseDuration("--token-ttl", flags.tokenTtl),
    csrRenewal: flags.csrRenewal,
    tokenMaxTtlMs: parseDuration("--token-max-ttl", flags.tokenMaxTtl),
  };
  if (flags.rateLimit !== undefined) {
    const rate = parseRateLimit(flags.rateLimit);
    if (!rate) throw invalidValue("--rate-limit", flags.rateLimit, "expected <n>/<window> such as 60/min, 5/s or 20/2s");
    params.rateLimit = rate;
  }
  const { clientId, clientSecretFile } = globals;
  if (clientId !== undefined || clientSecretFile !== undefined) {
    params.credentials = {};
    if (clientId !== undefined) params.credentials.clientId = clientId;
    if (clientSecretFile !== undefined) params.credentials.clientSecret = await readSecretFile(clientSecretFile);
  }
  return params;
}

function approvalFlag(value: string): Approval {
  const approval = parseApproval(value, (text) => parseDuration("--approval", text, { allowZero: true }));
  if (!approval) throw invalidValue("--approval", value, "options are none, manual, auto=<duration> (e.g. auto=2s)");
  return approval;
}


/** A port in use or not ours to take is the user's to fix, not a bug. */
function listenError(error: unknown, params: DevServerParams): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${params.host}:${params.port}`;
  if (code === "EADDRINUSE") return new UsageError(`cannot listen on ${where}: the address is already in use`, { hint: "Pick another --port, or --port 0 for a free one." });
  if (code === "EACCES") return new UsageError(`cannot listen on ${where}: permission denied`, { hint: "Use a port above 1023, or --port 0 for a free one." });
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return invalidValue("--host", params.host, "expected an address of this machine, such as 127.0.0.1 or ::1");
  return error;
}

function banner(info: DevServerInfo): string[] {
  const width = Math.max(...info.profiles.map((p) => p.slug.length));
  return [
    `certctl dev-server listening on ${info.url}`,
    "",
    `  project id     ${info.projectId}`,
    `  client id      ${info.clientId}`,
    `  client secret  ${info.clientSecret}`,
    `  identity id    ${info.machineIdentity.identityId}  (machine-identity logins; --json for their test credentials)`,
    "  profiles:",
    ...info.profiles.map((p) => `    ${p.slug.padEnd(width)}  ${p.id}  approval ${p.approval}`),
    "",
    "Try it:",
    `  export INFISICAL_DOMAIN=${info.url}`,
    `  export INFISICAL_UNIVERSAL_AUTH_CLIENT_ID=${info.clientId}`,
    `  export INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET=${info.clientSecret}`,
    `  certctl issue --profile ${info.profileId} --cn demo.localhost --ttl 30d    # writes ./demo.localhost/`,
    "",
    "Roots to trust: GET /api/v1/dev/ca. Press Ctrl-C to stop.",
  ];
}
