// What every command receives: the process's streams and environment (a seam so tests
// can run a command in a temp dir with captured output), the global options, and a
// signal that is aborted on SIGINT/SIGTERM.
import type { Io } from "../util/io.js";

export type { Io };
/** Global flags, as commander hands them over (strings until resolved). */
export interface GlobalOptions {
  domain?: string;
  token?: string;
  clientId?: string;
  clientSecretFile?: string;
  authMethod?: string;
  identityId?: string;
  organizationSlug?: string;
  jwtFile?: string;
  serviceAccountTokenFile?: string;
  gcpKeyFile?: string;
  ldapUsernameFile?: string;
  ldapPasswordFile?: string;
  cacert?: string;
  timeout: string;
  retries: string;
  insecureHttp?: boolean;
  json?: boolean;
  quiet?: boolean;
  /** false with --no-color */
  color: boolean;
}

export interface CommandContext {
  io: Io;
  globals: GlobalOptions;
  signal: AbortSignal;
}
