// The in-process dev server (local-devserver.ts) behind the handle a spawned one has
// (devserver.ts DevServerHandle), so a test written against `certctl dev-server` as a child
// moves in-process by changing its start line. Spawn the real one only where the server process
// itself is the subject (its flags, output, signals): a child costs a node start and two RSA CA
// keys in a process of its own.
import type { DevServerParams, RunningDevServer } from "../../src/devserver/index.js";
import { devApi, type DevServerHandle } from "./devserver.js";
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
  return {
    url: info.url, profileId: info.profileId, projectId: info.projectId, clientId: info.clientId, clientSecret: info.clientSecret,
    profiles: info.profiles, env, machineIdentity: info.machineIdentity,
    ...devApi(info),
    stop: () => server.close(),
  };
}
