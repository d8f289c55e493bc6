// The dev server's reading of issue bodies, on fixed vectors: the published spec (422 issues
// shaped like the real server's) and the ttl rules observed on a real Infisical backend.
import { describe, expect, it } from "vitest";
import { readTtl, validateIssueBody } from "../../src/devserver/validate.js";

const PROFILE = "0b8f4f2e-8c1a-4c47-9a43-6e1f2b3c4d5e";

describe("validateIssueBody", () => {
  it("accepts a spec-conformant body and drops unknown fields instead of refusing them", () => {
    const body = { profileId: PROFILE, attributes: { commonName: "a.example.com", ttl: "30d", colour: "teal" }, extra: 1 };
    expect(validateIssueBody(body)).toEqual([]);
    expect(body).toEqual({ profileId: PROFILE, attributes: { commonName: "a.example.com", ttl: "30d" }, removeRootsFromChain: false });
  });

  it.each([
    [{}, [{ code: "invalid_type", message: "Required", path: ["profileId"] }]],
    [{ profileId: "default" }, [{ code: "invalid_string", message: "Invalid uuid", path: ["profileId"] }]],
    [{ profileId: PROFILE, csr: "" }, [{ code: "too_small", message: "Must be at least 1 character(s)", path: ["csr"] }]],
    [{ profileId: PROFILE, attributes: { altNames: [{ type: "upn", value: "x" }] } }, [expect.objectContaining({ code: "invalid_enum_value", path: ["attributes", "altNames", 0, "type"] })]],
    [{ profileId: PROFILE, attributes: { basicConstraints: { isCA: true, pathLength: -1 } } }, [expect.objectContaining({ code: "too_small", path: ["attributes", "basicConstraints", "pathLength"] })]],
    [{ profileId: PROFILE, removeRootsFromChain: 1 }, [{ code: "invalid_union", message: "Invalid input", path: ["removeRootsFromChain"] }]],
    [{ profileId: PROFILE, attributes: { ttl: "1d", notAfter: "2030-01-01T00:00:00Z" } }, [expect.objectContaining({ path: ["attributes"] })]],
    [{ profileId: PROFILE, attributes: { notBefore: "2030-01-02", notAfter: "2030-01-01" } }, [expect.objectContaining({ path: ["attributes"] })]],
    [{ profileId: PROFILE, attributes: { notBefore: "yesterday" } }, [expect.objectContaining({ code: "invalid_string", path: ["attributes", "notBefore"] })]],
  ])("%j → %j", (body, issues) => {
    expect(validateIssueBody(body)).toEqual(issues);
  });

  it.each(["P30D", "0", "-1d", "30x", "101y"])("ttl %j is a 422", (ttl) => {
    expect(validateIssueBody({ profileId: PROFILE, attributes: { ttl } })).toHaveLength(1);
  });

  it.each(["1w", "2 days", "1.5d", "30D", "30"])("ttl %j passes the schema (the real server then fails with a 500)", (ttl) => {
    expect(validateIssueBody({ profileId: PROFILE, attributes: { ttl } })).toEqual([]);
    expect(readTtl(ttl)).toEqual({ ok: false });
  });
});

describe("readTtl", () => {
  it.each([
    ["30d", 30 * 86_400_000, 30 * 86_400_000],
    ["24h", 86_400_000, 86_400_000],
    // m: minutes to the issuer, months (30 days) to the policy check.
    ["5m", 5 * 60_000, 150 * 86_400_000],
  ])("%s", (ttl, issueMs, policyMs) => {
    expect(readTtl(ttl)).toEqual({ ok: true, issueMs, policyMs });
  });
});
