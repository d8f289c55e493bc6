// The dev server started inside the test process (no child to spawn) on an ephemeral loopback
// port, with the environment a user would export to point certctl at it.
import { createAuthorities, type CertificateAuthorities } from "../../src/devserver/ca.js";
import { startDevServer, type DevServerParams, type RunningDevServer } from "../../src/devserver/index.js";

/**
 * CA sets made once per worker and handed out in turn: making one costs ~0.7 s of CPU (two RSA-2048
 * keys and four signatures), and the suite starts dozens of servers. Two in turn, so the two
 * servers a test starts together (domain binding, the matrix's two) sign with different CAs; no
 * test needs more (a directory belongs to its server's URL, not its CA), and four cost each
 * worker ~1.4 s more.
 */
const POOL_SIZE = 2;
const pool: Array<Promise<CertificateAuthorities>> = [];
let nextCa = 0;
function pooledAuthorities(): Promise<CertificateAuthorities> {
  const i = nextCa++ % POOL_SIZE;
  return (pool[i] ??= createAuthorities());
}

export async function startLocalDevServer(
  overrides: Partial<DevServerParams> = {},
): Promise<{ server: RunningDevServer; env: Record<string, string> }> {
  const server = await startDevServer({
    authorities: await pooledAuthorities(),
    host: "127.0.0.1", port: 0, approval: { kind: "none" }, latencyMs: 0, backdateMs: 0, tokenTtlMs: 3_600_000,
    // The external CA's two steps in 0.1 and 0.3 s rather than 0.5 and 1.5 s (in-process certctl polls from 0.1 s).
    externalStepMs: { validation: 100, issued: 300 }, ...overrides,
  });
  const env = {
    INFISICAL_DOMAIN: server.info.url,
    INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId,
    INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.info.clientSecret,
  };
  return { server, env };
}

/** The dev server's request counters ("METHOD /route" → count), as GET /api/v1/dev/stats answers them. */
export async function devStats(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/api/v1/dev/stats`);
  if (!res.ok) throw new Error(`GET /api/v1/dev/stats answered ${res.status}`);
  return (await res.json()) as Record<string, number>;
}
