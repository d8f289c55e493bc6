// The Infisical agent's certificate-agent-config.yaml → certctl's file (infisical-api.md's mapping).
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/core/config/source.js";
import { fromSource } from "../../src/core/config/load.js";
import { isAgentConfig } from "../../src/core/config/agent.js";

const V1 = `version: v1
infisical:
  address: https://infisical.example.com
auth:
  type: universal-auth
  config: {client-id: ./id, client-secret: ./secret, remove-client-secret-on-read: true}
sinks: [{type: file, config: {path: /tmp/token}}]
certificates:
  - project-slug: shop
    profile-name: tls
    csr-path: csr/web.pem
    lifecycle: {renew-before-expiry: 720h, status-check-interval: 6h}
    post-hooks:
      on-issuance: {command: "echo issued"}
      on-renewal: {command: "echo renewed", timeout: 10}
    file-output:
      certificate: {path: out/web.crt, permission: "0640"}
      chain: {path: out/chain.crt, omit-root: false}
  - project-slug: shop
    profile-name: tls
    attributes: {common-name: "*.example.com"}
  - project-slug: shop
    profile-name: tls
    attributes: {common-name: "*.example.com"}
`;

const convert = (text: string) => fromSource(parseConfigText(text, "/srv/agent/certificate-agent-config.yaml"));

describe("agent config conversion", () => {
  it("maps every field the agent has, making relative paths absolute from the agent file", () => {
    const { file, agent } = convert(V1);
    expect(file.server).toEqual({ domain: "https://infisical.example.com" });
    expect(file.auth).toEqual({ method: "universal-auth", "client-id-file": "/srv/agent/id", "client-secret-file": "/srv/agent/secret" });
    expect(file.defaults).toEqual({ directory: "certctl.d" });
    expect(file.certificates[0]).toEqual({
      name: "web", profile: "tls", "project-slug": "shop", key: { source: "csr", csr: "/srv/agent/csr/web.pem" },
      "renew-before": "720h", "deploy-hook": "echo renewed", "hook-timeout": "10s",
      files: { cert: "/srv/agent/out/web.crt", chain: "/srv/agent/out/chain.crt" }, "remove-roots-from-chain": false,
    });
    expect(file.certificates.slice(1).map((c) => c.name)).toEqual(["wildcard.example.com", "wildcard.example.com-2"]);
    expect(agent?.notes).toEqual(expect.arrayContaining([
      "sinks: certctl writes no token files; left out",
      "auth.config.remove-client-secret-on-read: no certctl equivalent; left out",
      expect.stringContaining("web: on-issuance and on-renewal differ"),
      expect.stringContaining("web: file-output.certificate.permission 0640"),
      expect.stringContaining("lifecycle.status-check-interval"),
    ]));
  });

  it("is detected only with version v1/v2 and agent entries", () => {
    expect(isAgentConfig({ version: "v2", certificates: [{ "certificate-id": "x" }] })).toBe(true);
    expect(isAgentConfig({ version: 1, certificates: [{ name: "x" }] })).toBe(false);
    expect(isAgentConfig({ version: "v2", certificates: [{ name: "x" }] })).toBe(false);
  });

  it("refuses an entry with two forms or an inline CSR, naming the agent file's line", () => {
    const both = V1.replace("  - project-slug: shop\n    profile-name: tls\n    csr-path", "  - project-slug: shop\n    application-name: web\n    profile-name: tls\n    csr-path");
    expect(() => convert(both)).toThrow(/^certificate-agent-config\.yaml:9: certificates\[0\]: expected exactly one of certificate-id, application-name/);
    const inline = V1.replace("csr-path: csr/web.pem", "csr: \"-----BEGIN CERTIFICATE REQUEST-----\"");
    expect(() => convert(inline)).toThrow(/^certificate-agent-config\.yaml:11: certificates\[0\]: csr: an inline CSR is not read/);
  });
});
