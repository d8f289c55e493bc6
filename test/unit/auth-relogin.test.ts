// A machine-identity login is renewed like a Universal Auth one: when the server says the token
// is no good (403 TokenError), the client logs in again once with the same method, then gives up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../src/api/infisical.js";
import type { Connection } from "../../src/api/config.js";
import { AuthError } from "../../src/model/errors.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import type { RunningDevServer } from "../../src/devserver/index.js";

let server: RunningDevServer;
beforeAll(async () => {
  // Tokens that are expired when they are used: a lifetime of 0 (the server's check is expiresAt <= now).
  // 1 ms was a race: a login and a request on a warm process within the same millisecond found the
  // token still valid (a 404 for the unknown certificate instead of the TokenError).
  ({ server } = await startLocalDevServer({ tokenTtlMs: 0 }));
});
afterAll(async () => server?.close());

async function stats(): Promise<Record<string, number>> {
  return (await (await fetch(`${server.info.url}/api/v1/dev/stats`)).json()) as Record<string, number>;
}

describe("re-login with a machine identity", () => {
  it("logs in again once with the same method after a 403 TokenError, then reports the auth error", async () => {
    const jwt = ((await (await fetch(server.info.machineIdentity.jwtMintUrl, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })).json()) as { jwt: string }).jwt;
    const connection: Connection = {
      apiUrl: `${server.info.url}/api`, timeoutMs: 5000, retries: 0,
      credentials: { identity: { method: "kubernetes", identityId: server.info.machineIdentity.identityId, jwt } },
    };
    const api = createApi(connection, { env: {}, retryBaseMs: 5 });
    try {
      await expect(api.getMetadata("6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41")).rejects.toBeInstanceOf(AuthError);
      expect((await stats())["POST /api/v1/auth/kubernetes-auth/login"]).toBe(2);
      expect((await stats())["POST /api/v1/auth/universal-auth/login"]).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
