// Issue 12 item 4: a renewal kept neither the key's group nor its mode (chgrp ssl-cert + 0640 became
// root:root 0600), so postgres/haproxy/postfix lost their key after the first renewal. The previous
// set's mode, owner and group are carried over; --key-mode/--owner/--group are recorded and win.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, chownSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { installFileSet, resolveFilePaths, type PemSet } from "../../src/store/layout.js";
import { permissionOptions, recordedPermissions, writeMetadata, type CertctlMetadata } from "../../src/store/metadata.js";
import { openssl } from "../helpers/openssl.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8").trim();
const NOBODY = 65534; // nobody / nogroup: a real uid and gid other than root's
const SSL_CERT_GID = 103;
const isRoot = process.getuid?.() === 0;

function realSet(): PemSet {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return { certificate: fixture("leaf.pem"), chain: `${fixture("intermediate.pem")}\n${fixture("root.pem")}`, privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
}
const tempDir = () => mkdtempSync(join(tmpdir(), "certctl-store-owner-"));
const attrs = (path: string) => {
  const info = statSync(path);
  return { mode: info.mode & 0o777, uid: info.uid, gid: info.gid };
};

describe.runIf(isRoot)("a renewal keeps the previous files' mode, owner and group", () => {
  it("key.pem chgrp'd and chmod 0640 by the admin stays so after the next install, and openssl reads it", async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755); // mkdtemp makes it 0700; a service must be able to reach its files
    const paths = resolveFilePaths(dir, ".", {});
    await installFileSet(dir, paths, realSet());
    // What an admin does once: through the stable path, as they would with certbot's files.
    chownSync(paths.key, 0, NOBODY);
    chmodSync(paths.key, 0o640);
    chownSync(paths.cert, NOBODY, NOBODY);
    await installFileSet(dir, paths, realSet());
    expect(attrs(paths.key)).toEqual({ mode: 0o640, uid: 0, gid: NOBODY });
    expect(attrs(paths.cert)).toEqual({ mode: 0o644, uid: NOBODY, gid: NOBODY });
    expect(attrs(paths.chain)).toEqual({ mode: 0o644, uid: 0, gid: 0 });
    expect(openssl(["pkey", "-in", paths.key, "-noout", "-text"])).toMatch(/prime256v1|P-256/);
    // A member of the group (not the owner) can read it: check as uid nobody, gid nogroup.
    const read = execFileSync("cat", [paths.key], { uid: NOBODY, gid: NOBODY, encoding: "utf8" });
    expect(read).toContain("BEGIN PRIVATE KEY");
  });

  it("explicit keyMode/owner/group apply to a first set, win over the previous set's, and round-trip through certctl.json", async () => {
    const dir = tempDir();
    const paths = resolveFilePaths(dir, ".", {});
    const options = { keyMode: 0o640, owner: NOBODY, group: SSL_CERT_GID };
    await installFileSet(dir, paths, realSet(), options);
    expect(attrs(paths.key)).toEqual({ mode: 0o640, uid: NOBODY, gid: SSL_CERT_GID });
    expect(attrs(paths.fullchain)).toEqual({ mode: 0o644, uid: NOBODY, gid: SSL_CERT_GID });
    // Someone tightens the key by hand; the recorded options are applied again on the next write.
    chmodSync(paths.key, 0o600);
    chownSync(paths.key, 0, 0);
    const meta = { version: 1, permissions: recordedPermissions(options) } as unknown as CertctlMetadata;
    expect(meta.permissions).toEqual({ keyMode: "0640", owner: NOBODY, group: SSL_CERT_GID });
    await writeMetadata(dir, meta);
    const text = readFileSync(join(dir, "certctl.json"), "utf8");
    expect(JSON.parse(text).permissions).toEqual({ keyMode: "0640", owner: NOBODY, group: SSL_CERT_GID });
    await installFileSet(dir, paths, realSet(), permissionOptions(meta));
    expect(attrs(paths.key)).toEqual({ mode: 0o640, uid: NOBODY, gid: SSL_CERT_GID });
    expect(openssl(["pkey", "-in", paths.key, "-noout"])).toBe("");
    expect(recordedPermissions({})).toBeUndefined();
    expect(permissionOptions({})).toEqual({});
  });

  it("a chown that is not permitted is a FileError (exit 7) naming the path, and the old set stays", () => {
    // Run the store as uid nobody in a directory it owns: giving files to root is not permitted.
    const bundle = join(tempDir(), "layout.mjs");
    buildSync({ entryPoints: [new URL("../../src/store/layout.ts", import.meta.url).pathname], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "silent" });
    const dir = tempDir();
    chownSync(dir, NOBODY, NOBODY);
    chmodSync(join(bundle, ".."), 0o755);
    const script = join(dir, "..", `run-${process.pid}-${Date.now()}.mjs`);
    writeFileSync(script, `
      import { installFileSet, resolveFilePaths } from ${JSON.stringify(bundle)};
      const dir = ${JSON.stringify(dir)};
      const paths = resolveFilePaths(dir, ".", {});
      const set = (tag) => ({ certificate: "-----BEGIN CERTIFICATE-----\\n" + tag + "\\n-----END CERTIFICATE-----", chain: "", privateKey: "k-" + tag });
      await installFileSet(dir, paths, set("old"));
      try {
        await installFileSet(dir, paths, set("new"), { owner: 0, group: 0 });
        console.log(JSON.stringify({ ok: true }));
      } catch (error) {
        console.log(JSON.stringify({ name: error.name, exitCode: error.exitCode, message: error.message }));
      }
    `);
    const out = JSON.parse(execFileSync(process.execPath, [script], { uid: NOBODY, gid: NOBODY, encoding: "utf8" }));
    expect(out).toMatchObject({ name: "FileError", exitCode: 7 });
    expect(out.message).toContain(join(dir, "cert.pem"));
    expect(out.message).toMatch(/operation not permitted/);
    expect(readFileSync(join(dir, "cert.pem"), "utf8")).toContain("old");
  });
});
