// The optional formats end to end: `certctl issue --p12 --der --combined-file --key-password-file`
// against a dev server, each file checked by openssl (and keytool for the keystore), then a
// renewal that must produce them all again, then the refusals that must write nothing.
// certctl runs in this process (main(argv, io)); only the module-loading probe spawns a node.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureKeyPath } from "../helpers/fixture-keys.js";
import { keytool } from "../helpers/keytool.js";
import { PKCS12_MODULES, loadedSources } from "../helpers/loaded-sources.js";
import { needs } from "../helpers/needs.js";
import { runMain } from "../helpers/run-main.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";
import { certPublicKey, openssl } from "../helpers/openssl.js";
import { findSecrets, metadataTexts } from "../helpers/secret-scan.js";
import type { RunningDevServer } from "../../src/devserver/index.js";

const P12_PASSWORD = "p12-Secret-4d1f9a";
const KEY_PASSWORD = "key-Secret-77c2e0";
const ENV_PASSWORD = "env-Secret-19b3aa";
let server: RunningDevServer;
let env: Record<string, string>;
let work: string;
const keytoolNeed = needs("keytool");
async function keytoolList(args: string[]): Promise<string> {
  const res = await keytool(["-list", ...args]);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout;
}

beforeAll(async () => {
  ({ server, env } = await startLocalDevServer());
  work = mkdtempSync(join(tmpdir(), "certctl-formats-e2e-"));
  writeFileSync(join(work, "p12pass"), P12_PASSWORD + "\n", { mode: 0o600 });
  writeFileSync(join(work, "keypass"), KEY_PASSWORD + "\n", { mode: 0o600 });
  writeFileSync(join(work, "empty"), "");
});
afterAll(async () => server?.close());

function issue(dir: string, extra: string[], more: Record<string, string> = {}) {
  // --csr decides the subject itself: no --cn beside it.
  const subject = extra.includes("--csr") ? [] : ["--cn", "formats.example.com"];
  return runMain(["issue", "--profile", server.info.profileId, ...subject, "--out-dir", dir, "--json", ...extra], { cwd: work, env: { ...env, ...more } });
}

/** `openssl pkcs12 -info` writes its report on stderr: both streams, and a failure throws. */
function pkcs12Info(args: string[]): string {
  const res = spawnSync("openssl", ["pkcs12", "-info", "-noout", ...args], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`openssl pkcs12 -info failed: ${res.stderr}`);
  return res.stdout + res.stderr;
}

/** The public key openssl reads out of a PKCS#12's key and leaf. */
function p12Keys(file: string, passFile: string): { key: string; cert: string } {
  const dump = openssl(["pkcs12", "-in", file, "-passin", `file:${passFile}`, "-nodes"]);
  const key = openssl(["pkey", "-pubout"], dump.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/)![0]);
  const cert = openssl(["x509", "-pubkey", "-noout"], dump.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]);
  return { key, cert };
}

// Sequential, and first: the inspect tests below read the set these write and renew.
describe("issue with every format", () => {
  const dir = () => join(work, "all");
  it("writes a modern PKCS#12, DER leaf, combined PEM and an encrypted key.pem that openssl reads", async () => {
    const res = await issue(dir(), ["--p12", "--p12-password-file", "p12pass", "--der", "--combined-file", join(dir(), "haproxy.pem"), "--key-password-file", "keypass"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const p12 = join(dir(), "cert.p12");
    const info = pkcs12Info(["-in", p12, "-passin", `file:${join(work, "p12pass")}`]);
    expect(info).toContain("MAC: sha256");
    expect(info).toMatch(/PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256/);
    const keys = p12Keys(p12, join(work, "p12pass"));
    expect(keys.key).toBe(keys.cert);
    expect(openssl(["pkcs12", "-in", p12, "-passin", `file:${join(work, "p12pass")}`, "-nokeys"]).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(openssl(["pkcs12", "-in", p12, "-passin", `file:${join(work, "p12pass")}`, "-nokeys"])).toContain("friendlyName: formats.example.com");
    // DER leaf: the same certificate as cert.pem.
    expect(openssl(["x509", "-inform", "der", "-in", join(dir(), "cert.der"), "-noout", "-fingerprint"]))
      .toBe(openssl(["x509", "-in", join(dir(), "cert.pem"), "-noout", "-fingerprint"]));
    // Encrypted key: PBES2, opens with the password, matches the certificate.
    const keyPem = readFileSync(join(dir(), "key.pem"), "utf8");
    expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(openssl(["asn1parse", "-in", join(dir(), "key.pem")])).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/);
    const pub = openssl(["pkey", "-in", join(dir(), "key.pem"), "-passin", `file:${join(work, "keypass")}`, "-pubout"]);
    expect(pub).toBe(certPublicKey(join(dir(), "cert.pem")));
    // Combined: key, leaf, chain, with the key's mode.
    const combined = readFileSync(join(dir(), "haproxy.pem"), "utf8");
    expect(combined.match(/-----BEGIN [A-Z ]+-----/g)).toEqual(["-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----"]);
    for (const file of ["cert.p12", "haproxy.pem", "key.pem"]) expect(statSync(join(dir(), file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir(), "cert.der")).mode & 0o777).toBe(0o644);
    // certctl.json records paths and where the passwords come from, never the passwords.
    const meta = JSON.parse(readFileSync(join(dir(), "certctl.json"), "utf8"));
    expect(meta.files).toMatchObject({ p12: "cert.p12", der: "cert.der", combined: "haproxy.pem" });
    expect(meta.formats).toEqual({ p12: { password: { file: join(work, "p12pass") } }, der: {}, combined: {}, encryptedKey: { password: { file: join(work, "keypass") } } });
    expect(findSecrets({ stdout: res.stdout, stderr: res.stderr, ...metadataTexts(dir()) }, [
      { label: "p12 password", value: P12_PASSWORD }, { label: "key password", value: KEY_PASSWORD },
    ])).toEqual([]);
  });

  it("a renewal produces every format again, for the new certificate, reusing the encrypted key", async () => {
    const before = readFileSync(join(dir(), "cert.der"));
    const res = await runMain(["renew", "--force", "--reuse-key", dir()], { cwd: work, env });
    expect(res.code).toBe(0);
    const der = readFileSync(join(dir(), "cert.der"));
    expect(der.equals(before)).toBe(false);
    expect(openssl(["x509", "-inform", "der", "-in", join(dir(), "cert.der"), "-noout", "-serial"]))
      .toBe(openssl(["x509", "-in", join(dir(), "cert.pem"), "-noout", "-serial"]));
    const dump = openssl(["pkcs12", "-in", join(dir(), "cert.p12"), "-passin", `file:${join(work, "p12pass")}`, "-nokeys", "-clcerts"]);
    expect(openssl(["x509", "-noout", "-serial"], dump)).toBe(openssl(["x509", "-in", join(dir(), "cert.pem"), "-noout", "-serial"]));
    expect(readFileSync(join(dir(), "key.pem"), "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(readFileSync(join(dir(), "haproxy.pem"), "utf8")).toContain(readFileSync(join(dir(), "cert.pem"), "utf8").trim());
  });
});

describe.concurrent("legacy PKCS#12 and the password from the environment", () => {
  it("--p12-legacy writes 3DES + SHA-1 MAC that openssl and keytool read", async () => {
    const dir = join(work, "legacy");
    const res = await issue(dir, ["--p12", join(dir, "store.pfx"), "--p12-legacy", "--p12-name", "legacy-alias", "--key", fixtureKeyPath("rsa-2048"), "--profile", server.info.profiles.find((p) => p.slug === "rsa")!.id],
      { CERTCTL_P12_PASSWORD: ENV_PASSWORD });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    writeFileSync(join(work, "envpass"), ENV_PASSWORD);
    const info = pkcs12Info(["-in", join(dir, "store.pfx"), "-passin", `file:${join(work, "envpass")}`]);
    expect(info).toContain("MAC: sha1");
    expect(info).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/);
    const keys = p12Keys(join(dir, "store.pfx"), join(work, "envpass"));
    expect(keys.key).toBe(keys.cert);
    const meta = JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8"));
    expect(meta.formats.p12).toEqual({ password: { env: "CERTCTL_P12_PASSWORD" }, legacy: true, friendlyName: "legacy-alias" });
    expect(findSecrets({ ...metadataTexts(dir), stdout: res.stdout }, [{ label: "env password", value: ENV_PASSWORD }])).toEqual([]);
    if (!keytoolNeed.missing) {
      const out = await keytoolList(["-storetype", "PKCS12", "-keystore", join(dir, "store.pfx"), "-storepass:file", join(work, "envpass")]);
      expect(out).toContain("legacy-alias");
    }
  });

  it("--p12-empty-password writes a keystore openssl opens with an empty password", async () => {
    const dir = join(work, "empty-pw");
    const res = await issue(dir, ["--p12", "--p12-empty-password"]);
    expect(res.code).toBe(0);
    expect(pkcs12Info(["-in", join(dir, "cert.p12"), "-passin", "pass:"])).toContain("MAC: sha256");
  });
});

describe.concurrent("refusals: exit 2 or 7, nothing written", () => {
  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    ["--p12 without a password", ["--p12"], {}, 2, /--p12 requires a password/],
    ["an empty password file", ["--p12", "--p12-password-file", "empty"], {}, 2, /--p12-password-file .*empty is empty/],
    ["a missing password file", ["--p12", "--p12-password-file", "nope"], {}, 7, /cannot read --p12-password-file .*nope/],
    ["a missing key password file", ["--key-password-file", "nope"], {}, 7, /cannot read --key-password-file/],
    ["--p12-legacy without --p12", ["--p12-legacy"], {}, 2, /--p12-legacy requires --p12/],
    ["--combined-file with --csr", ["--combined-file", "c.pem", "--csr", "x.csr"], {}, 2, /--combined-file cannot be used with --csr/],
    ["a --der path equal to --cert-file", ["--der", "same", "--cert-file", "same"], {}, 2, /must be different paths/],
    ["an empty CERTCTL_P12_PASSWORD", ["--p12"], { CERTCTL_P12_PASSWORD: "" }, 2, /--p12 requires a password/],
  ];
  it.each(cases)("%s", async (_name, extra, more, code, message) => {
    const dir = join(work, `refused-${_name.replace(/\W+/g, "-")}`);
    const res = await issue(dir, extra, more);
    expect(res.code).toBe(code);
    expect(res.stderr).toMatch(message);
    expect(existsSync(dir)).toBe(false);
  });

  it("a wrong --key-password-file for an encrypted --key is exit 2 and writes nothing", async () => {
    const enc = join(work, "enc.key");
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", `file:${join(work, "p12pass")}`, "-out", enc]);
    const dir = join(work, "wrong-key-pass");
    const res = await issue(dir, ["--key", enc, "--key-password-file", "keypass"]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/cannot be decrypted/);
    expect(existsSync(dir)).toBe(false);
    // The right password opens it; key.pem is re-encrypted with it and matches the certificate.
    const ok = await issue(dir, ["--key", enc, "--key-password-file", "p12pass"]);
    expect(ok.code).toBe(0);
    expect(openssl(["pkey", "-in", join(dir, "key.pem"), "-passin", `file:${join(work, "p12pass")}`, "-pubout"]))
      .toBe(openssl(["pkey", "-in", enc, "-passin", `file:${join(work, "p12pass")}`, "-pubout"]));
  });
});

// keytool (a JVM start) reads the renewed keystore beside the other readers.
describe.concurrent("keytool reads the modern keystore", () => {
  const dir = () => join(work, "all");
  it.skipIf(keytoolNeed.missing)(`keytool lists the modern keystore (renewed) with its alias and a 3-certificate chain${keytoolNeed.why}`, async () => {
    const out = await keytoolList(["-v", "-storetype", "PKCS12", "-keystore", join(dir(), "cert.p12"), "-storepass:file", join(work, "p12pass")]);
    expect(out).toContain("Alias name: formats.example.com");
    expect(out).toContain("Entry type: PrivateKeyEntry");
    expect(out).toContain("Certificate chain length: 3");
  });
});

describe.concurrent("inspect reads every format certctl writes", () => {
  const dir = () => join(work, "all");
  const inspect = (args: string[]) => runMain(["inspect", "--json", ...args], { cwd: work, env });
  it("a PKCS#12 with --password-file: format pkcs12, its scheme, alias and the key matching the leaf", async () => {
    const res = await inspect([join(dir(), "cert.p12"), "--password-file", "p12pass"]);
    expect(res.code).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.format).toBe("pkcs12");
    expect(doc.keystore).toEqual({ friendlyName: "formats.example.com", mac: "HMAC-SHA-256, 10000 iterations",
      encryption: ["PBES2 AES-256-CBC, PBKDF2-HMAC-SHA-256, 100000 iterations"], privateKeys: 1, keyMatchesCertificate: true });
    expect(doc.certificates).toHaveLength(3);
    expect(res.stdout + res.stderr).not.toContain(P12_PASSWORD);
  });
  it("a PKCS#12 without its password, or with a wrong one, is exit 2", async () => {
    expect((await inspect([join(dir(), "cert.p12")])).stderr).toMatch(/is a PKCS#12 keystore; certctl needs its password/);
    const wrong = await inspect([join(dir(), "cert.p12"), "--password-file", "keypass"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password is wrong/);
  });
  it("DER, the encrypted key and the combined PEM", async () => {
    expect(JSON.parse((await inspect([join(dir(), "cert.der")])).stdout).format).toBe("der");
    const key = JSON.parse((await inspect([join(dir(), "key.pem")])).stdout);
    expect(key).toMatchObject({ kind: "key", privateKey: { encrypted: true, encryption: "PBES2 AES-256-CBC, PBKDF2-HMAC-SHA-256, 100000 iterations" } });
    expect(key.privateKey.publicKey).toBeUndefined();
    const opened = JSON.parse((await inspect([join(dir(), "key.pem"), "--password-file", "keypass"])).stdout);
    const combined = JSON.parse((await inspect([join(dir(), "haproxy.pem"), "--password-file", "keypass"])).stdout);
    expect(combined.format).toBe("combined-pem");
    expect(combined.privateKey.publicKey.sha256).toBe(combined.certificates[0].publicKey.sha256);
    expect(opened.privateKey.publicKey.sha256).toBe(combined.certificates[0].publicKey.sha256);
  });
});

// Spawned: what a run loads is only seen in a fresh process. That a plain issue loads none of
// this is checked on issue.test.ts's local-key probe (the same run shows several absences).
describe.concurrent("the PKCS#12 schemas load only on the path that writes a keystore", () => {
  it("--p12 loads @peculiar/asn1-pfx and p12.ts", async () => {
    const withP12 = await loadedSources(["issue", "--profile", server.info.profileId, "--cn", "p12.example.com", "--out-dir", join(work, "loaded-p12"), "--quiet", "--p12", "--p12-empty-password"], { cwd: work, env });
    expect(withP12.code).toBe(0);
    const pfx = withP12.sources.filter((s) => PKCS12_MODULES.test(s));
    expect(pfx.some((s) => s.includes("asn1-pfx"))).toBe(true);
    expect(pfx.some((s) => s.includes("core/formats/p12.ts"))).toBe(true);
  });
});

describe.concurrent("status finishing a pending request writes the formats too", () => {
  it("issue --no-wait on a manual-approval profile, approve, status → p12 and DER in place", async () => {
    const dir = join(work, "pending");
    const approval = server.info.profiles.find((p) => p.approval === "manual")!.id;
    const res = await runMain(["issue", "--profile", approval, "--cn", "pending.example.com", "--out-dir", dir, "--no-wait", "--json",
      "--p12", "--p12-password-file", "p12pass", "--der"], { cwd: work, env });
    expect(res.code).toBe(5);
    const requestId = JSON.parse(res.stdout).error.certificateRequestId as string;
    expect(requestId, res.stdout + res.stderr).toMatch(/^[0-9a-f-]{36}$/);
    expect(existsSync(join(dir, "cert.p12"))).toBe(false);
    const approved = await fetch(`${server.info.url}/api/v1/dev/certificate-requests/${requestId}/approve`, { method: "POST" });
    expect(approved.status, await approved.clone().text()).toBe(200);
    const status = await runMain(["status", requestId, "--out-dir", dir, "--json"], { cwd: work, env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).files).toMatchObject({ p12: join(dir, "cert.p12"), der: join(dir, "cert.der") });
    const keys = p12Keys(join(dir, "cert.p12"), join(work, "p12pass"));
    expect(keys.key).toBe(keys.cert);
    expect(openssl(["x509", "-inform", "der", "-in", join(dir, "cert.der"), "-noout", "-subject"])).toContain("pending.example.com");
  });
});
