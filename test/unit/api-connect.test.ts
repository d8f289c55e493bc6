// connect(ctx): flags + environment → an API bound to the run's signal, env and debug sink.
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { connect } from "../../src/cli/connect.js";
import type { CommandContext, GlobalOptions } from "../../src/cli/context.js";
import { UsageError } from "../../src/model/errors.js";
import { apiError, startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";

const TOKEN = "tok-connect-secret-123456";
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function context(env: NodeJS.ProcessEnv, globals: Partial<GlobalOptions> = {}): { ctx: CommandContext; stderr: () => string } {
  const stderr = new PassThrough();
  let text = "";
  stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const ctx: CommandContext = {
    io: {
      stdout: new PassThrough(), stderr, stdin: new PassThrough(), env, cwd: process.cwd(),
      stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false,
    },
    globals: { timeout: "5s", retries: "1", color: false, ...globals },
    signal: new AbortController().signal,
  };
  return { ctx, stderr: () => text };
}

describe("connect", () => {
  it("uses the env's domain and token; CERTCTL_DEBUG=1 writes debug lines without secrets", async () => {
    server = await startScriptedServer();
    server.on("GET /api/v1/cert-manager/certificates/c1/certificate", apiError(503, "Unavailable", `echo ${TOKEN}`), {
      body: { certificate: "LEAF", certificateChain: null, serialNumber: "01" },
    });
    const { ctx, stderr } = context({ INFISICAL_DOMAIN: server.url, INFISICAL_TOKEN: TOKEN, CERTCTL_DEBUG: "1" });
    const { api, connection } = await connect(ctx);
    expect(connection.apiUrl).toBe(`${server.url}/api`);
    await api.getCertificate("c1");
    await api.close();
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(stderr()).toMatch(/^certctl: debug: GET \/v1\/cert-manager\/certificates\/c1\/certificate → 503 \(attempt 1\/2, \d+ ms\)$/m);
    expect(stderr()).toMatch(/^certctl: debug: retrying GET /m);
    expect(stderr()).not.toContain(TOKEN);
  });

  it("without CERTCTL_DEBUG nothing is written", async () => {
    server = await startScriptedServer();
    server.on("GET /api/v1/cert-manager/certificates/c1/certificate", { body: { certificate: "L", serialNumber: "01" } });
    const { ctx, stderr } = context({ INFISICAL_DOMAIN: server.url, INFISICAL_TOKEN: TOKEN });
    const { api } = await connect(ctx);
    await api.getCertificate("c1");
    await api.close();
    expect(stderr()).toBe("");
  });

  it("no credentials: UsageError before any request", async () => {
    server = await startScriptedServer();
    const { ctx } = context({ INFISICAL_DOMAIN: server.url });
    await expect(connect(ctx)).rejects.toBeInstanceOf(UsageError);
    expect(server.count()).toBe(0);
  });
});

// Regression (issue 12 item 10): "Logged in to <host>" was shown before a login that then failed.
describe("the login hook", () => {
  const LOGIN = "POST /api/v1/auth/universal-auth/login";
  const credentials = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: "machine-1", INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "s3cr3t-value" };

  async function loginEvents(answer: Parameters<ScriptedServer["on"]>[1] | "down"): Promise<{ events: string[]; error: unknown }> {
    server = await startScriptedServer();
    if (answer !== "down") server.on(LOGIN, answer);
    const url = server.url;
    if (answer === "down") await server.close();
    const { ctx } = context({ INFISICAL_DOMAIN: url, ...credentials }, { retries: "0" });
    const events: string[] = [];
    const { api } = await connect(ctx, { onLogin: (host) => (events.push(`start ${host}`), () => void events.push("logged in")) });
    const error = await api.authenticate().catch((e: unknown) => e);
    await api.close();
    if (answer === "down") server = undefined;
    return { events, error };
  }

  it("reports the end of a login only when it succeeded", async () => {
    const ok = await loginEvents({ body: { accessToken: "tok-from-login-1234567", expiresIn: 3600, tokenType: "Bearer" } });
    expect(ok.error).toBeUndefined();
    expect(ok.events).toEqual([expect.stringMatching(/^start 127\.0\.0\.1:\d+$/), "logged in"]);
  });

  it.each([["a refused login (401)", apiError(401, "UnauthorizedError", "Invalid credentials")], ["a server that is down", "down" as const]])(
    "never says logged in after %s", async (_name, answer) => {
      const { events, error } = await loginEvents(answer);
      expect(error).toBeInstanceOf(Error);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatch(/^start /);
    },
  );
});
