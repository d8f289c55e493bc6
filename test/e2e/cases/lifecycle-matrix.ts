// The lifecycle matrix of issue 12 as a table: key source × subject × profile, and for each
// profile the steps a certificate goes through. A reader sees here which combinations run which
// steps; lifecycle-matrix.test.ts runs them.

/** Where the key comes from. RSA sources go to the `rsa` profile (its CA is RSA); EC sources everywhere else. */
export type KeySource =
  | "local-ec" // certctl makes an EC P-256 key (the default)
  | "local-rsa" // certctl makes an RSA-2048 key (--key-algorithm RSA_2048)
  | "key-ec" // --key: an EC key made once by openssl
  | "key-rsa" // --key: the RSA-2048 fixture key
  | "csr-ec" // --csr: a CSR made by openssl from the EC key
  | "csr-rsa" // --csr: a CSR made by openssl from the RSA fixture key
  | "server-keygen"; // --server-keygen: the server makes the key

export const EC_SOURCES: KeySource[] = ["local-ec", "key-ec", "csr-ec", "server-keygen"];
export const RSA_SOURCES: KeySource[] = ["local-rsa", "key-rsa", "csr-rsa"];
/** Sources whose certificate is issued from a CSR: a mid-2026 build refuses to renew those. */
export const CSR_BASED: KeySource[] = ["local-ec", "local-rsa", "key-ec", "key-rsa", "csr-ec", "csr-rsa"];

export type SubjectCase = "cn+sans" | "san-only" | "cn-only";
export const SUBJECTS: SubjectCase[] = ["cn+sans", "san-only", "cn-only"];

/**
 * default/rsa: issued at once. approval: pending until the test approves, rejects or leaves it.
 * external: pending → pending_validation → issued (~1.5 s) on its own.
 */
export type ProfileCase = "default" | "rsa" | "approval/approve" | "approval/reject" | "approval/pending" | "external";

/** Which dev server a cell runs against: one that renews CSR-issued certificates, one that refuses to (`--csr-renewal refuse`). */
export type ServerName = "accept" | "refuse";

export type Step =
  | "issue" // exit 0 and a complete set (approval: issue --no-wait → 5, decided, then status installs)
  | "issue-rejected" // approval rejected: status exits 4, nothing installed, the pending record gone
  | "issue-left-pending" // approval left pending: status 5 writes nothing; renew and a second issue send nothing
  | "inspect" // certctl inspect --json of cert.pem: subject and SANs as asked
  | "renew-not-due" // exit 0 'not due', zero requests, no hook
  | "renew-due" // key 0640:nogroup first; exit 0, renewed (or reissued on refuse), hooks, lineage, modes kept
  | "renew-pending" // renew --no-wait → 5 (one request), again → 5 (no request), decided, renew installs it (no request)
  | "status" // status <request id> --json: the installed certificate's serial, exit 0, nothing sent twice
  | "revoke" // revoke --yes: recorded in certctl.json, one revoke call
  | "renew-revoked"; // renew without --force replaces the revoked certificate

export interface Cell {
  name: string;
  key: KeySource;
  subject: SubjectCase;
  profile: ProfileCase;
  server: ServerName;
  steps: Step[];
}

const IMMEDIATE: Step[] = ["issue", "inspect", "renew-not-due", "renew-due", "status", "revoke", "renew-revoked"];
const PENDING_RENEWALS: Step[] = ["issue", "inspect", "renew-not-due", "renew-pending", "status", "revoke", "renew-revoked"];
/** Against `--csr-renewal refuse --backdate 25d`: every certificate is due as soon as it is issued. */
const REFUSED_RENEWALS: Step[] = ["issue", "renew-due", "revoke", "renew-revoked"];

const STEPS: Record<ProfileCase, Step[]> = {
  default: IMMEDIATE,
  rsa: IMMEDIATE,
  "approval/approve": PENDING_RENEWALS,
  "approval/reject": ["issue-rejected"],
  "approval/pending": ["issue-left-pending"],
  external: PENDING_RENEWALS,
};

function cell(key: KeySource, subject: SubjectCase, profile: ProfileCase, server: ServerName, steps = STEPS[profile]): Cell {
  return { name: `${server}: ${profile} × ${key} × ${subject}`, key, subject, profile, server, steps };
}

export function matrix(): Cell[] {
  const cells: Cell[] = [];
  for (const subject of SUBJECTS) {
    for (const key of EC_SOURCES) {
      cells.push(cell(key, subject, "default", "accept"));
      for (const profile of ["approval/approve", "approval/reject", "approval/pending"] as const) cells.push(cell(key, subject, profile, "accept"));
      cells.push(cell(key, subject, "external", "accept"));
    }
    for (const key of RSA_SOURCES) cells.push(cell(key, subject, "rsa", "accept"));
    for (const key of CSR_BASED) cells.push(cell(key, subject, RSA_SOURCES.includes(key) ? "rsa" : "default", "refuse", REFUSED_RENEWALS));
  }
  return cells;
}
