// The in-process dev server (local-devserver.ts) behind the same handle the spawned one has
// (devserver.ts): url, profiles, approve/reject, stats, token, stop. For tests whose subject is
// certctl, not the dev-server process: no node to spawn, no CA keys made in a child under load.
import type { DevServerParams } from "../../src/devserver/index.js";
import type { DevServerHandle } from "./devserver.js";
import { devStats, startLocalDevServer } from "./local-devserver.js";

export type LocalServerHandle = Omit<DevServerHandle, "child" | "stderr">;

export const DAY_MS = 86_400_000;

export async function startLocalHandle(overrides: Partial<DevServerParams> = {}): Promise<LocalServerHandle> {
  const { server } = await startLocalDevServer(overrides);
  const { info } = server;
  const dev = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${info.url}/api/v1/dev/${path}`, { method });
    const body = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`${method} /api/v1/dev/${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    url: info.url, profileId: info.profileId, projectId: info.projectId, clientId: info.clientId, clientSecret: info.clientSecret,
    profiles: info.profiles,
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
    stats: () => devStats(info.url),
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
