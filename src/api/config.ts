// What the API layer needs to reach a server: the API root, the credentials to log in with, the
// trust and the transport limits. Resolved from flags and the environment by src/cli/connection.ts.

export interface Credentials {
  token?: string;
  clientId?: string;
  clientSecret?: string;
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
