// The declarative file: read with lines, checked against the published schema, every README
// example valid, and every problem named by line, entry and field with nothing sent.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { looksLikeSecret } from "../../src/core/config/validate.js";
import { buildEntries } from "../../src/cli/apply/entries.js";
import { PROJECT, WEB_FILE_HEAD, accounts, loadText as load, problemOf as problem } from "../helpers/config-file.js";

const GOOD = `${WEB_FILE_HEAD}    dns: [www.example.com, example.com]
  - name: api
    cn: api.example.com
    dns:
      - api.example.com
      - bad..name
`;

describe("README examples", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Declarative file (apply)"), readme.indexOf("## Inspecting certificates"));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it("has the agent's file and certctl's side by side, and each one loads", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    for (const block of blocks) {
      const loaded = load(block);
      const entries = buildEntries(loaded.file, loaded.source, new Date(), accounts);
      expect(entries.length).toBe(loaded.file.certificates.length);
    }
  });

  it("the agent example converts to the certctl example shown beside it", () => {
    const agent = load(blocks[0]!, "certificate-agent-config.yaml");
    const certctl = load(blocks[1]!);
    expect(agent.agent).toBeDefined();
    const strip = (file: typeof agent.file) => ({ ...file, defaults: undefined });
    expect(strip(agent.file)).toEqual(strip(certctl.file));
  });
});

describe("errors name the line, the entry and the field", () => {
  it("a bad DNS name from the issue flags' own check", () => {
    const error = problem(GOOD);
    expect(error.message).toMatch(/^certctl\.yaml:14: certificates\[1\] \(api\): dns\[1\]: invalid value 'bad\.\.name'; expected a DNS name/);
  });

  it("a schema violation: unknown field, wrong type, missing name", () => {
    expect(problem(GOOD.replace("    cn: www.example.com", "    cn: www.example.com\n    sans: [x]")).message)
      .toBe("certctl.yaml:9: certificates[0] (web): sans: unknown field 'sans'; see the schema for the fields an entry takes (the issue flags' words, kebab-case)");
    expect(problem(GOOD.replace("dns: [www.example.com, example.com]", "dns: www.example.com")).message)
      .toBe("certctl.yaml:9: certificates[0] (web): dns: must be array");
    expect(problem(GOOD.replace("  - name: web\n    cn:", "  - cn:")).message).toMatch(/^certctl\.yaml:7: certificates\[0\]: missing required field 'name'/);
    expect(problem(GOOD.replace("version: 1", "version: 2")).message).toBe("certctl.yaml:1: version: expected 1");
  });

  it("a field given in defaults says so", () => {
    const error = problem(GOOD.replace("  profile: web-server", "  profile: web-server\n  ttl: 3 fortnights").replace("      - bad..name\n", ""));
    expect(error.message).toMatch(/^certctl\.yaml:5: certificates\[0\] \(web\): defaults\.ttl: invalid value '3 fortnights'.*\(from defaults\)$/);
  });

  it("a rule spanning fields points at the entry, in the file's words", () => {
    const error = problem(`version: 1\ncertificates:\n  - name: empty\n    profile: ${PROJECT}\n`);
    expect(error.message).toBe("certctl.yaml:3: certificates[0] (empty): nothing to certify: give cn or at least one SAN (dns, ip, email, uri, san)");
  });

  it("duplicate names and YAML syntax errors", () => {
    expect(problem(GOOD.replace("name: api", "name: web")).message).toMatch(/^certctl\.yaml:10: certificates\[1\] \(web\): name: 'web' is also the name of certificates\[0\]/);
    expect(problem("version: 1\ncertificates: [\n").message).toMatch(/^certctl\.yaml:\d+: not valid YAML or JSON/);
  });

  it("JSON files get lines too", () => {
    const json = JSON.stringify({ version: 1, certificates: [{ name: "a", profile: "p", project: PROJECT, cn: "a.example.com", ip: ["300.1.1.1"] }] }, null, 2);
    expect(problem(json, "certctl.json").message).toMatch(/^certctl\.json:\d+: certificates\[0\] \(a\): ip\[0\]: invalid value '300\.1\.1\.1'/);
  });
});

describe("secrets only by file or environment", () => {
  it("refuses an inline client-secret or token, naming the field and what to use", () => {
    const error = problem(`version: 1\nauth:\n  client-id: abc\n  client-secret: hunter2\ncertificates: [{name: a, profile: ${PROJECT}, cn: a.example.com}]\n`);
    expect(error.message).toBe("certctl.yaml:4: auth.client-secret: a secret may not be written in the file; use client-secret-file (or INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET)");
    expect(error.message).not.toContain("hunter2");
    expect(problem(`version: 1\nauth: {token: x}\ncertificates: [{name: a, profile: ${PROJECT}, cn: a.example.com}]\n`).message).toMatch(/auth\.token: a secret may not be written/);
  });

  it("refuses a *-file value that is the secret itself", () => {
    const secret = "066ea07199a22dce1b285d1eba27b975b31af547e1e4e9f1b0c07adb547036ca";
    const error = problem(`version: 1\nauth:\n  client-secret-file: ${secret}\ncertificates: [{name: a, profile: ${PROJECT}, cn: a.example.com}]\n`);
    expect(error.message).toMatch(/^certctl\.yaml:3: auth\.client-secret-file: this looks like the secret itself/);
    expect(error.message).not.toContain(secret);
    expect(looksLikeSecret("/etc/certctl/client-secret")).toBe(false);
    expect(looksLikeSecret("infisical_universal_auth_client_secret_file")).toBe(false);
    expect(looksLikeSecret("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe(true);
  });
});

describe("entries become the issue command's params", () => {
  it("defaults, dir and files resolve from the file's directory", () => {
    const loaded = load(GOOD.replace("      - bad..name\n", ""));
    const [web] = buildEntries(loaded.file, loaded.source, new Date(), accounts);
    expect(web!.dir).toBe("/etc/certctl/certs/web");
    expect(web!.params.files.cert).toBe("/etc/certctl/certs/web/cert.pem");
    expect(web!.params.profile).toBe("web-server");
    expect(web!.params.projectId).toBe(PROJECT);
    expect(web!.params.attributes.altNames?.map((n) => n.value)).toEqual(["www.example.com", "example.com"]);
    expect(web!.renewBefore).toEqual({ kind: "default" });
  });
});
