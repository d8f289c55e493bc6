// Issue 13: what certctl believes from the filesystem. Items 1 (store half), 2, 4, 7 and 9 (store half).
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { installFileSet, preflightFileSet, preflightRenewal, resolveFilePaths, type PemSet } from "../../src/store/layout.js";
import { acquireDirectoryLock, acquireIssueLock } from "../../src/store/lock.js";
import { savePending } from "../../src/store/pending.js";
import { checkDirectoryTrust } from "../../src/store/trust.js";
import type { PendingRecord } from "../../src/store/pending.js";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----";
const set = (tag: string): PemSet => ({ certificate: CERT.replace("leaf", tag), chain: "", privateKey: `key-${tag}` });
const tempDir = () => mkdtempSync(join(tmpdir(), "certctl-store-trust-"));
const mode = (path: string) => statSync(path).mode & 0o777;
const originalUmask = process.umask();
afterEach(() => {
  process.umask(originalUmask);
});

async function installed(): Promise<{ dir: string; paths: ReturnType<typeof resolveFilePaths> }> {
  const dir = tempDir();
  const paths = resolveFilePaths(dir, ".", {});
  await installFileSet(dir, paths, set("one"));
  return { dir, paths };
}

describe("renew replaces only what certctl installed (13.2)", () => {
  it("refuses a path certctl.json points at a service's own file, naming it and why; the file is untouched", async () => {
    const { dir, paths } = await installed();
    const config = join(tempDir(), "nginx.conf");
    writeFileSync(config, "server { listen 443; }\n");
    await expect(preflightRenewal(dir, { ...paths, chain: config }, { writeKey: true }))
      .rejects.toThrow(new RegExp(`refusing to replace ${config} \\(files\\.chain in certctl\\.json\\): its content is not the previous chain`));
    await expect(preflightRenewal(dir, { ...paths, chain: config }, { writeKey: true })).rejects.toMatchObject({ exitCode: 7 });
    expect(readFileSync(config, "utf8")).toBe("server { listen 443; }\n");
  });

  it("refuses a symlink to somewhere else and anything that is not a file", async () => {
    const { dir, paths } = await installed();
    rmSync(paths.cert);
    symlinkSync("/etc/hostname", paths.cert);
    await expect(preflightRenewal(dir, paths, { writeKey: true })).rejects.toThrow(/cert\.pem.*symlink to \/etc\/hostname, not certctl's link/);
  });

  it("accepts its own links, a missing file, and a plain copy of the previous version", async () => {
    const { dir, paths } = await installed();
    await expect(preflightRenewal(dir, paths, { writeKey: true })).resolves.toBeUndefined();
    const copy = readFileSync(paths.cert, "utf8");
    rmSync(paths.cert);
    await expect(preflightRenewal(dir, paths, { writeKey: true })).resolves.toBeUndefined();
    writeFileSync(paths.cert, copy); // e.g. `cp -L` by an admin
    await expect(preflightRenewal(dir, paths, { writeKey: true })).resolves.toBeUndefined();
    writeFileSync(paths.cert, copy + "edited\n");
    await expect(preflightRenewal(dir, paths, { writeKey: true })).rejects.toThrow(/cert\.pem.*not the previous cert/);
  });
});

describe("certctl's own folders (13.4)", () => {
  it("are 0755 (.certctl, versions, each version) and 0700 (pending) under umask 000; the out dir 0755", async () => {
    process.umask(0o000);
    const out = join(tempDir(), "new", "out");
    await installFileSet(out, resolveFilePaths(out, ".", {}), set("a"));
    await savePending(out, "req-1", { outDir: out } as unknown as PendingRecord, "key");
    const version = join(out, ".certctl", readlinkSync(join(out, ".certctl", "live")));
    expect([mode(join(out, "..")), mode(out), mode(join(out, ".certctl")), mode(join(out, ".certctl", "versions")), mode(version)])
      .toEqual([0o755, 0o755, 0o755, 0o755, 0o755]);
    expect(mode(join(out, ".certctl", "pending"))).toBe(0o700);
  });

  it("the lock creates .certctl 0755 under umask 000 too", async () => {
    process.umask(0o000);
    const out = join(tempDir(), "locked");
    const lock = await acquireDirectoryLock(out, { waitMs: 0 });
    expect(mode(join(out, ".certctl"))).toBe(0o755);
    await lock?.release();
  });

  it("refuses to follow a live link that points outside .certctl/versions, changing nothing", async () => {
    const { dir, paths } = await installed();
    const evil = tempDir();
    writeFileSync(join(evil, "cert.pem"), "attacker");
    writeFileSync(join(evil, "key.pem"), "attacker");
    const live = join(dir, ".certctl", "live");
    rmSync(live);
    symlinkSync(evil, live);
    await expect(installFileSet(dir, paths, set("two"))).rejects.toThrow(/refusing to follow .*live: it points to .*outside .*versions/);
    await expect(preflightRenewal(dir, paths, { writeKey: true })).rejects.toMatchObject({ exitCode: 7 });
    expect(readlinkSync(live)).toBe(evil);
    expect(readFileSync(join(evil, "cert.pem"), "utf8")).toBe("attacker");
    // Also `versions/../../elsewhere` spelled to look like a version.
    rmSync(live);
    symlinkSync("versions/../../", live);
    await expect(installFileSet(dir, paths, set("two"))).rejects.toThrow(/outside/);
  });

  it("refuses a .certctl that is a symlink", async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    symlinkSync(elsewhere, join(dir, ".certctl"));
    await expect(installFileSet(dir, resolveFilePaths(dir, ".", {}), set("x"))).rejects.toThrow(/\.certctl.*symlink/);
    await expect(checkDirectoryTrust(dir)).rejects.toThrow(/\.certctl.*symlink/);
  });
});

describe("checkDirectoryTrust (13.1, store half)", () => {
  async function trustedDir(): Promise<string> {
    const { dir } = await installed();
    writeFileSync(join(dir, "certctl.json"), "{}\n", { mode: 0o644 });
    chmodSync(join(dir, "certctl.json"), 0o644);
    chmodSync(dir, 0o755);
    return dir;
  }

  it("accepts the invoking user's or root's files that only they can write", async () => {
    const dir = await trustedDir();
    await expect(checkDirectoryTrust(dir)).resolves.toBeUndefined();
    // Files owned by root are trusted by any user (root can write anything anyway).
    await expect(checkDirectoryTrust(dir, { uid: 1000 })).resolves.toBeUndefined();
  });

  it.each([
    ["certctl.json", 0o664, /certctl\.json: it is writable by its group \(mode 0664\)/],
    ["certctl.json", 0o646, /certctl\.json: it is writable by others/],
    [".", 0o777, /refusing to trust .*: it is writable by its group and others \(mode 0777\)/],
    [".certctl", 0o775, /\.certctl: it is writable by its group/],
  ])("refuses %s with mode %o, and --trust-shared-dir accepts it", async (name, bits, message) => {
    const dir = await trustedDir();
    chmodSync(join(dir, name), bits);
    await expect(checkDirectoryTrust(dir)).rejects.toThrow(message);
    await expect(checkDirectoryTrust(dir)).rejects.toMatchObject({ exitCode: 7, hint: expect.stringMatching(/--trust-shared-dir/) });
    await expect(checkDirectoryTrust(dir, { trustSharedDir: true })).resolves.toBeUndefined();
  });

  it.runIf(process.getuid?.() === 0)("refuses a certctl.json owned by another user (a real uid: nobody)", async () => {
    const dir = await trustedDir();
    chownSync(join(dir, "certctl.json"), 65534, 65534);
    await expect(checkDirectoryTrust(dir)).rejects.toThrow(/certctl\.json: it is owned by uid 65534, not by you \(uid 0\) or root/);
    await expect(checkDirectoryTrust(dir, { trustSharedDir: true })).resolves.toBeUndefined();
  });
});

describe("issue takes the directory's lock (13.7)", () => {
  it("waits for renew's lock and refuses when it stays held; a refused issue leaves no folder behind", async () => {
    const parent = tempDir();
    const out = join(parent, "a", "b");
    const first = await acquireIssueLock(out, { waitMs: 0 });
    await expect(acquireIssueLock(out, { waitMs: 0 })).rejects.toMatchObject({ exitCode: 7, message: expect.stringMatching(/another certctl run is writing/) });
    const renew = await acquireDirectoryLock(out, { waitMs: 0 });
    expect(renew).toBeUndefined(); // the same lock renew takes
    await first.release();
    expect(existsSync(join(parent, "a"))).toBe(false);
    const again = await acquireIssueLock(out, { waitMs: 0 });
    writeFileSync(join(out, "certctl.json"), "{}");
    await again.release();
    expect(lstatSync(join(out, "certctl.json")).isFile()).toBe(true);
  });
});

describe("limits before requests (13.9, store half)", () => {
  it("finds an out dir name over the filesystem's limit in the preflight, with nothing created", async () => {
    const parent = tempDir();
    const out = join(parent, "x".repeat(256));
    const paths = resolveFilePaths(out, ".", {});
    await expect(preflightFileSet(paths, { force: false, writeKey: true, outDir: out })).rejects.toThrow(/is 256 bytes, over the 255/);
    // A name that fits, but not with the temporary suffix certctl writes through.
    const tight = join(parent, "y".repeat(250));
    await expect(preflightFileSet(resolveFilePaths(parent, ".", { cert: tight }), { force: false, writeKey: true }))
      .rejects.toMatchObject({ exitCode: 7 });
    const deep = join(parent, ...Array.from({ length: 20 }, () => "d".repeat(250)));
    await expect(preflightFileSet(resolveFilePaths(deep, ".", {}), { force: false, writeKey: true, outDir: deep })).rejects.toThrow(/over what the filesystem allows/);
    expect(existsSync(out)).toBe(false);
  });

  it("checks that the out dir itself can be written when all files go elsewhere", async () => {
    const parent = tempDir();
    writeFileSync(join(parent, "file"), "x");
    const out = join(parent, "file", "out");
    const elsewhere = tempDir();
    const paths = resolveFilePaths(parent, ".", { cert: join(elsewhere, "c"), chain: join(elsewhere, "ch"), fullchain: join(elsewhere, "f"), key: join(elsewhere, "k"), ca: join(elsewhere, "ca") });
    await expect(preflightFileSet(paths, { force: false, writeKey: true })).resolves.toBeUndefined();
    await expect(preflightFileSet(paths, { force: false, writeKey: true, outDir: out })).rejects.toThrow(/not a directory/);
  });
});

describe("renew and a ca.pem certctl never wrote", () => {
  it("is refused, saying the previous set had none", async () => {
    const { dir, paths } = await installed(); // a set without a root: no ca.pem
    writeFileSync(join(dir, "ca.pem"), "the admin's own bundle");
    await expect(preflightRenewal(dir, paths, { writeKey: true })).rejects.toThrow(/ca\.pem.*previous set has no ca, so certctl did not write it/);
  });
});
