// File safety (issue 5): keys are 0600 from the first byte whatever the umask, every file is
// created exclusively in its own target directory and renamed into place, and a key path that
// is a symlink to somewhere else is refused unless --force (which replaces the link, never
// writing through it). A preloaded probe records every open-for-write (its flags, the mode
// argument and the file's mode right after creation, before any byte) and every rename.
// The umask runs are spawned (umask and the probe are per process); the symlink runs are in-process.
import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningDevServer } from "../../src/devserver/index.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { BIN, cleanEnv, type CliResult } from "../helpers/cli.js";
import { runMain } from "../helpers/run-main.js";
import { startFaultProxy } from "../helpers/counting-server.js";
import { certPublicKey, keyPublicKey, verifyChain } from "../helpers/openssl.js";
import { keySecrets, metadataTexts, scan } from "../helpers/secret-scan.js";
import { LOCAL_CASES } from "./cases/local.js";

let server: RunningDevServer;
let work: string;
let token: string;
let probe: string;

// Runs inside certctl (NODE_OPTIONS=--require). node:fs and fs/promises are patched and the ESM
// bindings re-synced, so `import { open } from "node:fs"` in dist/ goes through it (the store
// creates and renames with the callback forms; the synchronous and promise forms are watched too,
// so no way of writing escapes).
const PROBE = `
const fs = require("fs");
const { syncBuiltinESMExports } = require("module");
const log = process.env.CERTCTL_TEST_FS_LOG;
// Opened before anything is patched, and written with writeSync, which nothing below watches.
const logFd = fs.openSync(log, "a");
const record = (entry) => fs.writeSync(logFd, JSON.stringify(entry) + "\\n");
const writes = (flags) => typeof flags === "string" && /[wa+]/.test(flags);
const p = fs.promises;
const open = p.open, rename = p.rename, writeFile = p.writeFile, appendFile = p.appendFile;
p.open = async function (path, flags, mode) {
  const handle = await open.call(this, path, flags, mode);
  if (writes(flags)) {
    const st = fs.fstatSync(handle.fd);
    record({ op: "open", path: String(path), flags, mode, createdMode: st.mode & 0o777, size: st.size });
  }
  return handle;
};
p.rename = async function (from, to) { record({ op: "rename", from: String(from), to: String(to) }); return rename.call(this, from, to); };
p.writeFile = async function (file, ...rest) { record({ op: "writeFile", path: String(file) }); return writeFile.call(this, file, ...rest); };
p.appendFile = async function (file, ...rest) { record({ op: "appendFile", path: String(file) }); return appendFile.call(this, file, ...rest); };
const openSync = fs.openSync, renameSync = fs.renameSync, writeFileSync = fs.writeFileSync, appendFileSync = fs.appendFileSync;
fs.openSync = function (path, flags, mode) {
  const fd = openSync.call(this, path, flags, mode);
  if (writes(flags)) {
    const st = fs.fstatSync(fd);
    record({ op: "open", path: String(path), flags, mode, createdMode: st.mode & 0o777, size: st.size });
  }
  return fd;
};
fs.renameSync = function (from, to) { record({ op: "rename", from: String(from), to: String(to) }); return renameSync.call(this, from, to); };
// A write through a descriptor is the open above; one by path would create or truncate on its own.
fs.writeFileSync = function (file, ...rest) { if (typeof file !== "number") record({ op: "writeFile", path: String(file) }); return writeFileSync.call(this, file, ...rest); };
fs.appendFileSync = function (file, ...rest) { if (typeof file !== "number") record({ op: "appendFile", path: String(file) }); return appendFileSync.call(this, file, ...rest); };
const openCb = fs.open, renameCb = fs.rename;
fs.open = function (path, flags, ...rest) {
  const done = rest.pop();
  return openCb.call(this, path, flags, ...rest, (error, fd) => {
    if (!error && writes(flags)) {
      const st = fs.fstatSync(fd);
      record({ op: "open", path: String(path), flags, mode: rest[0], createdMode: st.mode & 0o777, size: st.size });
    }
    done(error, fd);
  });
};
fs.rename = function (from, to, done) { record({ op: "rename", from: String(from), to: String(to) }); return renameCb.call(this, from, to, done); };
syncBuiltinESMExports();
`;

type FsEvent =
  | { op: "open"; path: string; flags: string; mode?: number; createdMode: number; size: number }
  | { op: "rename"; from: string; to: string }
  | { op: "writeFile" | "appendFile"; path: string };

beforeAll(async () => {
  ({ server } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-files-"));
  probe = join(work, "fs-probe.cjs");
  writeFileSync(probe, PROBE);
  const res = await fetch(`${server.info.url}/api/v1/auth/universal-auth/login`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: server.info.clientId, clientSecret: server.info.clientSecret }),
  });
  token = ((await res.json()) as { accessToken: string }).accessToken;
});
afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const profile = (slug: string) => server.info.profiles.find((p) => p.slug === slug)!.id;

/** certctl under `sh` with the given umask and the fs probe preloaded. */
function runWithUmask(umask: string, args: string[], log: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env = cleanEnv({
      INFISICAL_DOMAIN: server.info.url, INFISICAL_TOKEN: token, CERTCTL_DEBUG: "1",
      NODE_OPTIONS: `--require ${probe}`, CERTCTL_TEST_FS_LOG: log,
    });
    const child = spawn("sh", ["-c", `umask ${umask}; exec "$0" "$@"`, process.execPath, BIN, ...args], { env, cwd: work });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.end();
  });
}

function events(log: string): FsEvent[] {
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as FsEvent) : [];
}

const isKeyPath = (path: string) => /key\.pem/.test(basename(path));

function tempFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((n) => /\.tmp-/.test(n)) : [];
}

describe.concurrent("modes from the first byte, exclusive create, rename within the directory", () => {
  it.each([
    ["000", "local key", []],
    ["077", "local key", []],
    ["000", "server keygen", ["--server-keygen"]],
    ["000", "pending (approval, --no-wait)", ["--no-wait"]],
    ["027", "pending (approval, --no-wait)", ["--no-wait"]],
  ] as const)("umask %s, %s", { timeout: 90_000 }, async (umask, what, extra) => {
    const out = join(work, `umask-${umask}-${what.replace(/\W+/g, "-")}`);
    const log = join(work, `${basename(out)}.log`);
    const slug = what.startsWith("pending") ? "approval" : "default";
    const res = await runWithUmask(umask, ["issue", "--profile", profile(slug), "--cn", "files.example.com", "--out-dir", out, ...extra], log);
    expect(res.code, res.stderr).toBe(what.startsWith("pending") ? 5 : 0);
    const seen = events(log);
    const opens = seen.filter((e): e is Extract<FsEvent, { op: "open" }> => e.op === "open");

    // Every file certctl wrote was created by this open (exclusive) and empty at that moment.
    expect(opens.length).toBeGreaterThan(0);
    for (const e of opens) {
      expect(e.flags, e.path).toBe("wx");
      expect(e.size, e.path).toBe(0);
    }
    expect(seen.filter((e) => e.op === "writeFile" || e.op === "appendFile")).toEqual([]);
    // Keys: 0600 at creation, before the first byte, whatever the umask.
    const keyOpens = opens.filter((e) => isKeyPath(e.path));
    expect(keyOpens.length).toBeGreaterThan(0);
    for (const e of keyOpens) {
      expect(e.mode, e.path).toBe(0o600);
      expect(e.createdMode, e.path).toBe(0o600);
    }
    // Temporary files live in the target's own directory (same filesystem: rename is atomic).
    for (const e of seen) if (e.op === "rename") expect(dirname(e.from)).toBe(dirname(e.to));

    if (what.startsWith("pending")) {
      const pending = join(out, ".certctl", "pending");
      expect(statSync(pending).mode & 0o777).toBe(0o700);
      const keys = readdirSync(pending).filter((n) => n.endsWith(".key.pem"));
      expect(keys).toHaveLength(1);
      expect(statSync(join(pending, keys[0]!)).mode & 0o777).toBe(0o600);
      expect(existsSync(join(out, "key.pem"))).toBe(false);
    } else {
      expect(statSync(join(out, "key.pem")).mode & 0o777).toBe(0o600);
      expect(statSync(join(out, "cert.pem")).mode & 0o777).toBe(0o644);
      expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
      expect(keyPublicKey(join(out, "key.pem"))).toBe(certPublicKey(join(out, "cert.pem")));
      const keyPem = readFileSync(join(out, "key.pem"), "utf8");
      expect(scan({ stdout: res.stdout, stderr: res.stderr, ...metadataTexts(out) }, [...keySecrets("key.pem", keyPem), { label: "token", value: token }])).toEqual([]);
    }
    expect(tempFiles(out)).toEqual([]);
  });
});

describe.concurrent("a key path that is a symlink to somewhere else", () => {
  // A dangling link takes the same path (lstat sees the link either way); one case keeps the file fast.
  it.each([
    ["to an existing file", true],
  ] as const)("%s: refused without --force (exit 7, zero requests); --force replaces the link, never the target", async (_name, targetExists) => {
    const proxy = await startFaultProxy(server.info.url);
    try {
      const out = join(work, `symlink-${targetExists ? "file" : "dangling"}`);
      const elsewhere = join(work, `elsewhere-${targetExists ? "file" : "dangling"}`);
      mkdirSync(out);
      mkdirSync(elsewhere);
      const target = join(elsewhere, "precious.pem");
      if (targetExists) writeFileSync(target, "precious, not certctl's\n", { mode: 0o640 });
      symlinkSync(target, join(out, "key.pem"));
      const env = { INFISICAL_DOMAIN: proxy.url, INFISICAL_TOKEN: token, CERTCTL_DEBUG: "1" };
      const args = ["issue", "--profile", profile("default"), "--cn", "link.example.com", "--out-dir", out];

      const refused = await runMain(args, { env });
      expect(refused.code, refused.stderr).toBe(LOCAL_CASES.keySymlink.exit);
      expect(refused.stderr).toContain(`refusing to replace ${join(out, "key.pem")}: it is a symlink to ${target}`);
      expect(refused.stderr).toMatch(/--force/);
      expect(proxy.requests).toHaveLength(0);
      expect(readdirSync(out)).toEqual(["key.pem"]);
      expect(readlinkSync(join(out, "key.pem"))).toBe(target);

      const forced = await runMain([...args, "--force"], { env });
      expect(forced.code, forced.stderr).toBe(0);
      expect(lstatSync(join(out, "key.pem")).isSymbolicLink()).toBe(true);
      expect(resolve(out, readlinkSync(join(out, "key.pem")))).toBe(join(out, ".certctl", "live", "key.pem"));
      if (targetExists) {
        expect(readFileSync(target, "utf8")).toBe("precious, not certctl's\n");
        expect(statSync(target).mode & 0o777).toBe(0o640);
      } else {
        expect(existsSync(target)).toBe(false);
      }
      expect(keyPublicKey(join(out, "key.pem"))).toBe(certPublicKey(join(out, "cert.pem")));
      expect(statSync(join(out, "key.pem")).mode & 0o777).toBe(0o600);
    } finally {
      await proxy.close();
    }
  });

  it("a cert path that is a foreign symlink is refused as an existing file; --force replaces only the link", async () => {
    const out = join(work, "cert-link");
    mkdirSync(out);
    const target = join(work, "cert-link-target.pem");
    writeFileSync(target, "someone else's certificate\n");
    symlinkSync(target, join(out, "cert.pem"));
    const env = { INFISICAL_DOMAIN: server.info.url, INFISICAL_TOKEN: token };
    const args = ["issue", "--profile", profile("default"), "--cn", "cl.example.com", "--out-dir", out];
    const refused = await runMain(args, { env });
    expect(refused.code).toBe(7);
    expect(refused.stderr).toMatch(/cert\.pem already exists.*--force/s);
    const forced = await runMain([...args, "--force"], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("someone else's certificate\n");
    expect(verifyChain(join(out, "cert.pem"), join(out, "chain.pem"))).toMatch(/OK$/);
  });
});
