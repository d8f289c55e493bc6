// Issue 12 item 14: chain.pem and fullchain.pem are what a TLS server sends, so they carry no
// self-signed root; the root goes to ca.pem in the same versioned set, for clients to trust.
import { existsSync, lstatSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installFileSet, preflightFileSet, resolveFilePaths } from "../../src/store/layout.js";
import { storedPaths } from "../../src/store/metadata.js";
import { splitSelfSignedRoot } from "../../src/store/roots.js";
import { openssl, pemBlocks } from "../helpers/openssl.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8").trim();
const LEAF = fixture("leaf.pem");
const INTERMEDIATE = fixture("intermediate.pem");
const ROOT = fixture("root.pem");
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHkey\n-----END PRIVATE KEY-----";

const tempDir = () => mkdtempSync(join(tmpdir(), "certctl-store-roots-"));

describe("splitSelfSignedRoot", () => {
  it("splits a trailing self-signed root off and keeps the intermediates in order", () => {
    expect(splitSelfSignedRoot(`${INTERMEDIATE}\n${ROOT}`)).toEqual({ intermediates: INTERMEDIATE, root: ROOT });
  });
  it("leaves a chain without a root alone", () => {
    expect(splitSelfSignedRoot(INTERMEDIATE)).toEqual({ intermediates: INTERMEDIATE });
    expect(splitSelfSignedRoot("")).toEqual({ intermediates: "" });
  });
  it("does not take an intermediate (issuer ≠ subject) for a root", () => {
    expect(splitSelfSignedRoot(`${ROOT}\n${INTERMEDIATE}`).root).toBeUndefined();
  });
});

describe("the file set: cert, chain, fullchain, ca, key", () => {
  it("writes chain.pem = intermediates, fullchain.pem = leaf + intermediates, ca.pem = the root", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    const written = await installFileSet(dir, paths, { certificate: LEAF, chain: `${INTERMEDIATE}\n${ROOT}`, privateKey: KEY });
    expect(pemBlocks(readFileSync(join(dir, "chain.pem"), "utf8"))).toEqual([INTERMEDIATE]);
    expect(pemBlocks(readFileSync(join(dir, "fullchain.pem"), "utf8"))).toEqual([LEAF, INTERMEDIATE]);
    expect(readFileSync(join(dir, "ca.pem"), "utf8")).toBe(ROOT + "\n");
    expect(lstatSync(join(dir, "ca.pem")).isSymbolicLink()).toBe(true);
    expect(written.ca).toBe(join(dir, "ca.pem"));
    expect(storedPaths(dir, written)).toEqual({ cert: "cert.pem", chain: "chain.pem", fullchain: "fullchain.pem", ca: "ca.pem", key: "key.pem" });
    // What a client does: trust ca.pem, take the rest from what the server sends.
    const notBefore = Date.parse(openssl(["x509", "-noout", "-startdate", "-in", join(dir, "cert.pem")]).split("=")[1]!);
    const attime = String(Math.floor(notBefore / 1000) + 3600); // the fixtures have fixed, long-past dates
    const verify = openssl(["verify", "-attime", attime, "-CAfile", join(dir, "ca.pem"), "-untrusted", join(dir, "chain.pem"), join(dir, "cert.pem")]);
    expect(verify.trim()).toMatch(/OK$/);
  });

  it("accepts the root already split off by the caller", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, { certificate: LEAF, chain: INTERMEDIATE, root: ROOT, privateKey: KEY });
    expect(pemBlocks(readFileSync(join(dir, "fullchain.pem"), "utf8"))).toEqual([LEAF, INTERMEDIATE]);
    expect(readFileSync(join(dir, "ca.pem"), "utf8")).toBe(ROOT + "\n");
  });

  it("writes no ca.pem when the server sent no root, and drops the old one on the next swap", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, { certificate: LEAF, chain: `${INTERMEDIATE}\n${ROOT}`, privateKey: KEY });
    expect(existsSync(join(dir, "ca.pem"))).toBe(true);
    const written = await installFileSet(dir, paths, { certificate: LEAF, chain: INTERMEDIATE, privateKey: KEY });
    expect(written.ca).toBeUndefined();
    expect(() => lstatSync(join(dir, "ca.pem"))).toThrow();
    expect(storedPaths(dir, written).ca).toBeUndefined();
  });

  it("the preflight refuses to overwrite a ca.pem that is not certctl's", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "ca.pem"), "mine");
    const paths = resolveFilePaths(dir, ".", {});
    await expect(preflightFileSet(paths, { force: false, writeKey: true, outDir: dir })).rejects.toThrow(/ca\.pem already exists/);
  });
});
