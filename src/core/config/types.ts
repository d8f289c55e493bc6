// The declarative file's shape (schema/certctl.schema.json): keys are the issue flags' words in
// kebab-case, so an entry reads like the `certctl issue` command line it stands for.

export interface KeySpec {
  source?: "local" | "server" | "csr" | "file";
  algorithm?: string;
  file?: string;
  csr?: string;
}

/** Where a format's password is read on every write: never the password itself. */
export interface PasswordSpec {
  "password-file"?: string;
  "password-env"?: string;
}

/** The optional outputs (their paths are under `files`): the issue flags --p12 …, --der, --combined-file, --key-password-file. */
export interface FormatsSpec {
  p12?: PasswordSpec & { "empty-password"?: true; legacy?: boolean; "friendly-name"?: string };
  der?: boolean;
  combined?: boolean;
  "encrypted-key"?: PasswordSpec;
}

/** Every field an entry or `defaults` may carry. */
export interface CertificateFields {
  dir?: string;
  profile?: string;
  project?: string;
  "project-slug"?: string;
  application?: string;
  "application-name"?: string;
  cn?: string;
  "cn-san"?: boolean;
  dns?: string[];
  ip?: string[];
  email?: string[];
  uri?: string[];
  san?: string[];
  org?: string;
  ou?: string;
  country?: string;
  state?: string;
  locality?: string;
  "key-usage"?: string[];
  "ext-key-usage"?: string[];
  key?: KeySpec;
  "signature-algorithm"?: string;
  ttl?: string;
  "not-before"?: string;
  "not-after"?: string;
  ca?: boolean;
  "path-length"?: number;
  "renew-before"?: string;
  "remove-roots-from-chain"?: boolean;
  files?: { cert?: string; chain?: string; fullchain?: string; key?: string; ca?: string; p12?: string; der?: string; combined?: string };
  formats?: FormatsSpec;
  "key-mode"?: string;
  owner?: string | number;
  group?: string | number;
  "deploy-hook"?: string;
  "failure-hook"?: string;
  "hook-timeout"?: string;
  "wait-timeout"?: string;
}

export interface CertificateEntry extends CertificateFields {
  name: string;
  "certificate-id"?: string;
}

export interface AuthSettings {
  method?: string;
  "client-id"?: string;
  "client-id-file"?: string;
  "client-secret-file"?: string;
  "token-file"?: string;
  "identity-id"?: string;
  "identity-id-file"?: string;
  "service-account-token-file"?: string;
  "jwt-file"?: string;
  "password-file"?: string;
  username?: string;
  "organization-slug"?: string;
}

export interface CertctlFile {
  version: 1;
  server?: { domain?: string; cacert?: string; "insecure-http"?: boolean; timeout?: string; retries?: number };
  auth?: AuthSettings;
  defaults?: Omit<CertificateFields, "dir"> & { directory?: string };
  certificates: CertificateEntry[];
}
