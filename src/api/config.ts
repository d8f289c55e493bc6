// What the API layer needs to reach a server: the API root, the credentials to log in with, the
// trust and the transport limits. Resolved from flags and the environment by src/cli/connection.ts.

import type { IdentityLogin } from "./login/methods.js";

export interface Credentials {
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** Universal Auth's optional `organizationSlug`. */
  organizationSlug?: string;
  /** A machine-identity login (kubernetes, aws-iam, …); when set, it is how certctl logs in. */
  identity?: IdentityLogin;
}

export interface Connection {
  /** The API root, always ending in `/api` (no trailing slash). */
  apiUrl: string;
  credentials: Credentials;
  /** Extra trusted CA certificates (PEM) for a self-hosted instance. */
  cacertPem?: string;
  timeoutMs: number;
  retries: number;
}
