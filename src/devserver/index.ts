// certctl dev-server: a local, in-memory Infisical-compatible issuer with a real CA.
// Loaded only by src/commands/dev-server.ts, so no other command pays for x509 or ajv.
import type { AddressInfo } from "node:net";
import { createAuthorities, type CertificateAuthorities } from "./ca.js";
import type { ServerOptions } from "./router.js";
import { createHttpServer } from "./server.js";
import { DEFAULT_TOKEN_MAX_TTL_MS } from "./auth.js";
import { createLimiter, type RateLimit } from "./ratelimit.js";
import ms from "ms";
import { createMachineIdentity } from "./login/identity.js";
import { DEV_ORGANIZATION_SLUG } from "./login/routes.js";
import { approvalText, clearTimers, createState, parseApproval, type Approval, type Credentials } from "./state.js";

export type { Approval } from "./state.js";

export interface DevServerParams {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Approval of the `default` profile; the --approval text ("none", "manual", "auto=2s") is accepted too. */
  approval: Approval | string;
  latencyMs: number;
  backdateMs: number;
  tokenTtlMs: number;
  /** accessTokenMaxTTL (default 30 days, Infisical's). */
  tokenMaxTtlMs?: number;
  /** --rate-limit: 429s past this many reads or writes per window and client IP. */
  rateLimit?: RateLimit;
  /** How renewals of CSR-issued certificates are answered (default accept, as newer upstream builds do). */
  csrRenewal?: "accept" | "refuse";
  /** The simulated external CA's steps (default 0.5 s to pending_validation, 1.5 s to issued); no flag: tests pass shorter ones. */
  externalStepMs?: { validation: number; issued: number };
  /**
   * The CAs to sign with, when a caller starts many servers (tests: two RSA-2048 CA keys cost ~0.6 s
   * of CPU per start). No flag: a started dev-server always makes its own.
   */
  authorities?: CertificateAuthorities;
  credentials?: Partial<Credentials>;
  /** One line per answered request; omitted under --json/--quiet. */
  log?: (line: string) => void;
}

export interface DevServerProfile {
  id: string;
  slug: string;
  approval: string;
}

export interface DevServerInfo {
  url: string;
  profiles: DevServerProfile[];
  profileId: string;
  projectId: string;
  clientId: string;
  clientSecret: string;
  /** The machine identity every other login method logs in as, and what each method's check trusts. */
  machineIdentity: {
    identityId: string;
    organizationSlug: string;
    /** Where tests get JWTs signed by the key the JWT logins trust (loopback only). */
    jwtMintUrl: string;
    aws: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
    ldap: { username: string; password: string };
  };
}

export interface RunningDevServer {
  info: DevServerInfo;
  close(): Promise<void>;
}

export async function startDevServer(params: DevServerParams): Promise<RunningDevServer> {
  const approval = typeof params.approval === "string" ? parseApproval(params.approval, (value) => ms(value as ms.StringValue)) : params.approval;
  if (!approval || (approval.kind === "auto" && !Number.isFinite(approval.afterMs))) {
    throw new Error(`invalid approval ${JSON.stringify(params.approval)}; options are none, manual, auto=<duration>`);
  }
  const cas = params.authorities ?? await createAuthorities();
  const state = createState(cas, params.credentials ? { approval, credentials: params.credentials } : { approval });
  state.machine = await createMachineIdentity();
  const options: ServerOptions = {
    latencyMs: params.latencyMs, backdateMs: params.backdateMs, tokenTtlMs: params.tokenTtlMs, csrRenewal: params.csrRenewal ?? "accept",
    ...(params.externalStepMs !== undefined ? { externalStepMs: params.externalStepMs } : {}),
    tokenMaxTtlMs: params.tokenMaxTtlMs ?? DEFAULT_TOKEN_MAX_TTL_MS,
  };
  if (params.rateLimit) options.limiter = createLimiter(params.rateLimit);
  const server = createHttpServer(state, options, params.log);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(params.port, params.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const profiles = state.profiles.map((p) => ({ id: p.id, slug: p.slug, approval: approvalText(p.approval) }));
  return {
    info: {
      url: `http://${host}:${address.port}`,
      profiles,
      profileId: profiles[0]?.id ?? "",
      projectId: state.credentials.projectId,
      clientId: state.credentials.clientId,
      clientSecret: state.credentials.clientSecret,
      machineIdentity: {
        identityId: state.machine.identityId,
        organizationSlug: DEV_ORGANIZATION_SLUG,
        jwtMintUrl: `http://${host}:${address.port}/api/v1/dev/jwt`,
        aws: { accessKeyId: state.machine.aws.accessKeyId, secretAccessKey: state.machine.aws.secretAccessKey, sessionToken: state.machine.aws.sessionToken },
        ldap: { ...state.machine.ldap },
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimers(state);
        server.close(() => resolve());
        // Keep-alive connections would hold close() open; nothing in flight matters to a dev server.
        server.closeAllConnections();
      }),
  };
}
