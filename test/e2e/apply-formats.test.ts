// `certctl apply` with formats in the declarative file, in-process against a dev server: the
// PKCS#12 (modern and legacy), combined PEM, DER leaf and encrypted key.pem are written and read
// back by openssl (and keytool), kept by a second apply (nothing sent) and by `renew`; a change
// of formats is planned with its reasons and rewritten from the set on disk with nothing sent; an
// inline password is refused with nothing sent or written; no password ever reaches the output.
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { runMain } from "../helpers/run-main.js";
import { devStats, startLocalDevServer } from "../helpers/local-devserver.js";
import { keytool } from "../helpers/keytool.js";
import { needs } from "../helpers/needs.js";
import { certPublicKey, openssl } from "../helpers/openssl.js";
import { findSecrets, metadataTexts } from "../helpers/secret-scan.js";
import type { RunningDevServer } from "../../src/devserver/index.js";

const P12_PASSWORD = "p12-Apply-5e0c7b";
const P12_NEW_PASSWORD = "p12-Apply-new-91d2fa";
const KEY_PASSWORD = "key-Apply-3aa84e";
const LEGACY_PASSWORD = "legacy-Apply-c0ffee";
const INLINE_PASSWORD = "inline-Apply-77d3e1";
const SECRETS = [P12_PASSWORD, P12_NEW_PASSWORD, KEY_PASSWORD, LEGACY_PASSWORD, INLINE_PASSWORD].map((value, i) => ({ label: `password ${i}`, value }));
const keytoolNeed = needs("keytool");

let server: RunningDevServer;
let env: Record<string, string>;
let work: string;
/** Every run's output and every certctl.json seen, for the secret scan at the end. */
const seen: Record<string, string> = {};

beforeAll(async () => {
  ({ server, env } = await startLocalDevServer());
  env = { ...env, LEGACY_P12_PASSWORD: LEGACY_PASSWORD };
  work = mkdtempSync(join(tmpdir(), "certctl-apply-formats-"));
  writeFileSync(join(work, "p12.pass"), P12_PASSWORD + "\n", { mode: 0o600 });
  writeFileSync(join(work, "p12-new.pass"), P12_NEW_PASSWORD + "\n", { mode: 0o600 });
  writeFileSync(join(work, "key.pass"), KEY_PASSWORD + "\n", { mode: 0o600 });
});
afterAll(async () => {
  await server?.close();
});

function fileText(web: string, legacy = ""): string {
  return `version: 1
defaults:
  directory: certs
  profile: ${server.info.profileId}
certificates:
  - name: web
    cn: web.example.com
    files:
      combined: haproxy.pem
${web}
  - name: legacy
    cn: legacy.example.com
    deploy-hook: env > ${join(work, "legacy-hook.env")}
    formats:
      p12: { password-env: LEGACY_P12_PASSWORD, legacy: true${legacy} }
`;
}

const WEB_FORMATS = `    formats:
      p12: { password-file: p12.pass }
      der: true
      combined: true
      encrypted-key: { password-file: key.pass }`;

async function apply(text: string, ...args: string[]): Promise<CliResult> {
  return applyFile("certctl.yaml", text, env, ...args);
}

async function applyFile(name: string, text: string, runEnv: Record<string, string>, ...args: string[]): Promise<CliResult> {
  writeFileSync(join(work, name), text);
  const res = await runMain(["apply", "-f", name, ...args], { cwd: work, env: runEnv });
  seen[`apply ${Object.keys(seen).length} stdout`] = res.stdout;
  seen[`apply ${Object.keys(seen).length} stderr`] = res.stderr;
  return res;
}

/** Requests the server answered, its dev endpoints left out. */
async function requests(url = server.info.url): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await devStats(url)).filter(([route]) => !route.includes("/dev/")));
}

/** `openssl pkcs12 -info -nokeys` (its report is on stderr): both streams; a failure throws. */
function pkcs12Info(file: string, passFile: string): string {
  const res = spawnSync("openssl", ["pkcs12", "-info", "-nokeys", "-in", file, "-passin", `file:${passFile}`], { encoding: "utf8" });
  if (res.status !== 0) throw new Error(`openssl pkcs12 -info failed: ${res.stderr}`);
  return res.stdout + res.stderr;
}

function fingerprint(pemOrDer: string, der = false): string {
  return openssl(["x509", ...(der ? ["-inform", "der"] : []), "-in", pemOrDer, "-noout", "-fingerprint", "-sha256"]);
}

const dir = (name: string) => join(work, "certs", name);

describe.sequential("apply with formats", () => {
  it("creates a modern and a legacy PKCS#12, the combined PEM, the DER leaf and an encrypted key that openssl reads", async () => {
    const res = await apply(fileText(WEB_FORMATS));
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/created web/);
    expect(res.stdout).toMatch(/created legacy/);
    const web = dir("web");
    const modern = pkcs12Info(join(web, "cert.p12"), join(work, "p12.pass"));
    expect(modern).toContain("MAC: sha256");
    expect(modern).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    expect(modern).toContain("friendlyName: web.example.com");
    const legacyPass = join(work, "legacy.pass");
    writeFileSync(legacyPass, LEGACY_PASSWORD + "\n", { mode: 0o600 });
    const legacy = pkcs12Info(join(dir("legacy"), "cert.p12"), legacyPass);
    expect(legacy).toContain("MAC: sha1");
    expect(legacy).toMatch(/pbeWithSHA1And3-KeyTripleDES-CBC/);
    // DER: the same leaf as cert.pem.
    expect(fingerprint(join(web, "cert.der"), true)).toBe(fingerprint(join(web, "cert.pem")));
    // key.pem: encrypted, opens with the password file, matches the certificate.
    expect(readFileSync(join(web, "key.pem"), "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const pub = openssl(["pkey", "-in", join(web, "key.pem"), "-passin", `file:${join(work, "key.pass")}`, "-pubout"]);
    expect(pub).toBe(certPublicKey(join(web, "cert.pem")));
    // Combined: the key as key.pem has it, then leaf and chain, with the key's mode.
    const combined = readFileSync(join(web, "haproxy.pem"), "utf8");
    expect(combined.match(/-----BEGIN [A-Z ]+-----/g)?.[0]).toBe("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    expect(combined.match(/-----BEGIN CERTIFICATE-----/g)!.length).toBeGreaterThanOrEqual(2);
    for (const file of ["cert.p12", "haproxy.pem", "key.pem"]) expect(statSync(join(web, file)).mode & 0o777).toBe(0o600);
    // Recorded where renew finds them: the password's source, never the password.
    const meta = JSON.parse(readFileSync(join(web, "certctl.json"), "utf8")) as { files: Record<string, string>; formats: unknown };
    expect(meta.files).toMatchObject({ p12: "cert.p12", der: "cert.der", combined: "haproxy.pem" });
    expect(meta.formats).toEqual({
      p12: { password: { file: join(work, "p12.pass") } }, der: {}, combined: {}, encryptedKey: { password: { file: join(work, "key.pass") } },
    });
    expect(JSON.parse(readFileSync(join(dir("legacy"), "certctl.json"), "utf8")).formats).toEqual({ p12: { password: { env: "LEGACY_P12_PASSWORD" }, legacy: true } });
  });

  it.skipIf(keytoolNeed.missing)(`keytool lists both keystores${keytoolNeed.why}`, async () => {
    for (const [name, pass] of [["web", P12_PASSWORD], ["legacy", LEGACY_PASSWORD]] as const) {
      const res = await keytool(["-list", "-storetype", "PKCS12", "-keystore", join(dir(name), "cert.p12"), "-storepass:env", "KS_PASS"], { KS_PASS: pass });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/PrivateKeyEntry/);
      expect(res.stdout).toContain(`${name}.example.com`);
    }
  });

  it("a second apply sends nothing and leaves the formats as they are", async () => {
    const before = await requests();
    const p12 = readFileSync(join(dir("web"), "cert.p12"));
    const res = await apply(fileText(WEB_FORMATS));
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/= unchanged web/);
    expect(res.stdout).toMatch(/= unchanged legacy/);
    expect(await requests()).toEqual(before);
    expect(readFileSync(join(dir("web"), "cert.p12")).equals(p12)).toBe(true);
  });

  it("renew of the directory writes every format again for the new certificate", async () => {
    const web = dir("web");
    const oldSerial = new X509Certificate(readFileSync(join(web, "cert.pem"))).serialNumber;
    const res = await runMain(["renew", "--force", web], { cwd: work, env });
    seen["renew stdout"] = res.stdout;
    seen["renew stderr"] = res.stderr;
    expect(res.code, res.stderr).toBe(0);
    const cert = new X509Certificate(readFileSync(join(web, "cert.pem")));
    expect(cert.serialNumber).not.toBe(oldSerial);
    expect(fingerprint(join(web, "cert.der"), true)).toBe(fingerprint(join(web, "cert.pem")));
    const p12Certs = openssl(["pkcs12", "-in", join(web, "cert.p12"), "-passin", `file:${join(work, "p12.pass")}`, "-nokeys", "-clcerts"]);
    expect(openssl(["x509", "-noout", "-fingerprint", "-sha256"], p12Certs)).toBe(fingerprint(join(web, "cert.pem")));
    expect(readFileSync(join(web, "key.pem"), "utf8")).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(openssl(["pkey", "-in", join(web, "key.pem"), "-passin", `file:${join(work, "key.pass")}`, "-pubout"]))
      .toBe(certPublicKey(join(web, "cert.pem")));
    expect(readFileSync(join(web, "haproxy.pem"), "utf8")).toContain(readFileSync(join(web, "cert.pem"), "utf8").trim());
  });

  it("renew reads a password-env variable from the command's environment (not the process's)", async () => {
    expect(process.env.LEGACY_P12_PASSWORD).toBeUndefined();
    const legacy = dir("legacy");
    const res = await runMain(["renew", "--force", legacy], { cwd: work, env });
    expect(res.code, res.stderr).toBe(0);
    const legacyPass = join(work, "legacy.pass");
    const p12Certs = openssl(["pkcs12", "-legacy", "-in", join(legacy, "cert.p12"), "-passin", `file:${legacyPass}`, "-nokeys", "-clcerts"]);
    expect(openssl(["x509", "-noout", "-fingerprint", "-sha256"], p12Certs)).toBe(fingerprint(join(legacy, "cert.pem")));
  });

  it("changed formats are planned as a reinstall with each reason, and rewritten from the set on disk with nothing sent", async () => {
    const web = dir("web");
    const changed = `    formats:
      p12: { password-file: p12-new.pass, friendly-name: frontend }
      combined: true`;
    const dry = await apply(fileText(changed, ", friendly-name: old-java"), "--dry-run", "--json");
    expect(dry.code).toBe(0);
    const plan = (JSON.parse(dry.stdout) as { plan: Array<{ name: string; action: string; reasons: string[] }> }).plan;
    expect(plan.find((p) => p.name === "web")).toEqual(expect.objectContaining({
      action: "reinstall",
      reasons: [
        "DER leaf removed (cert.der)",
        `PKCS#12 password now from ${join(work, "p12-new.pass")} (was ${join(work, "p12.pass")})`,
        "PKCS#12 friendly name changed: (none) → 'frontend'",
        "key.pem no longer encrypted",
        "rewritten from the certificate on disk; nothing sent",
      ],
    }));
    expect(plan.find((p) => p.name === "legacy")?.reasons[0]).toBe("PKCS#12 friendly name changed: (none) → 'old-java'");

    const serial = new X509Certificate(readFileSync(join(web, "cert.pem"))).serialNumber;
    const before = await requests();
    const res = await apply(fileText(changed, ", friendly-name: old-java"));
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/~ reinstall web/);
    expect(res.stdout).toMatch(/reinstalled web: certificate/);
    expect(await requests()).toEqual(before);
    expect(new X509Certificate(readFileSync(join(web, "cert.pem"))).serialNumber).toBe(serial);
    expect(pkcs12Info(join(web, "cert.p12"), join(work, "p12-new.pass"))).toContain("friendlyName: frontend");
    expect(() => pkcs12Info(join(web, "cert.p12"), join(work, "p12.pass"))).toThrow();
    expect(readFileSync(join(web, "key.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(join(web, "haproxy.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(existsSync(join(web, "cert.der")) || isLink(join(web, "cert.der"))).toBe(false);
    const meta = JSON.parse(readFileSync(join(web, "certctl.json"), "utf8")) as { files: Record<string, string>; formats: unknown };
    expect(meta.files.der).toBeUndefined();
    expect(meta.formats).toEqual({ p12: { password: { file: join(work, "p12-new.pass") }, friendlyName: "frontend" }, combined: {} });
    // The legacy keystore was rewritten too, still legacy, now with its new alias.
    const legacyInfo = pkcs12Info(join(dir("legacy"), "cert.p12"), join(work, "legacy.pass"));
    expect(legacyInfo).toContain("MAC: sha1");
    expect(legacyInfo).toContain("friendlyName: old-java");
    // And the next apply has nothing to do.
    const again = await apply(fileText(changed, ", friendly-name: old-java"));
    expect(again.stdout).toMatch(/= unchanged web/);
    expect(await requests()).toEqual(before);
  });

  it("a password file that cannot be read is exit 7 before anything is sent or written: for a new entry and for a reinstall", async () => {
    const web = dir("web");
    const before = await requests();
    const p12 = readFileSync(join(web, "cert.p12"));
    const meta = readFileSync(join(web, "certctl.json"), "utf8");
    const text = fileText(`    formats:
      p12: { password-file: missing.pass, friendly-name: frontend }
      combined: true`, ", friendly-name: old-java").replace("  - name: web", `  - name: nopass
    cn: nopass.example.com
    formats:
      encrypted-key: { password-file: also-missing.pass }
  - name: web`);
    const res = await apply(text);
    expect(res.code).toBe(7);
    expect(res.stdout).toMatch(/~ reinstall web \(PKCS#12 password now from .*missing\.pass/);
    expect(res.stdout).toMatch(/failed nopass: .*also-missing\.pass/);
    expect(res.stdout).toMatch(/failed web: .*missing\.pass/);
    expect(await requests()).toEqual(before);
    expect(existsSync(dir("nopass"))).toBe(false);
    expect(readFileSync(join(web, "cert.p12")).equals(p12)).toBe(true);
    expect(readFileSync(join(web, "certctl.json"), "utf8")).toBe(meta);
  });

  it("a certificate-id entry writes its formats from what the server holds, and reinstalls them when they change", async () => {
    const issue = async (extra: string[]) => {
      const res = await runMain(["issue", "--profile", server.info.profileId, "--cn", "fetched.example.com", "--out-dir", join(work, `issued-${extra.length}`), "--json", ...extra], { cwd: work, env });
      expect(res.code, res.stderr).toBe(0);
      return (JSON.parse(res.stdout) as { certificateId: string }).certificateId;
    };
    const [serverKey, localKey] = [await issue(["--server-keygen"]), await issue([])];
    const file = (formats: string) => `version: 1
defaults: { directory: fetched }
certificates:
  - name: managed
    certificate-id: ${serverKey}
    formats: ${formats}
  - name: keyless
    certificate-id: ${localKey}
    formats: { p12: { password-file: p12.pass } }
`;
    const res = await applyFile("fetched.yaml", file("{ p12: { password-file: p12.pass }, der: true }"), env);
    const managed = join(work, "fetched", "managed");
    expect(res.code).toBe(4); // the keyless entry: refused by what the server holds
    expect(res.stdout).toMatch(/created managed/);
    expect(res.stdout).toMatch(/failed keyless: the server holds no key for certificate .*: a PKCS#12, combined PEM or encrypted key cannot be written/);
    expect(existsSync(join(work, "fetched", "keyless", "certctl.json"))).toBe(false);
    const p12Certs = openssl(["pkcs12", "-in", join(managed, "cert.p12"), "-passin", `file:${join(work, "p12.pass")}`, "-nokeys", "-clcerts"]);
    expect(openssl(["x509", "-noout", "-fingerprint", "-sha256"], p12Certs)).toBe(fingerprint(join(managed, "cert.pem")));
    expect(fingerprint(join(managed, "cert.der"), true)).toBe(fingerprint(join(managed, "cert.pem")));

    const before = await requests();
    const changed = file("{ p12: { password-file: p12.pass }, combined: true }").replace(/  - name: keyless[\s\S]*/, "");
    const again = await applyFile("fetched.yaml", changed, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("~ reinstall managed (DER leaf removed (cert.der); combined PEM added (combined.pem); rewritten from the certificate on disk; nothing sent)");
    expect(await requests()).toEqual(before);
    expect(readFileSync(join(managed, "combined.pem"), "utf8")).toContain(readFileSync(join(managed, "cert.pem"), "utf8").trim());
    expect(isLink(join(managed, "cert.der"))).toBe(false);
  });

  it("an inline password is refused: exit 2 naming the field and what to use, nothing sent, nothing written", async () => {
    const before = await requests();
    const text = fileText(WEB_FORMATS).replace("  - name: web", `  - name: inline
    cn: inline.example.com
    formats:
      p12: { password: ${INLINE_PASSWORD} }
  - name: web`);
    const res = await apply(text);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/certctl\.yaml:9: certificates\[0\] \(inline\): formats\.p12\.password: a secret may not be written in the file; use password-file .* or password-env/);
    expect(await requests()).toEqual(before);
    expect(existsSync(dir("inline"))).toBe(false);
  });

  it("a formats change is a replace when a new certificate is needed anyway: key.pem gone, or the certificate due", async () => {
    const one = (profile: string, directory: string, formats: string) => `version: 1
defaults: { directory: ${directory}, profile: ${profile}, ttl: 30d }
certificates:
  - name: solo
    cn: solo.example.com
${formats}`;
    // key.pem gone: a keystore needs a key, so only a new certificate (and key) can give it.
    const text = one(server.info.profileId, "nokey", "");
    expect((await applyFile("nokey.yaml", text, env)).code).toBe(0);
    const solo = join(work, "nokey", "solo");
    const serial = new X509Certificate(readFileSync(join(solo, "cert.pem"))).serialNumber;
    rmSync(join(solo, "key.pem"));
    const withP12 = one(server.info.profileId, "nokey", "    formats: { p12: { password-file: p12.pass } }");
    const dry = await applyFile("nokey.yaml", withP12, env, "--dry-run");
    expect(dry.stdout).toContain(`-/+ replace solo (PKCS#12 added (cert.p12); ${join(solo, "key.pem")} is missing)`);
    const res = await applyFile("nokey.yaml", withP12, env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/replaced solo: certificate/);
    expect(new X509Certificate(readFileSync(join(solo, "cert.pem"))).serialNumber).not.toBe(serial);
    expect(pkcs12Info(join(solo, "cert.p12"), join(work, "p12.pass"))).toContain("friendlyName: solo.example.com");

    // Due (a dev server that backdates every leaf): replaced, and the new certificate comes with its DER.
    const backdating = await startLocalDevServer({ backdateMs: 25 * 86_400_000 });
    try {
      const dueEnv = { ...backdating.env };
      const plain = one(backdating.server.info.profileId, "due", "");
      expect((await applyFile("due.yaml", plain, dueEnv)).code).toBe(0);
      const withDer = one(backdating.server.info.profileId, "due", "    formats: { der: true }");
      const planned = await applyFile("due.yaml", withDer, dueEnv, "--dry-run");
      expect(planned.stdout).toMatch(/-\/\+ replace solo \(due: \d+ days? left .*; DER leaf added \(cert\.der\)\)/);
      const replaced = await applyFile("due.yaml", withDer, dueEnv);
      expect(replaced.code, replaced.stderr).toBe(0);
      const dueDir = join(work, "due", "solo");
      expect(fingerprint(join(dueDir, "cert.der"), true)).toBe(fingerprint(join(dueDir, "cert.pem")));
    } finally {
      await backdating.server.close();
    }
  });

  it("no password appears in any output, certctl.json or a hook's environment (password-env's variable is removed)", () => {
    for (const name of ["web", "legacy"]) Object.assign(seen, metadataTexts(dir(name)));
    const hookEnv = readFileSync(join(work, "legacy-hook.env"), "utf8");
    expect(hookEnv).toContain("CERTCTL_EVENT=reinstalled");
    expect(hookEnv).not.toContain("LEGACY_P12_PASSWORD");
    seen["legacy deploy hook environment"] = hookEnv;
    expect(Object.keys(seen).length).toBeGreaterThan(10);
    expect(findSecrets(seen, SECRETS)).toEqual([]);
  });
});

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
