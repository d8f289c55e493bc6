import { describe, expect, it } from "vitest";
import { apiUrlFromDomain, isLoopbackHost, resolveConnection, requireCredentials } from "../../src/cli/connection.js";
import { UsageError } from "../../src/model/errors.js";

describe("apiUrlFromDomain", () => {
  it.each([
    ["https://app.infisical.com", "https://app.infisical.com/api"],
    ["https://app.infisical.com/", "https://app.infisical.com/api"],
    ["https://app.infisical.com/api", "https://app.infisical.com/api"],
    ["https://app.infisical.com/api/", "https://app.infisical.com/api"],
    ["https://infisical.corp:8443/infisical", "https://infisical.corp:8443/infisical/api"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/api"],
    ["http://localhost:8080/api", "http://localhost:8080/api"],
    ["http://[::1]:8080", "http://[::1]:8080/api"],
  ])("%s → %s", (domain, expected) => {
    expect(apiUrlFromDomain(domain, false)).toBe(expected);
  });

  it.each(["not a url", "ftp://x.example", "https://x.example/?q=1", "https://user:pw@x.example"])(
    "refuses %s naming --domain",
    (domain) => {
      expect(() => apiUrlFromDomain(domain, false)).toThrowError(/--domain/);
    },
  );

  it("refuses plain http to a remote host unless --insecure-http", () => {
    expect(() => apiUrlFromDomain("http://infisical.example.com", false)).toThrowError(UsageError);
    expect(apiUrlFromDomain("http://infisical.example.com", true)).toBe("http://infisical.example.com/api");
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true], ["127.1.2.3", true], ["localhost", true], ["[::1]", true],
    ["10.0.0.1", false], ["example.com", false], ["128.0.0.1", false],
  ])("%s → %s", (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});

describe("resolveConnection", () => {
  const globals = { timeout: "30s", retries: "3", color: true };
  it("takes the flag over INFISICAL_DOMAIN over INFISICAL_API_URL", async () => {
    const env = { INFISICAL_DOMAIN: "https://a.example", INFISICAL_API_URL: "https://b.example" };
    expect((await resolveConnection(globals, env)).apiUrl).toBe("https://a.example/api");
    expect((await resolveConnection(globals, { INFISICAL_API_URL: "https://b.example" })).apiUrl).toBe("https://b.example/api");
    expect((await resolveConnection({ ...globals, domain: "https://c.example" }, env)).apiUrl).toBe("https://c.example/api");
  });

  it("reads the token from INFISICAL_TOKEN before INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN", async () => {
    const env = { INFISICAL_TOKEN: "t1", INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN: "t2" };
    expect((await resolveConnection(globals, env)).credentials.token).toBe("t1");
  });

  it("refuses a bad --timeout and --retries", async () => {
    await expect(resolveConnection({ ...globals, timeout: "soon" }, {})).rejects.toThrowError(/--timeout/);
    await expect(resolveConnection({ ...globals, retries: "-1" }, {})).rejects.toThrowError(/--retries/);
  });

  it("requires a way to authenticate", () => {
    expect(() => requireCredentials({})).toThrowError(/no credentials/);
    expect(() => requireCredentials({ clientId: "x" })).toThrowError(/client secret/);
    expect(() => requireCredentials({ token: "t" })).not.toThrow();
  });
});
