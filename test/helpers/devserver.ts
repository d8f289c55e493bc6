// Start `certctl dev-server` as a real child process (as a user or a script would) and talk
// to it over loopback HTTP with fetch, following only infisical-api.md and the dev endpoints.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { BIN, cleanEnv } from "./cli.js";
import { WAIT_DEADLINE_MS } from "./wait.js";

export interface DevServerHandle {
  url: string;
  profileId: string;
  projectId: string;
  clientId: string;
  clientSecret: string;
  profiles: Array<{ id: string; slug: string; approval: string }>;
  /** The id of the profile with this slug. */
  profile(slug: string): string;
  rootPems(): Promise<string[]>;
  approve(requestId: string): Promise<void>;
  reject(requestId: string): Promise<void>;
  stats(): Promise<Record<string, number>>;
  /** Logs in with the server's client credentials and returns an access token. */
  token(): Promise<string>;
  stop(): Promise<void>;
  /** The child process, for tests of signals and exit codes. */
  child: ChildProcessWithoutNullStreams;
  /** Everything the server wrote on stderr so far. */
  stderr(): string;
}

export interface StartInfo {
  url: string;
  profiles: Array<{ id: string; slug: string; approval: string }>;
  profileId: string;
  projectId: string;
  clientId: string;
  clientSecret: string;
}

/** Only turns a hang into a failure: on a loaded machine the start (two RSA CA keys) took over 15 s. */
const START_TIMEOUT_MS = WAIT_DEADLINE_MS;

export async function startDevServer(args: string[] = []): Promise<DevServerHandle> {
  const child = spawn(process.execPath, [BIN, "dev-server", "--port", "0", "--json", ...args], {
    env: cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const info = await new Promise<StartInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dev server did not print its JSON line within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`dev server exited with ${String(code)} before it started; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as StartInfo);
      } catch (error) {
        reject(new Error(`dev server printed a line that is not JSON: ${line}`, { cause: error }));
      }
    });
  });


  return {
    ...info,
    child,
    stderr: () => stderr,
    ...devApi(info),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** What a test asks any dev server (spawned here or in-process): profiles, approvals, counters, a token. */
export function devApi(info: StartInfo): Pick<DevServerHandle, "profile" | "rootPems" | "approve" | "reject" | "stats" | "token"> {
  const dev = async (method: string, path: string): Promise<unknown> => {
    const res = await fetch(`${info.url}/api/v1/dev/${path}`, { method });
    const body = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`${method} /api/v1/dev/${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
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
  };
}
