// The issue summary shows what the CA put in the certificate (subject, SANs): escaped like any
// server text (issue 13 item 6), and dates in the one human format (model/date.ts).
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { issueSummary } from "../../src/ui/issue.js";
import type { IssueResult } from "../../src/core/request/record.js";

const result: IssueResult = {
  status: "issued", certificateId: "c1", certificateRequestId: "r1", serialNumber: "01",
  subject: "CN=evil\u001b]0;owned\u0007.example.com", altNames: ["DNS:a\u009b2J.example.com"],
  notBefore: "2030-01-01T00:00:00.000Z", notAfter: "2030-01-31T00:00:00.000Z", mode: "local-key",
  files: { cert: "/d/cert.pem", chain: "/d/chain.pem", fullchain: "/d/fullchain.pem" }, metadataFile: "/d/certctl.json",
};

describe("issueSummary", () => {
  it("escapes control characters in the subject and SANs, and prints not-after as a human UTC date", () => {
    const text = issueSummary(result, new Chalk({ level: 0 }), Date.parse("2030-01-01T00:00:00Z")).join("\n");
    expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(text).toContain("evil");
    expect(text).toContain("not after    2030-01-31 00:00:00 UTC");
  });
});

describe("key type wording", () => {
  it("an ed25519 key, a dsa key: the article follows the sound", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { keyAlgorithmOf } = await import("../../src/core/crypto/keys.js");
    expect(() => keyAlgorithmOf(generateKeyPairSync("ed25519").publicKey, "the key")).toThrow("the key is an ed25519 key;");
  });
});
