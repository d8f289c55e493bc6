// The machine-identity login methods of Infisical's API ("Machine identity login") as
// types only: what a method needs, and what its module hands back. No method's code loads here.

export const AUTH_METHODS = [
  "universal-auth", "token", "kubernetes", "aws-iam", "gcp-id-token", "gcp-iam", "azure", "oidc", "jwt", "ldap",
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
/** The methods that log in as a machine identity (`identityId`) rather than with a client id or a token. */
export type IdentityMethod = Exclude<AuthMethod, "universal-auth" | "token">;

export function isAuthMethod(value: string): value is AuthMethod {
  return (AUTH_METHODS as readonly string[]).includes(value);
}

/** A service-account key file's fields that gcp-iam uses (the private key is a secret). */
export interface GcpServiceAccountKey {
  clientEmail: string;
  privateKey: string;
  /** The key file's own OAuth token endpoint (`token_uri`). */
  tokenUri: string;
}

/** Everything a machine-identity login needs beyond the platform it runs on. */
export interface IdentityLogin {
  method: IdentityMethod;
  identityId: string;
  organizationSlug?: string;
  /** kubernetes (the service-account token), jwt, and oidc when a token was given. */
  jwt?: string;
  gcpKey?: GcpServiceAccountKey;
  ldap?: { username: string; password: string };
}

/** What a method's module is given: the login, the environment it reads platform variables from, limits. */
export interface LoginContext {
  login: IdentityLogin;
  env: NodeJS.ProcessEnv;
  /** Each metadata or token-service call gives up after this long (a VM without the service fails fast). */
  timeoutMs: number;
  signal?: AbortSignal;
  debug?: (line: string) => void;
}

/** The Infisical call a method produces, plus the values it fetched that must never be echoed. */
export interface LoginRequest {
  path: string;
  body: Record<string, unknown>;
  secrets: string[];
}

export type LoginBuilder = (ctx: LoginContext) => Promise<LoginRequest>;

/** How a person would name the method in a message. */
export const METHOD_LABEL: Record<AuthMethod, string> = {
  "universal-auth": "Universal Auth",
  token: "access token",
  kubernetes: "Kubernetes Auth",
  "aws-iam": "AWS IAM Auth",
  "gcp-id-token": "GCP ID Token Auth",
  "gcp-iam": "GCP IAM Auth",
  azure: "Azure Auth",
  oidc: "OIDC Auth",
  jwt: "JWT Auth",
  ldap: "LDAP Auth",
};
