// Issue 13 items 5 and 6: a pending request's message and a failed request's errorMessage are text
// the server chose. They reach the terminal redacted (no bearer token) and with control sequences
// escaped, in human and JSON mode alike, like every other piece of server text.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runMain } from "../helpers/run-main.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/scripted-server.js";

const PROFILE = "8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e";
const REQUEST = "6f1c2d9e-0b7a-4c1e-9a55-2f0d3c8e7b41";
const LEAKED = "Bearer sEcReTtOkEn0123456789";
/** An OSC title change, a CSI colour and a C1 CSI (U+009B), around a reflected bearer token. */
const HOSTILE = `\u001b]0;owned\u0007\u001b[31mred \u009b2J ${LEAKED} end`;
const AUTH_ENV = { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: "text-client", INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: "text-secret-0123456789abcdef" };

let server: ScriptedServer;
let work: string;
beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-server-text-"));
  server = await startScriptedServer();
  server.on("POST /api/v1/auth/universal-auth/login", { body: { accessToken: "scripted-token-0123456789", expiresIn: 3600, tokenType: "Bearer" } });
  server.on("POST /api/v1/cert-manager/certificates", { body: { certificate: null, certificateRequestId: REQUEST, status: "pending_approval", message: HOSTILE } });
});
afterEach(async () => {
  await server.close();
});

function issue(extra: string[]) {
  return runMain(["issue", "--profile", PROFILE, "--cn", "x.example.com", "--out-dir", join(work, "out"), ...extra], {
    cwd: work, env: { ...AUTH_ENV, INFISICAL_DOMAIN: server.url },
  });
}

function expectSafe(text: string): void {
  expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
  expect(text).not.toContain("sEcReTtOkEn0123456789");
}

describe("server text is redacted and escaped in every mode", () => {
  for (const json of [false, true]) {
    // --no-wait: the create answer's message is the pending message shown.
    it(`a pending message (${json ? "--json" : "human"})`, async () => {
      server.on("GET /api/v1/cert-manager/certificates/certificate-requests/*", {
        body: { status: "pending_approval", certificate: null, certificateId: null, privateKey: null, serialNumber: null, errorMessage: null, pendingMessage: HOSTILE, createdAt: "", updatedAt: "" },
      });
      const res = await issue(["--no-wait", ...(json ? ["--json"] : [])]);
      expect(res.code, res.stderr).toBe(5);
      expectSafe(res.stdout + res.stderr);
      // Human mode shows the message: said, not dropped (the visible escape of ESC, the redaction marker).
      if (!json) expect(res.stderr).toMatch(/\\(x1b|e|u001b).*Bearer \[redacted\]/i);
    });

    it(`a failed request's errorMessage (${json ? "--json" : "human"})`, async () => {
      server.on("GET /api/v1/cert-manager/certificates/certificate-requests/*", {
        body: { status: "failed", certificate: null, certificateId: null, privateKey: null, serialNumber: null, errorMessage: HOSTILE, pendingMessage: null, createdAt: "", updatedAt: "" },
      });
      const res = await issue(json ? ["--json"] : []);
      expect(res.code, res.stderr).toBe(4);
      expect(res.stdout + res.stderr).toMatch(/failed/);
      expectSafe(res.stdout + res.stderr);
      expect(res.stdout + res.stderr).toContain("Bearer [redacted]");
    });
  }
});
