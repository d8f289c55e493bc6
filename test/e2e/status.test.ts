// certctl status end to end: resume requests that certctl issue left pending, against one dev server.
// certctl runs in-process (main(argv, io)), as does the server: no process is the subject here.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import type { CliResult } from "../helpers/cli.js";
import { runMain, startMain } from "../helpers/run-main.js";
import { until } from "../helpers/wait.js";
import { certPublicKey, keyPublicKey, openssl, verifyChain } from "../helpers/openssl.js";

let server: RunningDevServer;
let work: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ server, env } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-status-e2e-"));
});
afterAll(async () => {
  await server?.close();
});

const approvalProfile = () => server.info.profiles.find((p) => p.slug === "approval")!.id;
let counter = 0;
const dir = (name: string) => join(work, `${name}-${++counter}`);

const cli = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
  runMain(args, { cwd: work, env: { ...env, ...extraEnv } });

async function decide(requestId: string, verdict: "approve" | "reject"): Promise<void> {
  const res = await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${requestId}/${verdict}`, { method: "POST" });
  expect(res.status).toBe(200);
}

/** certctl issue --no-wait on the approval profile: exit 5 and a pending record; returns the request id. */
async function leavePending(out: string, extra: string[] = []): Promise<string> {
  const res = await cli(["issue", "--profile", approvalProfile(), "--cn", "st.example.com", "--out-dir", out, "--no-wait", "--json", ...extra]);
  expect(res.code).toBe(5);
  const id = JSON.parse(res.stdout).error.certificateRequestId as string;
  expect(readdirSync(join(out, ".certctl", "pending"))).toContain(`${id}.json`);
  return id;
}

describe.concurrent("certctl status", () => {
  it("reports a pending request with exit 5 and the resume hint, then writes the set once approved", async () => {
    const out = dir("pending");
    const id = await leavePending(out);
    const kept = keyPublicKey(join(out, ".certctl", "pending", `${id}.key.pem`));
    const still = await cli(["status", id, "--out-dir", out]);
    expect(still.code).toBe(5);
    expect(still.stderr).toContain("pending_approval");
    expect(still.stderr).toContain(`certctl status ${id} --out-dir ${out}`);
    expect(existsSync(join(out, "cert.pem"))).toBe(false);

    await decide(id, "approve");
    const done = await cli(["status", id, "--out-dir", out, "--json"]);
    expect(done.code).toBe(0);
    const doc = JSON.parse(done.stdout);
    expect(doc).toMatchObject({ status: "issued", certificateRequestId: id, written: true, files: { key: join(out, "key.pem") } });
    expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
    expect(certPublicKey(join(out, "cert.pem"))).toBe(kept);
    expect(keyPublicKey(join(out, "key.pem"))).toBe(kept);
    expect(JSON.parse(readFileSync(join(out, "certctl.json"), "utf8"))).toMatchObject({ certificateRequestId: id, certificateId: doc.certificateId, serialNumber: doc.serialNumber });
    expect(openssl(["x509", "-in", join(out, "cert.pem"), "-noout", "-serial"]).trim().toLowerCase()).toBe(`serial=${doc.serialNumber}`);

    // Already finished: the record is gone, so a second status only reports.
    const again = await cli(["status", id, "--out-dir", out]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing was written/);
  });

  it("--wait waits for the approval", async () => {
    const out = dir("wait");
    const id = await leavePending(out);
    const running = startMain(["status", id, "--out-dir", out, "--wait", "--wait-timeout", "30s"], { cwd: work, env });
    // Approve only once status says it is waiting, so the test exercises --wait (a sleep could approve first).
    await until("status --wait to report pending_approval", () => running.stderr().includes("pending_approval"));
    await decide(id, "approve");
    const res = await running.done;
    expect(res.code).toBe(0);
    expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
  });

  it("uses the domain the pending record remembers when none is given", async () => {
    const out = dir("domain");
    const id = await leavePending(out);
    await decide(id, "approve");
    const res = await cli(["status", id, "--out-dir", out], { INFISICAL_DOMAIN: "" });
    expect(res.code).toBe(0);
    expect(existsSync(join(out, "key.pem"))).toBe(true);
  });

  it("a rejected request exits 4, writes nothing and drops the kept key", async () => {
    const out = dir("rejected");
    const id = await leavePending(out);
    await decide(id, "reject");
    const res = await cli(["status", id, "--out-dir", out]);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/rejected/);
    expect(existsSync(join(out, "cert.pem"))).toBe(false);
    expect(readdirSync(join(out, ".certctl", "pending"))).toEqual([]);
  });

  it("finishes a --csr request without a key, and a --server-keygen request from the bundle", async () => {
    const csrOut = dir("csr");
    const csr = join(work, "status.csr");
    const key = join(work, "status.key");
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", "/CN=csr.example.com", "-out", csr]);
    const csrRes = await cli(["issue", "--profile", approvalProfile(), "--csr", csr, "--out-dir", csrOut, "--no-wait", "--json"]);
    expect(csrRes.code).toBe(5);
    const csrId = JSON.parse(csrRes.stdout).error.certificateRequestId as string;

    const skOut = dir("server-keygen");
    const skId = await leavePending(skOut, ["--server-keygen"]);
    expect(readdirSync(join(skOut, ".certctl", "pending"))).toEqual([`${skId}.json`]);

    await Promise.all([decide(csrId, "approve"), decide(skId, "approve")]);
    const [a, b] = await Promise.all([cli(["status", csrId, "--out-dir", csrOut]), cli(["status", skId, "--out-dir", skOut])]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(existsSync(join(csrOut, "key.pem"))).toBe(false);
    expect(certPublicKey(join(csrOut, "cert.pem"))).toBe(keyPublicKey(key));
    expect(keyPublicKey(join(skOut, "key.pem"))).toBe(certPublicKey(join(skOut, "cert.pem")));
  });

  it("an issued request without a pending record is reported, not written", async () => {
    const out = dir("elsewhere");
    const issued = await cli(["issue", "--profile", server.info.profileId, "--cn", "e.example.com", "--out-dir", out, "--json"]);
    expect(issued.code).toBe(0);
    const id = JSON.parse(issued.stdout).certificateRequestId as string;
    const other = dir("other");
    const res = await cli(["status", id, "--out-dir", other, "--json"]);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ status: "issued", written: false, certificateRequestId: id });
    expect(existsSync(other)).toBe(false);
  });

  it.each([
    [["status", "../../etc/passwd"], 2, /certificateRequestId/],
    [["status", "8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e"], 4, /not found/i],
    [["status", "8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e", "--wait-timeout", "soon"], 2, /--wait-timeout/],
  ])("%j exits %i", async (args, code, message) => {
    const res = await cli(args);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
  });
});
