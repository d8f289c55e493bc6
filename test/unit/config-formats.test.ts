// The declarative file's `formats`: what an entry asks for becomes the same FormatOptions and
// paths `certctl issue --p12 … --der --combined-file --key-password-file` records; an inline
// password, a missing password source or a path without its format is refused naming line and field.
import { describe, expect, it } from "vitest";
import { WEB_FILE_HEAD, entriesOf as entries, problemOf as problem } from "../helpers/config-file.js";

describe("formats in the declarative file", () => {
  it("every format becomes the FormatOptions and paths issue records (password files relative to the file)", () => {
    const [web] = entries(WEB_FILE_HEAD + `    files:
      combined: haproxy.pem
    formats:
      p12: { password-file: secrets/p12.pass, legacy: true, friendly-name: web }
      der: true
      combined: true
      encrypted-key: { password-env: WEB_KEY_PASSWORD }
`);
    expect(web!.params.formats).toEqual({
      p12: { password: { file: "/etc/certctl/secrets/p12.pass" }, legacy: true, friendlyName: "web" },
      der: {}, combined: {}, encryptedKey: { password: { env: "WEB_KEY_PASSWORD" } },
    });
    expect(web!.params.files).toMatchObject({
      p12: "/etc/certctl/certs/web/cert.p12", der: "/etc/certctl/certs/web/cert.der", combined: "/etc/certctl/certs/web/haproxy.pem",
    });
  });

  it("password-env and empty-password are recorded as such; defaults.formats applies to every entry", () => {
    const text = WEB_FILE_HEAD.replace("  project:", "  formats: { p12: { password-env: P12_PASS } }\n  project:") + `  - name: api
    cn: api.example.com
    formats: { p12: { empty-password: true } }
`;
    const [web, api] = entries(text);
    expect(web!.params.formats).toEqual({ p12: { password: { env: "P12_PASS" } } });
    expect(api!.params.formats).toEqual({ p12: { password: { empty: true } } });
  });

  it("an entry without formats (or with der: false) records none", () => {
    expect(entries(WEB_FILE_HEAD)[0]!.params.formats).toBeUndefined();
    expect(entries(WEB_FILE_HEAD + "    formats: { der: false }\n")[0]!.params.formats).toBeUndefined();
  });

  it("an inline password is refused with where to put it instead, naming line, entry and field", () => {
    const error = problem(WEB_FILE_HEAD + `    formats:
      p12: { password: hunter2-secret }
`);
    expect(error.message).toBe("certctl.yaml:10: certificates[0] (web): formats.p12.password: a secret may not be written in the file; use password-file (a file whose first line is the password) or password-env (the name of an environment variable holding it)");
    expect(error.lines ?? []).toEqual([]);
    expect(error.message + (error.lines ?? []).join("")).not.toContain("hunter2");
    expect(problem(WEB_FILE_HEAD + `    formats:
      encrypted-key: { key-password: x }
`).message).toMatch(/^certctl.yaml:10: .*formats.encrypted-key.key-password: a secret may not be written in the file; use password-file/);
  });

  it("a p12 without a password source, or with two, says which fields give one", () => {
    expect(problem(WEB_FILE_HEAD + `    formats:
      p12: { legacy: true }
`).message).toBe("certctl.yaml:10: certificates[0] (web): formats.p12: needs its password from password-file, password-env or empty-password: true (never the password itself)");
    expect(problem(WEB_FILE_HEAD + `    formats:
      p12: { password-file: a, password-env: B }
`).message).toBe("certctl.yaml:10: certificates[0] (web): formats.p12: give only one of password-file, password-env or empty-password: true");
    expect(problem(WEB_FILE_HEAD + `    formats:
      encrypted-key: {}
`).message).toMatch(/formats.encrypted-key: needs its password from password-file or password-env/);
  });

  it("password-env must be a variable's name", () => {
    expect(problem(WEB_FILE_HEAD + `    formats:
      p12: { password-env: "not a name" }
`).message).toMatch(/^certctl.yaml:10: .*formats.p12.password-env: does not match/);
  });

  it("a path under files without its format is refused at that path", () => {
    expect(problem(WEB_FILE_HEAD + `    files:
      p12: web.p12
`).message).toBe("certctl.yaml:10: certificates[0] (web): files.p12: names where a PKCS#12 keystore goes, but formats.p12 is not set; add formats.p12 to write it");
  });

  it("a CSR entry cannot have key formats (no key on this host), in the file's words", () => {
    expect(problem(WEB_FILE_HEAD.replace("    cn: www.example.com\n", "") + `    key: { source: csr, csr: web.csr }
    formats:
      combined: true
`).message).toMatch(/^certctl.yaml:10: certificates\[0\] \(web\): formats.combined: .*key.csr/);
  });

  it("a certificate-id entry takes formats too (whether the server holds the key is known when it is fetched)", () => {
    const [fetched] = entries(`version: 1
certificates:
  - name: fetched
    certificate-id: 0d2f6c3e-0000-4000-8000-000000000001
    formats: { der: true, p12: { password-env: P12 } }
`);
    expect(fetched!.params.formats).toEqual({ p12: { password: { env: "P12" } }, der: {} });
    expect(fetched!.params.files).toMatchObject({ p12: "/etc/certctl/fetched/cert.p12", der: "/etc/certctl/fetched/cert.der" });
  });
});
