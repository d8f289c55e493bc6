// certctl apply end to end: certctl's main() in-process against in-process dev servers (no process
// is the subject here: the file, the plan, the requests and the files written are). Server "main"
// issues fresh certificates; server "due" backdates every leaf by 25 days (30d ttl → due at once).
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { runMain } from "../helpers/run-main.js";
import { certctlFileText, infisicalAgentFileText } from "../helpers/certctl-file.js";

const CREDENTIALS = { clientId: "apply-e2e-client", clientSecret: "apply-e2e-secret-0123456789abcdef" };
let main: LocalDevServerHandle;
let due: LocalDevServerHandle;
let work: string;
let secretFile: string;
let idFile: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-apply-e2e-"));
  secretFile = join(work, "client-secret");
  idFile = join(work, "client-id");
  writeFileSync(secretFile, CREDENTIALS.clientSecret, { mode: 0o600 });
  writeFileSync(idFile, CREDENTIALS.clientId);
  const start = (backdateMs: number) => startLocalDevServerHandle({ credentials: CREDENTIALS, backdateMs });
  [main, due] = await Promise.all([start(0), start(25 * 86_400_000)]);
});
afterAll(async () => {
  await Promise.all([main?.stop(), due?.stop()]);
});

let counter = 0;
function newDir(name: string): string {
  const dir = join(work, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

/** Requests the server answered, dev endpoints left out. */
async function requests(server: LocalDevServerHandle): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await server.stats()).filter(([route]) => !route.includes("/dev/")));
}
const total = (stats: Record<string, number>) => Object.values(stats).reduce((a, b) => a + b, 0);
const issues = (stats: Record<string, number>) => stats["POST /api/v1/cert-manager/certificates"] ?? 0;

function certctlFile(server: LocalDevServerHandle, entries: string): string {
  return certctlFileText(server, { clientId: CREDENTIALS.clientId, secretFile }, entries);
}

const WEB = `  - name: web
    cn: www.example.com
    dns: [www.example.com, example.com]
    deploy-hook: echo "$CERTCTL_EVENT $CERTCTL_SERIAL" >> ../../hook.log
`;
const API = `  - name: api
    cn: api.example.com
    key: {algorithm: rsa2048}
    profile: rsa
`;

function apply(dir: string, file: string, ...args: string[]): Promise<CliResult> {
  return runMain(["apply", "-f", file, ...args], { cwd: dir });
}

function sans(path: string): string {
  return new X509Certificate(readFileSync(path)).subjectAltName ?? "";
}

describe("certctl apply", () => {
  it("creates what is missing, then leaves everything unchanged with zero requests", async () => {
    const dir = newDir("create");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB + API));
    const first = await apply(dir, "certctl.yaml");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`+ create web (no certctl.json in ${join(dir, "certs/web")})`);
    expect(first.stdout).toMatch(/created api: certificate [0-9a-f-]{36}, expires/);
    expect(sans(join(dir, "certs/web/cert.pem"))).toBe("DNS:www.example.com, DNS:example.com");
    expect(readFileSync(join(dir, "hook.log"), "utf8")).toMatch(/^issued [0-9a-f]+\n$/);

    const before = await requests(main);
    const second = await apply(dir, "certctl.yaml");
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^= unchanged web \(29 days left, due \d{4}-\d\d-\d\d\)\n= unchanged api .*\nPlan: 0 to create, 0 to renew, 0 to replace, 2 unchanged\.\n$/);
    expect(total(await requests(main)) - total(before)).toBe(0);
  });

  it("--dry-run prints the plan and sends nothing", async () => {
    const dir = newDir("dry");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB));
    const before = await requests(main);
    const res = await apply(dir, "certctl.yaml", "--dry-run", "--json");
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout) as { dryRun: boolean; plan: Array<{ name: string; action: string }> };
    expect(doc.dryRun).toBe(true);
    expect(doc.plan).toEqual([expect.objectContaining({ name: "web", action: "create" })]);
    expect(total(await requests(main))).toBe(total(before));
    expect(existsSync(join(dir, "certs"))).toBe(false);
  });

  it("a SAN added to an entry replaces the certificate and says why", async () => {
    const dir = newDir("replace");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB));
    expect((await apply(dir, "certctl.yaml", "--quiet")).code).toBe(0);
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB.replace("example.com]", "example.com, mail2.example.com]")));
    const dry = await apply(dir, "certctl.yaml", "--dry-run");
    expect(dry.stdout).toContain("-/+ replace web (SAN mail2.example.com added)");
    const before = issues(await requests(main));
    const res = await apply(dir, "certctl.yaml");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/replaced web: certificate .* \(SAN mail2\.example\.com added\)/);
    expect(issues(await requests(main)) - before).toBe(1);
    expect(sans(join(dir, "certs/web/cert.pem"))).toContain("DNS:mail2.example.com");
    expect(readFileSync(join(dir, "hook.log"), "utf8").split("\n")[1]).toMatch(/^renewed [0-9a-f]+$/);
  });

  it("renews what is due (a backdated certificate)", async () => {
    const dir = newDir("renew");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(due, WEB));
    expect((await apply(dir, "certctl.yaml", "--quiet")).code).toBe(0);
    const serial = new X509Certificate(readFileSync(join(dir, "certs/web/cert.pem"))).serialNumber;
    const res = await apply(dir, "certctl.yaml");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^~ renew web \(due: 4 days left \(renew before .*\)\)$/m);
    expect(res.stdout).toMatch(/^renewed web: certificate /m);
    expect(new X509Certificate(readFileSync(join(dir, "certs/web/cert.pem"))).serialNumber).not.toBe(serial);
    // Through the renew endpoint (lineage kept), as `certctl renew` does: one call, no new issue.
    const renewCalls = Object.entries(await due.stats()).filter(([route]) => route.endsWith("/renew") && route.includes("certificates"));
    expect(renewCalls.map(([, n]) => n)).toEqual([1]);
  });

  it("renews a revoked certificate and says so", async () => {
    const dir = newDir("revoked");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB));
    expect((await apply(dir, "certctl.yaml", "--quiet")).code).toBe(0);
    const env = { INFISICAL_DOMAIN: main.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };
    const revoked = await runMain(["revoke", "--out-dir", "certs/web", "--reason", "superseded", "--yes", "--quiet"], { cwd: dir, env });
    expect(revoked.code).toBe(0);
    const res = await apply(dir, "certctl.yaml");
    expect(res.stdout).toContain("~ renew web (revoked)");
    expect(res.stdout).toMatch(/^renewed web: certificate /m);
    expect(res.code).toBe(0);
    const again = await apply(dir, "certctl.yaml", "--dry-run");
    expect(again.stdout).toMatch(/^= unchanged web /m);
  });

  it("a broken file fails with the line, exit 2, nothing sent", async () => {
    const dir = newDir("broken");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB.replace("example.com]", "bad..name]")));
    const before = total(await requests(main));
    const res = await apply(dir, "certctl.yaml");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("certctl.yaml:14: certificates[0] (web): dns[1]: invalid value 'bad..name'");
    expect(total(await requests(main))).toBe(before);
  });

  it("exit code is the most severe entry's; the others are still done", async () => {
    const dir = newDir("severity");
    const ghost = "  - name: ghost\n    cn: ghost.example.com\n    profile: 00000000-0000-4000-8000-000000000000\n" +
      "    failure-hook: echo \"$CERTCTL_EVENT $CERTCTL_NAME - $CERTCTL_MESSAGE\" > failed.log\n";
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, WEB + ghost));
    const res = await apply(dir, "certctl.yaml");
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(/^created web: /m);
    expect(res.stdout).toMatch(/^failed ghost: .*[Pp]rofile not found/m);
    // The same failure hook as the agent's: it says why (CERTCTL_MESSAGE), not only that.
    expect(readFileSync(join(dir, "failed.log"), "utf8")).toMatch(/^failed ghost - .*[Pp]rofile not found/);
  });

  it("a request left pending is resumed by the next apply, not sent again", async () => {
    const dir = newDir("pending");
    writeFileSync(join(dir, "certctl.yaml"), certctlFile(main, "  - name: pay\n    cn: pay.example.com\n    profile: approval\n    wait-timeout: 1s\n"));
    const first = await apply(dir, "certctl.yaml");
    expect(first.code).toBe(5);
    const [record] = readdirSync(join(dir, "certs/pay/.certctl/pending")).filter((name) => name.endsWith(".json"));
    const requestId = record!.replace(/\.json$/, "");
    await main.approve(requestId);
    const before = issues(await requests(main));
    const second = await apply(dir, "certctl.yaml");
    expect(second.stdout).toContain(`+ create pay (no certctl.json in ${join(dir, "certs/pay")}; request ${requestId} is pending: resumed, nothing new sent)`);
    expect(second.code).toBe(0);
    expect(issues(await requests(main))).toBe(before);
    expect(existsSync(join(dir, "certs/pay/cert.pem"))).toBe(true);
  });
});

describe("the Infisical agent's config", () => {
  it("is applied end to end: v2 application-name, v1 project-slug, outputs, hooks", async () => {
    const dir = newDir("agent");
    const agent = `version: v2
infisical: {address: "${main.url}"}
auth: {type: universal-auth, config: {client-id: ${idFile}, client-secret: ${secretFile}}}
certificates:
  - application-name: certctl-dev
    profile-name: default
    attributes: {common-name: api.example.com, alt-names: [api.example.com, api2.example.com], key-algorithm: EC_prime256v1, ttl: 90d}
    lifecycle: {renew-before-expiry: 14d}
    file-output:
      private-key: {path: out/api.key, permission: "0640"}
      certificate: {path: out/api.crt}
      chain: {path: out/chain.crt, omit-root: true}
    post-hooks: {on-issuance: {command: "echo $CERTCTL_EVENT > ${join(dir, "agent-hook.log")}"}}
  - project-slug: certctl-dev
    profile-name: rsa
    attributes: {common-name: legacy.example.com, key-algorithm: RSA_2048, ttl: 30d}
`;
    writeFileSync(join(dir, "certificate-agent-config.yaml"), agent);
    const converted = await runMain(["convert-agent-config", "certificate-agent-config.yaml"], { cwd: dir });
    expect(converted.code).toBe(0);
    expect(converted.stdout).toContain("application-name: certctl-dev");
    const res = await apply(dir, "certificate-agent-config.yaml");
    expect(res.stderr).toContain("the Infisical agent's format, converted");
    expect(res.code).toBe(0);
    expect(sans(join(dir, "out/api.crt"))).toBe("DNS:api.example.com, DNS:api2.example.com");
    expect(readFileSync(join(dir, "out/api.key"), "utf8")).toContain("PRIVATE KEY");
    expect((await import("node:fs")).statSync(join(dir, "out/api.key")).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(dir, "agent-hook.log"), "utf8")).toBe("issued\n");
    const meta = JSON.parse(readFileSync(join(dir, "certctl.d/legacy.example.com/certctl.json"), "utf8")) as { profileId: string; projectId: string };
    expect(meta.profileId).toBe(main.profile("rsa"));
    expect(meta.projectId).toBe(main.projectId);

    const before = total(await requests(main));
    const again = await apply(dir, "certificate-agent-config.yaml");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("2 unchanged");
    expect(total(await requests(main))).toBe(before);
  });

  it("a certificate-id entry fetches the certificate and follows the server's renewals", async () => {
    const dir = newDir("certificate-id");
    const env = { INFISICAL_DOMAIN: main.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CREDENTIALS.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: CREDENTIALS.clientSecret };
    const issued = await runMain(["issue", "--profile", main.profileId, "--cn", "managed.example.com", "--server-keygen", "--out-dir", "server-side", "--quiet"], { cwd: dir, env });
    expect(issued.code).toBe(0);
    const id = (JSON.parse(readFileSync(join(dir, "server-side/certctl.json"), "utf8")) as { certificateId: string }).certificateId;
    writeFileSync(join(dir, "agent.yaml"), infisicalAgentFileText(main.url, { clientIdFile: idFile, secretFile }, id));
    const first = await apply(dir, "agent.yaml");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`created managed: certificate ${id}`);
    expect(readFileSync(join(dir, "host/managed.crt"), "utf8")).toBe(readFileSync(join(dir, "server-side/cert.pem"), "utf8"));

    // The server renews it (here: certctl renew on the server-side copy); the host follows.
    expect((await runMain(["renew", "server-side", "--force", "--quiet"], { cwd: dir, env })).code).toBe(0);
    const renewedId = (JSON.parse(readFileSync(join(dir, "server-side/certctl.json"), "utf8")) as { certificateId: string }).certificateId;
    const before = issues(await requests(main));
    const second = await apply(dir, "agent.yaml");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`renewed managed: certificate ${renewedId}`);
    expect(second.stdout).toContain(`the server renewed it: ${id} → ${renewedId}`);
    expect(readFileSync(join(dir, "host/managed.crt"), "utf8")).toBe(readFileSync(join(dir, "server-side/cert.pem"), "utf8"));
    expect(issues(await requests(main))).toBe(before);

    const third = await apply(dir, "agent.yaml", "--json");
    expect((JSON.parse(third.stdout) as { results: Array<{ outcome: string }> }).results[0]!.outcome).toBe("unchanged");
  });
});
