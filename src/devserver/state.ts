// Everything the dev server remembers, in memory only: profiles, tokens, requests and
// certificates. Nothing is ever written to disk.
import { randomUUID } from "node:crypto";
import { KEY_ALGORITHMS, type KeyAlgorithm, type RequestStatus } from "../model/types.js";
import type { CertificateAuthorities, IssuingCa } from "./ca.js";
import type { HashName, x509 } from "./crypto.js";
import type { MachineIdentity } from "./login/identity.js";

/** How a profile's requests reach `issued`. */
export type Approval =
  | { kind: "none" }
  | { kind: "manual" }
  | { kind: "auto"; afterMs: number; text: string }
  /** An external CA: `pending`, then `pending_validation`, then `issued`. */
  | { kind: "external" };

export interface Profile {
  id: string;
  slug: string;
  approval: Approval;
  ca: IssuingCa;
  maxTtlMs: number;
  keyAlgorithms: readonly KeyAlgorithm[];
}

/** What to sign once a request may be issued; kept so approval and renewal can sign later. */
export interface SigningPlan {
  subject: x509.Name;
  extensions: x509.Extension[];
  hash: HashName;
  lifetimeMs: number;
  /** A CSR's public key, or the algorithm of a key the server generates (or already holds). */
  key: { kind: "csr"; publicKey: x509.PublicKey } | { kind: "server"; algorithm: KeyAlgorithm; keys?: CryptoKeyPair };
}

export interface RequestRecord {
  id: string;
  profile: Profile;
  status: RequestStatus;
  plan: SigningPlan;
  createdAt: Date;
  updatedAt: Date;
  errorMessage: string | null;
  pendingMessage: string | null;
  certificateId: string | null;
  /** Set when this request renews a certificate. */
  renewalOf: string | null;
  timers: NodeJS.Timeout[];
}

export interface CertificateRecord {
  id: string;
  requestId: string;
  profile: Profile;
  pem: string;
  serialNumber: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  /** PKCS#8 PEM when the server generated the key. */
  privateKeyPem: string | null;
  plan: SigningPlan;
  status: "active" | "revoked";
  revokedAt: Date | null;
  revocationReason: string | null;
  renewedFromCertificateId: string | null;
  latestRenewalCertificateId: string | null;
  createdAt: Date;
}

export interface Credentials {
  clientId: string;
  clientSecret: string;
  projectId: string;
}

export interface ServerState {
  credentials: Credentials;
  cas: CertificateAuthorities;
  profiles: Profile[];
  /** Live access tokens: when each expires, and when its login's max TTL ends (no renewal past it). */
  tokens: Map<string, { expiresAt: number; maxExpiresAt: number }>;
  requests: Map<string, RequestRecord>;
  certificates: Map<string, CertificateRecord>;
  stats: Map<string, number>;
  /** How many of the next certificates get a serial with the top bit set (POST /api/v1/dev/serials/top-bit). */
  topBitSerials: number;
  /** The machine identity the login routes of ./login/ verify against (set at start). */
  machine?: MachineIdentity;
}

export interface StateOptions {
  approval: Approval;
  credentials?: Partial<Credentials>;
}

const MAX_TTL_MS = 397 * 86_400_000;
const ALL_KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  ...KEY_ALGORITHMS,
];

export function createState(cas: CertificateAuthorities, options: StateOptions): ServerState {
  const profile = (slug: string, ca: IssuingCa, approval: Approval): Profile => ({
    id: randomUUID(), slug, approval, ca, maxTtlMs: MAX_TTL_MS, keyAlgorithms: ALL_KEY_ALGORITHMS,
  });
  return {
    credentials: {
      clientId: options.credentials?.clientId ?? randomUUID(),
      // Like a real Universal Auth secret: 64 hex characters, random per start.
      clientSecret: options.credentials?.clientSecret ?? Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString("hex"),
      projectId: options.credentials?.projectId ?? randomUUID(),
    },
    cas,
    profiles: [
      profile("default", cas.ec, options.approval),
      profile("rsa", cas.rsa, { kind: "none" }),
      profile("approval", cas.ec, { kind: "manual" }),
      profile("external", cas.ec, { kind: "external" }),
    ],
    tokens: new Map(),
    requests: new Map(),
    certificates: new Map(),
    stats: new Map(),
    topBitSerials: 0,
  };
}

/** `none`, `manual` or `auto=<duration>` (the --approval flag); undefined when not one of those. */
export function parseApproval(text: string, parseDuration: (value: string) => number): Approval | undefined {
  if (text === "none" || text === "manual") return { kind: text };
  const auto = /^auto=(.+)$/.exec(text);
  return auto?.[1] ? { kind: "auto", afterMs: parseDuration(auto[1]), text: auto[1] } : undefined;
}

export function approvalText(approval: Approval): string {
  return approval.kind === "auto" ? `auto=${approval.text}` : approval.kind;
}

export function countRequest(state: ServerState, route: string): void {
  state.stats.set(route, (state.stats.get(route) ?? 0) + 1);
}

/** Stop every pending timer (auto-approval, external CA steps) so the process can exit. */
export function clearTimers(state: ServerState): void {
  for (const request of state.requests.values()) {
    for (const timer of request.timers) clearTimeout(timer);
    request.timers = [];
  }
}
