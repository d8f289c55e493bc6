// Wiring of the format flags: argv values → paths and the FormatOptions certctl.json records.
import { describe, expect, it } from "vitest";
import { parseFormatFlags, type FormatFlags } from "../../src/cli/issue/formats.js";

const cwd = "/work";
const out = "/work/site";

describe("parseFormatFlags", () => {
  it.each<[string, FormatFlags, Record<string, string>, unknown]>([
    ["bare --p12 with a password file", { p12: true, p12PasswordFile: "pw" }, {},
      { paths: { p12: "/work/site/cert.p12" }, formats: { p12: { password: { file: "/work/pw" } } } }],
    ["--p12 path, env password, legacy, name", { p12: "ks/app.pfx", p12Legacy: true, p12Name: "app" }, { CERTCTL_P12_PASSWORD: "x" },
      { paths: { p12: "/work/ks/app.pfx" }, formats: { p12: { password: { env: "CERTCTL_P12_PASSWORD" }, legacy: true, friendlyName: "app" } } }],
    ["--p12-empty-password", { p12: true, p12EmptyPassword: true }, {},
      { paths: { p12: "/work/site/cert.p12" }, formats: { p12: { password: { empty: true } } } }],
    ["the file wins over the variable", { p12: true, p12PasswordFile: "pw" }, { CERTCTL_P12_PASSWORD: "x" },
      { paths: { p12: "/work/site/cert.p12" }, formats: { p12: { password: { file: "/work/pw" } } } }],
    ["--der, --combined-file, --key-password-file", { der: true, combinedFile: "site/all.pem", keyPasswordFile: "/etc/kp" }, {},
      { paths: { der: "/work/site/cert.der", combined: "/work/site/all.pem" }, formats: { der: {}, combined: {}, encryptedKey: { password: { file: "/etc/kp" } } } }],
    ["nothing", {}, {}, { paths: {} }],
  ])("%s", (_name, flags, env, expected) => {
    expect(parseFormatFlags(flags, cwd, out, "local-key", env)).toEqual(expected);
  });

  it.each<[string, FormatFlags, string, RegExp]>([
    ["no password anywhere", { p12: true }, "local-key", /^--p12 requires a password: --p12-password-file <file> or \$CERTCTL_P12_PASSWORD/],
    ["a file and the empty password", { p12: true, p12PasswordFile: "pw", p12EmptyPassword: true }, "local-key", /cannot be used with --p12-empty-password/],
    ["--p12-name without --p12", { p12Name: "x" }, "local-key", /^--p12-name requires --p12/],
    ["an empty --p12-name", { p12: true, p12EmptyPassword: true, p12Name: " " }, "local-key", /invalid value ' ' for --p12-name/],
    ["--p12 with --csr", { p12: true, p12EmptyPassword: true }, "csr", /^--p12 cannot be used with --csr/],
    ["--key-password-file with --csr", { keyPasswordFile: "k" }, "csr", /^--key-password-file cannot be used with --csr/],
    ["an empty --combined-file", { combinedFile: "" }, "local-key", /invalid value '' for --combined-file/],
  ])("refuses %s (exit 2)", (_name, flags, mode, message) => {
    expect(() => parseFormatFlags(flags, cwd, out, mode as "local-key" | "csr", {})).toThrow(message);
    try { parseFormatFlags(flags, cwd, out, mode as "local-key" | "csr", {}); } catch (error) { expect((error as { exitCode: number }).exitCode).toBe(2); }
  });
});

describe("the PKCS#12 password variable and deploy hooks", () => {
  it("is not passed to a hook's environment", async () => {
    const { hookEnvironment } = await import("../../src/core/hooks.js");
    const env = hookEnvironment({ CERTCTL_P12_PASSWORD: "hunter2-p12", PATH: "/usr/bin" }, undefined);
    expect(env.CERTCTL_P12_PASSWORD).toBeUndefined();
    expect(env.PATH).toBe("/usr/bin");
  });
});
