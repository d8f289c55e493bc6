// The store's rules, as the commands use them (issue 13 items 1, 2, 7, 9; issue 12 item 4): a
// directory someone else can write is refused before credentials go anywhere, renew replaces only
// what certctl installed, concurrent issues take turns, output paths are checked before the CA
// issues, and the recorded key mode and group survive a renewal. In-process (runMain) against an
// in-process dev server; every refusal is checked against the server's request counts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../helpers/run-main.js";
import { startLocalDevServerHandle, type LocalDevServerHandle } from "../helpers/local-devserver-handle.js";
import { certPublicKey, keyPublicKey, openssl } from "../helpers/openssl.js";

const NOGROUP = 65534;
const isRoot = process.getuid?.() === 0;
let work: string;
let server: LocalDevServerHandle;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "certctl-store-callers-"));
  server = await startLocalDevServerHandle({
    credentials: { clientId: "store-callers", clientSecret: "store-callers-secret-0123456789abcdef" }, backdateMs: 25 * 86_400_000,
  });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const AUTH = () => ({ INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.clientSecret });
/** With the domain in the environment (issue), or without it: renew then follows certctl.json's domain. */
const run = (args: string[], withDomain = true) =>
  runMain(args, { cwd: work, env: { ...AUTH(), ...(withDomain ? { INFISICAL_DOMAIN: server.url } : {}) } });
let counter = 0;
const newDir = (name: string) => join(work, `${name}-${++counter}`);
const meta = (dir: string) => JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")) as Record<string, unknown>;
const sent = async () => Object.entries(await server.stats()).filter(([route]) => !route.includes("/dev/")).reduce((n, [, c]) => n + c, 0);

async function issued(dir: string, extra: string[] = []): Promise<void> {
  const res = await run(["issue", "--profile", server.profileId, "--cn", "store.example.com", "--ttl", "30d", "--out-dir", dir, "--quiet", ...extra]);
  expect(res.stderr).toBe("");
  expect(res.code).toBe(0);
}

describe("a directory someone else can write is not trusted (issue 13 item 1)", () => {
  it("renew, revoke and status refuse a group-writable certctl.json with exit 7 and send nothing; --trust-shared-dir accepts it", async () => {
    const dir = newDir("shared");
    await issued(dir);
    chmodSync(join(dir, "certctl.json"), 0o664);
    const before = await sent();
    const renew = await run(["renew", dir, "--force"], false);
    expect(renew.code, renew.stderr).toBe(7);
    // renew's per-directory line is on stdout, the hint on stderr
    expect(renew.stdout + renew.stderr).toMatch(/refusing to trust .*certctl\.json: it is writable by its group/);
    expect(renew.stderr).toMatch(/--trust-shared-dir/);
    const revoke = await run(["revoke", "--out-dir", dir, "--reason", "superseded", "--yes"], false);
    expect(revoke.code, revoke.stderr).toBe(7);
    expect(await sent()).toBe(before);

    const trusted = await run(["renew", dir, "--force", "--trust-shared-dir", "--json"], false);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout)).toMatchObject([{ status: "renewed" }]);
  });

  it("status refuses to finish a pending record kept in a group-writable directory", async () => {
    const dir = newDir("shared-pending");
    const id = "0b7a4c1e-9a55-4f0d-8c8e-7b416f1c2d9e";
    mkdirSync(join(dir, ".certctl", "pending"), { recursive: true });
    writeFileSync(join(dir, ".certctl", "pending", `${id}.json`), JSON.stringify({
      version: 1, domain: "http://127.0.0.1:9/api", profileId: server.profileId, mode: "local-key", attributes: {}, removeRootsFromChain: false,
      certificateRequestId: id, files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem" }, createdAt: new Date().toISOString(), outDir: dir, force: false,
    }));
    chmodSync(dir, 0o775);
    const before = await sent();
    const res = await run(["status", id, "--out-dir", dir], false);
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/refusing to trust/);
    expect(await sent()).toBe(before);
  });
});

describe("pending records are read with a shape check", () => {
  it("a pending record with files: null is exit 7 naming the field, nothing sent", async () => {
    const dir = newDir("bad-pending");
    const id = "1c2d9e0b-7a4c-4e9a-952f-0d3c8e7b416f";
    mkdirSync(join(dir, ".certctl", "pending"), { recursive: true });
    writeFileSync(join(dir, ".certctl", "pending", `${id}.json`), JSON.stringify({
      version: 1, domain: server.url, profileId: server.profileId, mode: "local-key", attributes: {}, certificateRequestId: id,
      files: null, createdAt: new Date().toISOString(), outDir: dir, force: false,
    }));
    const before = await sent();
    const res = await run(["status", id, "--out-dir", dir]);
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/files: expected an object, got null/);
    expect(await sent()).toBe(before);
  });
});

describe("renew replaces only what certctl installed (issue 13 item 2)", () => {
  it("files.chain pointed at a service's config is refused: exit 7, the file untouched, nothing sent", async () => {
    const dir = newDir("pointed");
    await issued(dir);
    const config = join(work, `service-${counter}.conf`);
    writeFileSync(config, "listen 443;\n");
    const recorded = meta(dir);
    writeFileSync(join(dir, "certctl.json"), JSON.stringify({ ...recorded, files: { ...(recorded.files as object), chain: config } }));
    const before = await sent();
    const res = await run(["renew", dir, "--force"]);
    expect(res.code, res.stderr).toBe(7);
    expect(res.stdout + res.stderr).toContain(`refusing to replace ${config} (files.chain in certctl.json)`);
    expect(readFileSync(config, "utf8")).toBe("listen 443;\n");
    expect(statSync(config).isFile()).toBe(true);
    expect(await sent()).toBe(before);
  });
});

describe("issue takes the directory lock (issue 13 item 7)", () => {
  it("three concurrent issue --force into one directory leave certctl.json naming the live certificate", async () => {
    const dir = newDir("race");
    await issued(dir);
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all([0, 1, 2].map(() => run(["issue", "--profile", server.profileId, "--cn", "store.example.com", "--ttl", "30d", "--out-dir", dir, "--force", "--quiet"])));
      for (const res of runs) expect(res.code, res.stderr).toBe(0);
      const serial = openssl(["x509", "-in", join(dir, "cert.pem"), "-noout", "-serial"]).trim().replace(/^serial=/, "").toLowerCase().replace(/^0+/, "");
      expect(String(meta(dir).serialNumber).replace(/^0+/, "")).toBe(serial);
      expect(keyPublicKey(join(dir, "key.pem"))).toBe(certPublicKey(join(dir, "cert.pem")));
    }
  });
});

describe("output paths are checked before the CA issues (issue 13 item 9)", () => {
  it("an --out-dir whose state folders would exceed PATH_MAX is exit 7 with nothing sent", async () => {
    // cert.pem fits under 4095 bytes, .certctl/pending/<id>.key.pem does not.
    let outDir = work;
    while (outDir.length < 4040 - 101) outDir = join(outDir, "d".repeat(100));
    outDir = join(outDir, "e".repeat(4040 - outDir.length - 1));
    const before = await sent();
    const res = await run(["issue", "--profile", server.profileId, "--cn", "store.example.com", "--ttl", "30d", "--out-dir", outDir]);
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/over what the filesystem allows/);
    expect(await sent()).toBe(before);
  });
});

describe("certctl.json lists every file written", () => {
  it("files.ca is recorded when ca.pem was written", async () => {
    const dir = newDir("ca");
    await issued(dir);
    let hasCa = true;
    try {
      statSync(join(dir, "ca.pem"));
    } catch {
      hasCa = false;
    }
    expect(hasCa).toBe(true); // the dev server returns its root: ca.pem is written
    expect((meta(dir).files as Record<string, string>).ca).toBe("ca.pem");
  });
});

describe.runIf(isRoot)("--key-mode and --group are recorded and applied on every write (issue 12 item 4)", () => {
  it("issue --group nogroup --key-mode 0640, then renew --force: the key keeps its group and mode and openssl reads it", async () => {
    const dir = newDir("perm");
    await issued(dir, ["--group", String(NOGROUP), "--key-mode", "0640"]);
    const check = () => {
      const info = statSync(join(dir, "key.pem"));
      expect({ mode: info.mode & 0o777, gid: info.gid }).toEqual({ mode: 0o640, gid: NOGROUP });
      expect(openssl(["pkey", "-in", join(dir, "key.pem"), "-noout"])).toBe("");
    };
    check();
    expect(meta(dir).permissions).toEqual({ keyMode: "0640", group: NOGROUP });
    const res = await run(["renew", dir, "--force"]);
    expect(res.code, res.stderr).toBe(0);
    check();
    expect(meta(dir).permissions).toEqual({ keyMode: "0640", group: NOGROUP });
  });
});

describe("renew names what is wrong with a directory", () => {
  it("a directory that does not exist is said so (not 'no certctl.json'), exit 7, nothing sent", async () => {
    const before = await sent();
    const res = await run(["renew", join(work, "no-such-dir"), "--json"]);
    expect(res.code).toBe(7);
    expect(res.stdout + res.stderr).toMatch(/no-such-dir does not exist/);
    expect(await sent()).toBe(before);
  });
});
