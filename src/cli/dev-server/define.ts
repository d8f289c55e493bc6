// Flags of `certctl dev-server`. Light module: commander only.
import { Command, Option } from "commander";
import { withDefault } from "../shared/flags.js";

export function devServerCommand(): Command {
  return new Command("dev-server")
    .summary("Run a local Infisical-compatible issuer to try certctl against")
    .description("Run a local, in-memory Infisical-compatible issuer with a real CA (for trying certctl and for tests)")
    .addOption(withDefault(new Option("--port <port>", "TCP port; 0 picks a free one"), "8080"))
    .addOption(withDefault(new Option("--host <host>", "address to listen on; keep loopback unless you mean it"), "127.0.0.1"))
    .addOption(withDefault(new Option("--approval <mode>", "approval of the 'default' profile: none, manual, or auto=<duration>"), "none"))
    .addOption(withDefault(new Option("--latency <duration>", "fixed delay before every API answer (e.g. 50ms)"), "0ms"))
    .addOption(withDefault(new Option("--backdate <duration>", "issue leaves with notBefore = now - this (notAfter = notBefore + ttl), so they are already due for renewal"), "0ms"))
    .addOption(withDefault(new Option("--csr-renewal <mode>", "renewals of CSR-issued certificates: accept (newer builds) or refuse (403, as a mid-2026 build)").choices(["accept", "refuse"]), "accept"))
    .addOption(withDefault(new Option("--token-ttl <duration>", "lifetime of access tokens; expired tokens answer 403 TokenError"), "1h"))
    .addOption(withDefault(new Option("--token-max-ttl <duration>", "accessTokenMaxTTL: token renewals past this long after the login are refused (401)"), "30d"))
    .addOption(new Option("--rate-limit <n/window>", "answer 429 past n reads and n writes per window and client IP, as Infisical Cloud does (e.g. 60/min, 20/2s)"))
    .addHelpText(
      "after",
      `
The global --client-id and --client-secret-file, when given, fix the credentials the server accepts
(otherwise they are random at every start). Nothing is written to disk.

Profiles (random ids, fixed slugs): default (EC CA, --approval), rsa (RSA CA), approval (EC CA, always
manual approval), external (simulated external CA: pending, pending_validation, then issued).

Dev-only endpoints (loopback, no token): POST /api/v1/dev/certificate-requests/<id>/approve and /reject,
GET /api/v1/dev/ca (root CA PEMs), GET /api/v1/dev/stats (request counts per route, "429 RateLimitExceeded"
for requests refused by --rate-limit), POST /api/v1/dev/rate-limit {"enabled": false|true}, POST /api/v1/dev/jwt
{aud?, sub?, expiresIn?} (a JWT the machine-identity logins trust), GET /api/v1/dev/jwks.

Machine identity (--json: machineIdentity): every login method but Universal Auth logs in as one identity,
verified for real: JWTs (kubernetes, gcp, azure, oidc, jwt) signed by the key made at start, unexpired, for
audience = the identity id (azure: https://management.azure.com/); AWS SigV4 with the printed test keys;
LDAP with the printed user. Refusals answer 401 UnauthorizedError.

Examples:
  $ certctl dev-server --port 8080                       # then paste the three exports it prints
  $ certctl dev-server --port 0 --json --approval auto=2s  # for scripts: a free port, one JSON line
  $ certctl dev-server --backdate 20d --latency 50ms      # certificates already due for renewal
  $ certctl dev-server --rate-limit 60/min                # a free-tier-like limit: 429 with Retry-After
`,
    );
}
