// Two behaviours a user relies on without thinking about them (issue 12 items 16 and 5), run
// in-process against two dev servers:
// - SANs keep the order typed across --dns/--ip/--email/--uri/--san, in the certificate, in
//   certctl.json, in the output, and through a renewal;
// - a directory belongs to the server that issued it: `status` of a request kept there refuses a
//   --domain / INFISICAL_DOMAIN naming another server, as renew and revoke do, and `renew --dry-run`
//   says that the real run would be refused. Nothing is sent to either server when refused.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { devStats, startLocalDevServer } from "../helpers/local-devserver.js";
import { runMain } from "../helpers/run-main.js";
import { openssl } from "../helpers/openssl.js";

let home: RunningDevServer;
let other: RunningDevServer;
let homeEnv: Record<string, string>;
let otherEnv: Record<string, string>;
let work: string;

beforeAll(async () => {
  [{ server: home, env: homeEnv }, { server: other, env: otherEnv }] = await Promise.all([startLocalDevServer(), startLocalDevServer()]);
  work = mkdtempSync(join(tmpdir(), "certctl-edge-e2e-"));
});
afterAll(async () => {
  await Promise.all([home?.close(), other?.close()]);
});

/** Every API request a server answered (its /dev/ inspection routes aside). */
async function requests(server: RunningDevServer): Promise<number> {
  const all = await devStats(server.info.url);
  return Object.entries(all).filter(([route]) => !route.includes("/dev/")).reduce((sum, [, n]) => sum + n, 0);
}

function sanExtension(certFile: string): string {
  // "X509v3 Subject Alternative Name: critical\n    IP Address:10.0.0.1, DNS:…" → the names line.
  return openssl(["x509", "-in", certFile, "-noout", "-ext", "subjectAltName"]).trim().split("\n").slice(1).join(" ").trim();
}

describe("SANs in the order typed", { timeout: 60_000 }, () => {
  // Regression (issue 12 item 16): the names were grouped by flag (DNS, IP, email, URI), IPs ahead of the typed order.
  it("issue keeps --ip, --dns, --san, --dns=, --uri, --email in typed order; renew keeps it", async () => {
    const dir = join(work, "order");
    const argv = ["issue", "--profile", home.info.profileId, "--ip", "10.0.0.1", "--dns", "b.example.com", "--san", "ops@example.com",
      "--dns=a.example.com", "--uri", "spiffe://example.org/web", "--email", "x@example.com", "--ip", "2001:db8::1", "--out-dir", dir];
    const issued = await runMain(argv, { env: homeEnv });
    expect(issued.stderr).not.toMatch(/error/i);
    expect(issued.code).toBe(0);
    const typed = ["IP Address:10.0.0.1", "DNS:b.example.com", "email:ops@example.com", "DNS:a.example.com", "URI:spiffe://example.org/web",
      "email:x@example.com", "IP Address:2001:DB8:0:0:0:0:0:1"];
    expect(sanExtension(join(dir, "cert.pem"))).toBe(typed.join(", "));
    const meta = JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as { attributes: { altNames: Array<{ type: string; value: string }> } };
    expect(meta.attributes.altNames.map((n) => n.value))
      .toEqual(["10.0.0.1", "b.example.com", "ops@example.com", "a.example.com", "spiffe://example.org/web", "x@example.com", "2001:db8::1"]);
    expect(issued.stdout).toContain("IP:10.0.0.1, DNS:b.example.com, email:ops@example.com, DNS:a.example.com, URI:spiffe://example.org/web, email:x@example.com, IP:2001:db8::1");

    const renewed = await runMain(["renew", dir, "--force", "--quiet"], { env: homeEnv });
    expect(renewed.stderr).toBe("");
    expect(renewed.code).toBe(0);
    expect(sanExtension(join(dir, "cert.pem"))).toBe(typed.join(", "));
  });

  it("inspect shows the certificate's SANs in the order typed", async () => {
    const dir = join(work, "order-inspect");
    const res = await runMain(["issue", "--profile", home.info.profileId, "--uri", "spiffe://example.org/a", "--ip", "192.0.2.7", "--dns", "c.example.com",
      "--out-dir", dir, "--quiet"], { env: homeEnv });
    expect(res.code).toBe(0);
    const shown = await runMain(["inspect", join(dir, "cert.pem"), "--json"]);
    expect(shown.code).toBe(0);
    const doc = JSON.parse(shown.stdout) as { certificates: Array<{ altNames: string[] }> };
    expect(doc.certificates[0]?.altNames).toEqual(["URI:spiffe://example.org/a", "IP:192.0.2.7", "DNS:c.example.com"]);
  });
});

describe("a directory's server, for status and renew --dry-run", { timeout: 60_000 }, () => {
  const approvalProfile = () => home.info.profiles.find((p) => p.slug === "approval")!.id;

  /** issue --no-wait on home's approval profile: exit 5 and a pending record in dir; the request id. */
  async function pendingOnHome(name: string): Promise<{ dir: string; id: string }> {
    const dir = join(work, name);
    const res = await runMain(["issue", "--profile", approvalProfile(), "--cn", `${name}.example.com`, "--out-dir", dir, "--no-wait", "--json"], { env: homeEnv });
    expect(res.code).toBe(5);
    const id = (JSON.parse(res.stdout) as { error: { certificateRequestId: string } }).error.certificateRequestId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    return { dir, id };
  }

  // Regression: status took the domain in effect and sent the request (and the credentials) to the other server.
  it.each([
    ["INFISICAL_DOMAIN", (url: string) => ({ args: [] as string[], env: { ...otherEnv, INFISICAL_DOMAIN: url } })],
    ["--domain", (url: string) => ({ args: ["--domain", url], env: { ...otherEnv } })],
  ])("status refuses a request kept for another server when %s names it: exit 2, both named, nothing sent", async (source, given) => {
    const { dir, id } = await pendingOnHome(`status-${source.replace(/\W/g, "")}`);
    const before = [await requests(home), await requests(other)];
    const { args, env } = given(other.info.url);
    const res = await runMain([...args, "status", id, "--out-dir", dir], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`this directory belongs to ${home.info.url}`);
    expect(res.stderr).toContain(`${source} names ${other.info.url}`);
    expect(res.stderr).toContain(`Unset ${source} to use ${home.info.url}`);
    expect([await requests(home), await requests(other)]).toEqual(before);

    // The same server, or no domain at all, still reaches it (still pending: exit 5).
    const same = await runMain(["status", id, "--out-dir", dir, "--json"], { env: homeEnv });
    expect(same.code).toBe(5);
    const { INFISICAL_DOMAIN: _unset, ...noDomain } = homeEnv;
    const recorded = await runMain(["status", id, "--out-dir", dir, "--json"], { env: noDomain });
    expect(recorded.code).toBe(5);
    expect((JSON.parse(recorded.stdout) as { status: string }).status).toBe("pending_approval");
  });

  // Regression: renew --dry-run said "would renew" (exit 0) where the real run is refused (exit 2).
  it("renew --dry-run of a due directory bound to another server says it would be refused, as the real run is", async () => {
    const dir = join(work, "dry-bound");
    const issued = await runMain(["issue", "--profile", home.info.profileId, "--cn", "dry.example.com", "--out-dir", dir, "--quiet"], { env: homeEnv });
    expect(issued.code).toBe(0);
    const before = [await requests(home), await requests(other)];
    const env = { ...otherEnv, INFISICAL_DOMAIN: other.info.url };

    const dry = await runMain(["renew", dir, "--force", "--dry-run"], { env });
    expect(dry.code).toBe(2);
    expect(dry.stdout).toMatch(/failed .*would be refused: this directory belongs to /);
    expect(dry.stdout).toContain(`INFISICAL_DOMAIN names ${other.info.url}`);
    expect(dry.stderr).toContain("--move-to-domain");
    const real = await runMain(["renew", dir, "--force"], { env });
    expect(real.code).toBe(2);
    expect(real.stdout).toContain(`this directory belongs to ${home.info.url}`);
    expect([await requests(home), await requests(other)]).toEqual(before);

    // Not due: neither run would send anything, so neither refuses.
    const notDue = await runMain(["renew", dir, "--dry-run"], { env });
    expect(notDue.code).toBe(0);
    expect(notDue.stdout).toMatch(/not due/);
    // --move-to-domain: the dry run would renew on the other server.
    const moved = await runMain(["renew", dir, "--force", "--dry-run", "--move-to-domain"], { env });
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/would renew/);
    expect([await requests(home), await requests(other)]).toEqual(before);
  });
});
