import { chmodSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FileError } from "../../src/model/errors.js";
import { installFileSet, preflightFileSet, resolveFilePaths, type PemSet } from "../../src/store/layout.js";
import { metadataPaths, readMetadata, storedPaths, writeMetadata, type CertctlMetadata } from "../../src/store/metadata.js";
import { discardPending, readPending, savePending, type PendingRecord } from "../../src/store/pending.js";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBleaf\n-----END CERTIFICATE-----";
const CHAIN = "-----BEGIN CERTIFICATE-----\nMIIBint\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHkey\n-----END PRIVATE KEY-----";
const set = (tag: string): PemSet => ({ certificate: CERT.replace("leaf", tag), chain: CHAIN, privateKey: KEY.replace("key", tag) });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "certctl-store-"));
}

const originalUmask = process.umask();
afterEach(() => {
  process.umask(originalUmask);
});

describe("installFileSet", () => {
  it("writes cert, chain, fullchain and key as links into one live version", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    const written = await installFileSet(dir, paths, set("one"));
    expect(written).toEqual({ cert: join(dir, "cert.pem"), chain: join(dir, "chain.pem"), fullchain: join(dir, "fullchain.pem"), key: join(dir, "key.pem") });
    expect(readFileSync(paths.cert, "utf8")).toBe(CERT.replace("leaf", "one") + "\n");
    expect(readFileSync(paths.chain, "utf8")).toBe(CHAIN + "\n");
    expect(readFileSync(paths.fullchain, "utf8")).toBe(CERT.replace("leaf", "one") + "\n" + CHAIN + "\n");
    expect(readFileSync(paths.key, "utf8")).toBe(KEY.replace("key", "one") + "\n");
    expect(lstatSync(paths.cert).isSymbolicLink()).toBe(true);
    expect(readlinkSync(paths.key)).toBe(join(".certctl", "live", "key.pem"));
  });

  it.each([0o000, 0o022, 0o077, 0o277])("creates the key 0600 and the rest 0644 whatever the umask (%o)", async (umask) => {
    process.umask(umask);
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, set("m"));
    expect(statSync(paths.key).mode & 0o777).toBe(0o600);
    expect(statSync(paths.cert).mode & 0o777).toBe(0o644);
  });

  it("replaces the whole set with one swap and keeps the stable paths", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, set("one"));
    await installFileSet(dir, paths, set("two"));
    expect(readFileSync(paths.cert, "utf8")).toContain("MIIBtwo");
    expect(readFileSync(paths.key, "utf8")).toContain("MIGHtwo");
  });

  it("keeps the old set whole when it fails before the swap", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, set("old"));
    const crash = (step: string) => {
      if (step === "version-written") throw new Error("killed");
    };
    await expect(installFileSet(dir, paths, set("new"), { onStep: crash })).rejects.toThrow("killed");
    expect(readFileSync(paths.cert, "utf8")).toContain("MIIBold");
    expect(readFileSync(paths.key, "utf8")).toContain("MIGHold");
  });

  it("writes no key.pem for a set without a key (own CSR)", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    const written = await installFileSet(dir, paths, { certificate: CERT, chain: CHAIN });
    expect(written.key).toBeUndefined();
    expect(() => lstatSync(paths.key)).toThrow();
  });

  it("puts overridden paths wherever asked, linked into the out dir", async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const paths = resolveFilePaths(dir, "out", { cert: join(elsewhere, "site.crt") });
    await installFileSet(join(dir, "out"), paths, set("o"));
    expect(readFileSync(join(elsewhere, "site.crt"), "utf8")).toContain("MIIBo");
    expect(readFileSync(join(dir, "out", "key.pem"), "utf8")).toContain("MIGHo");
  });

  it("keeps at most three versions", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    for (const tag of ["a", "b", "c", "d", "e"]) await installFileSet(dir, paths, set(tag));
    expect(readdirSync(join(dir, ".certctl", "versions"))).toHaveLength(3);
    expect(readFileSync(paths.cert, "utf8")).toContain("MIIBe");
  });

  it("prunes an old version's files but never follows a link planted among the versions", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    const precious = tempDir();
    writeFileSync(join(precious, "cert.pem"), "not certctl's");
    await installFileSet(dir, paths, set("a"));
    // Sorted first among the versions, so it is the oldest: pruned as a link, not as a folder.
    symlinkSync(precious, join(dir, ".certctl", "versions", "0000-planted"), "dir");
    for (const tag of ["b", "c", "d"]) await installFileSet(dir, paths, set(tag));
    expect(readdirSync(join(dir, ".certctl", "versions"))).toHaveLength(3);
    expect(readFileSync(join(precious, "cert.pem"), "utf8")).toBe("not certctl's");
  });

  it("fails with a file error (exit 7) in a read-only directory and leaves the old set", async () => {
    if (process.getuid?.() === 0) {
      // root ignores directory modes; prove the same with a path under a regular file instead.
      const dir = tempDir();
      writeFileSync(join(dir, "blocker"), "x");
      const paths = resolveFilePaths(dir, join("blocker", "out"), {});
      await expect(installFileSet(join(dir, "blocker", "out"), paths, set("x"))).rejects.toBeInstanceOf(FileError);
      return;
    }
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, set("old"));
    chmodSync(dir, 0o555);
    chmodSync(join(dir, ".certctl"), 0o555);
    await expect(installFileSet(dir, paths, set("new"))).rejects.toMatchObject({ exitCode: 7 });
    chmodSync(dir, 0o755);
    expect(readFileSync(paths.cert, "utf8")).toContain("MIIBold");
  });
});

describe("preflightFileSet", () => {
  it("refuses to overwrite without force, naming the file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "cert.pem"), "x");
    const paths = resolveFilePaths(dir, ".", {});
    await expect(preflightFileSet(paths, { force: false, writeKey: true })).rejects.toThrow(/cert\.pem already exists.*--force/);
    await expect(preflightFileSet(paths, { force: true, writeKey: true })).resolves.toBeUndefined();
  });

  it("ignores key.pem when no key will be written", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "key.pem"), "x");
    const paths = resolveFilePaths(dir, ".", {});
    await expect(preflightFileSet(paths, { force: false, writeKey: false })).resolves.toBeUndefined();
  });

  it("accepts certctl's own links on renewal but refuses a key link to somewhere else", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, set("one"));
    await expect(preflightFileSet(paths, { force: false, writeKey: true, allowManaged: { outDir: dir } })).resolves.toBeUndefined();
    const other = join(tempDir(), "other.pem");
    writeFileSync(other, "x");
    await import("node:fs/promises").then((fs) => fs.rm(paths.key));
    symlinkSync(other, paths.key);
    await expect(preflightFileSet(paths, { force: false, writeKey: true, allowManaged: { outDir: dir } })).rejects.toThrow(/key\.pem.*symlink to .*other\.pem/);
    // Renewal replaces only what certctl installed: --force (renew even when not due) does not widen that.
    await expect(preflightFileSet(paths, { force: true, writeKey: true, allowManaged: { outDir: dir } })).rejects.toMatchObject({ exitCode: 7 });
    await expect(preflightFileSet(paths, { force: true, writeKey: true })).resolves.toBeUndefined();
  });

  it("refuses an out dir under a regular file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "file"), "x");
    const paths = resolveFilePaths(dir, join("file", "sub"), {});
    await expect(preflightFileSet(paths, { force: false, writeKey: true })).rejects.toMatchObject({ exitCode: 7 });
  });
});

describe("metadata and pending state", () => {
  const meta: CertctlMetadata = {
    version: 1, domain: "http://127.0.0.1:1/api", profileId: "p", mode: "local-key", attributes: { commonName: "a" },
    removeRootsFromChain: false, certificateId: "c", certificateRequestId: "r", serialNumber: "01",
    notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-02-01T00:00:00.000Z",
    files: { cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", key: "key.pem" }, issuedAt: "2026-01-01T00:00:00.000Z",
  };

  it("round-trips certctl.json and resolves its paths", async () => {
    const dir = tempDir();
    await writeMetadata(dir, meta);
    const read = await readMetadata(dir);
    expect(read).toEqual(meta);
    expect(metadataPaths(dir, meta).key).toBe(join(dir, "key.pem"));
    expect(storedPaths(dir, { cert: join(dir, "cert.pem"), chain: "/etc/x/chain.pem", fullchain: join(dir, "f.pem") }))
      .toEqual({ cert: "cert.pem", chain: "/etc/x/chain.pem", fullchain: "f.pem" });
  });

  it("reports a certctl.json that is not ours", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "certctl.json"), "{not json");
    await expect(readMetadata(dir)).rejects.toThrow(/not valid JSON/);
    writeFileSync(join(dir, "certctl.json"), "{}");
    await expect(readMetadata(dir)).rejects.toThrow(/not a certctl.json/);
    expect(await readMetadata(tempDir())).toBeUndefined();
  });

  it("keeps a pending key 0600 under a name that is not key.pem, then discards it", async () => {
    process.umask(0);
    const dir = tempDir();
    const record: PendingRecord = {
      version: 1, domain: meta.domain, profileId: meta.profileId, mode: meta.mode, attributes: meta.attributes,
      removeRootsFromChain: false, certificateRequestId: "3f2c-11", files: meta.files,
      createdAt: meta.issuedAt, outDir: dir, force: false,
    };
    await savePending(dir, "3f2c-11", record, KEY);
    expect(statSync(join(dir, ".certctl", "pending", "3f2c-11.key.pem")).mode & 0o777).toBe(0o600);
    expect(() => lstatSync(join(dir, "key.pem"))).toThrow();
    expect(await readPending(dir, "3f2c-11")).toEqual({ record, privateKeyPem: KEY });
    await discardPending(dir, "3f2c-11");
    expect(await readPending(dir, "3f2c-11")).toBeUndefined();
  });

  it("refuses a request id that could escape the folder", async () => {
    await expect(readPending(tempDir(), "../../etc/passwd")).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe("pending folder modes", () => {
  it("creates a new out dir with the umask's mode and only the pending folder private", async () => {
    process.umask(0o022);
    const out = join(tempDir(), "new-out");
    const record = { outDir: out } as unknown as PendingRecord;
    await savePending(out, "req-1", record, KEY);
    expect(statSync(out).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, ".certctl", "pending")).mode & 0o777).toBe(0o700);
  });
});
