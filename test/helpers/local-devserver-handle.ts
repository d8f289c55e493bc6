// The in-process dev server (local-devserver.ts) behind the handle a spawned one has
// (devserver.ts DevServerHandle), so a test written against `certctl dev-server` as a child
// moves in-process by changing its start line. Spawn the real one only where the server process
// itself is the subject (its flags, output, signals): a child costs a node start and two RSA CA
// keys in a process of its own.
import type { DevServerParams, RunningDevServer } from "../../src/devserver/index.js";
import type { DevServerHandle } from "./devserver.js";
import { startLocalDevServer } from "./local-devserver.js";

export type LocalDevServerHandle = Omit<DevServerHandle, "child" | "stderr"> & {
  /** The machine identity's test credentials (the spawned server's --json start line has them too). */
  machineIdentity: RunningDevServer["info"]["machineIdentity"];
  /** INFISICAL_DOMAIN and the Universal Auth credentials, as a user would export them. */
  env: Record<string, string>;
};

/** A day in milliseconds (--backdate, renew-before). */
export const DAY_MS = 86_400_000;

export async function startLocalDevServerHandle(overrides: Partial<DevServerParams> = {}): Promise<LocalDevServerHandle> {
  const { server, env } = await startLocalDevServer(overrides);
  const { info } = server;
  const dev = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${info.url}/api/v1/dev/${path}`, { method });
    const body = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`${method} /api/v1/dev/${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    url: info.url, profileId: info.profileId, projectId: info.projectId, clientId: info.clientId, clientSecret: info.clientSecret,
    profiles: info.profiles, env, machineIdentity: info.machineIdentity,
    profile(slug) {
      const found = info.profiles.find((p) => p.slug === slug);
      if (!found) throw new Error(`the dev server has no profile '${slug}' (has ${info.profiles.map((p) => p.slug).join(", ")})`);
      return found.id;
    },
    async rootPems() {
      return ((await dev("GET", "ca")) as { roots: string[] }).roots;
    },
    async approve(requestId) {
      await dev("POST", `certificate-requests/${requestId}/approve`);
    },
    async reject(requestId) {
      await dev("POST", `certificate-requests/${requestId}/reject`);
    },
    async stats() {
      return (await dev("GET", "stats")) as Record<string, number>;
    },
    async token() {
      const res = await fetch(`${info.url}/api/v1/auth/universal-auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientId: info.clientId, clientSecret: info.clientSecret }),
      });
      if (!res.ok) throw new Error(`login answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    },
    stop: () => server.close(),
  };
}
