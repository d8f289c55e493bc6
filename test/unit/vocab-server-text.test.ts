// Issue 13 items 5 and 6: one path for every piece of server text (serverText) that redacts
// secrets and escapes terminal control characters, and certificate contents shown by inspect
// escaped the same way. Hostile strings as a misbehaving server or certificate maker would send.
import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { describeBody, errorForResponse, optionalServerText, serverText } from "../../src/api/errors.js";
import { escapeControls, escapeControlsOneLine } from "../../src/util/terminal.js";
import { renderInspect } from "../../src/ui/inspect.js";
import type { CertificatesDocument } from "../../src/core/inspect/inspect.js";

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWNoaW5lIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
const ctx = { host: "ca.test", operation: "POST /v1/cert-manager/certificates", attempts: 1, secrets: ["client-secret-123"] };

describe("escapeControls", () => {
  it.each([
    ["\u001b[2J\u001b[H", "\\x1b[2J\\x1b[H"], // CSI: clear the screen
    ["\u001b]0;owned\u0007", "\\x1b]0;owned\\x07"], // OSC: retitle the window
    ["\u001b]8;;https://evil.test\u001b\\link", "\\x1b]8;;https://evil.test\\x1b\\link"], // OSC 8 hyperlink
    ["\u009b31m", "\\x9b31m"], // C1 CSI
    ["\u0085\u008d", "\\x85\\x8d"], // C1 NEL, RI
    ["ok\rFAKE", "ok\\x0dFAKE"], // carriage return overwriting the line
    ["a\u202eb", "a\\u{202e}b"], // bidi override
    ["naïve café ✓ 日本", "naïve café ✓ 日本"], // ordinary text is untouched
  ])("%j", (input, expected) => expect(escapeControls(input)).toBe(expected));

  it("keeps newlines and tabs in text, escapes them in one-line fields", () => {
    expect(escapeControls("a\n\tb")).toBe("a\n\tb");
    expect(escapeControlsOneLine("a\n\tb")).toBe("a\\n\\tb");
  });
});

describe("serverText: redaction and escaping in one step", () => {
  it.each([
    [`Bearer ${JWT}`, "Bearer [redacted]"],
    [`token=${JWT} expired`, "token=[token redacted] expired"],
    [`here is your key: ${KEY}`, "here is your key: [private key redacted]"],
    ["secret client-secret-123 echoed", "secret [redacted] echoed"],
    ["Waiting for approval\u001b[8m hidden", "Waiting for approval\\x1b[8m hidden"],
    ["line one\ncertctl: renewed OK", "line one\\ncertctl: renewed OK"],
  ])("%j", (input, expected) => {
    expect(serverText(input, ["client-secret-123"])).toBe(expected);
  });

  it("an absent or non-string field stays null", () => {
    expect(optionalServerText(undefined)).toBeNull();
    expect(optionalServerText(42)).toBeNull();
    expect(optionalServerText("\u009b2J")).toBe("\\x9b2J");
  });

  it.each([400, 401, 403, 404, 422, 500])("an error body's message, error and 422 lines are made safe (HTTP %i)", (status) => {
    const body = {
      statusCode: status,
      error: "Bad\u001b[31mRequest",
      message: status === 422 ? [{ message: `bad \u009b2J ${JWT}`, path: ["csr"] }] : `refused \u001b]0;x\u0007 ${KEY}`,
    };
    const error = errorForResponse({ status, body, contentType: "application/json" }, ctx);
    const text = [error.message, ...error.lines].join("\n");
    expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(text).not.toContain(JWT);
    expect(text).not.toContain("MIGHAgEA");
    expect(describeBody({ status, body, contentType: undefined }, []).lines.join("")).not.toMatch(/[\u001b\u009b]/);
  });

  it("a non-JSON answer's content type is the server's text too", () => {
    const error = errorForResponse({ status: 502, body: undefined, contentType: "text/html\u001b]0;x\u0007" }, ctx);
    expect(error.message).not.toMatch(/[\u001b\u0007]/);
  });
});

describe("inspect shows certificate contents escaped (stdout)", () => {
  it("subject, issuer and SANs with control characters", () => {
    const cert = {
      index: 0, subject: "CN=evil\u001b[2J\u009b31m", issuer: "CN=ca\u001b]0;t\u0007", serialNumber: "01",
      notBefore: "2026-01-01T00:00:00.000Z", notAfter: "2026-12-30T05:47:24.000Z", lifetimeSeconds: 1, secondsLeft: 1, validity: "valid",
      subjectAltNames: { dns_name: [], ip_address: [], email: [], uri: [], other: [] },
      altNames: ["DNS:a\u001b[1Ab.example", "URI:https://x.test/\u009b"],
      publicKey: { type: "EC", bits: 256, sha256: "AA" }, signatureAlgorithm: "ECDSA-SHA256", keyUsages: [], extendedKeyUsages: [],
      basicConstraints: null, selfSigned: false, fingerprints: { sha256: "AA", sha1: "BB" }, linksToNext: null,
    } as const;
    const doc: CertificatesDocument = { kind: "certificate", format: "pem", skippedBlocks: [], chainLinked: true, certificates: [{ ...cert, altNames: [...cert.altNames] }] as never };
    const text = renderInspect(doc, new Chalk({ level: 0 })).join("\n");
    expect(text).not.toMatch(/[\u001b\u0007\u009b]/);
    expect(text).toContain("CN=evil\\x1b[2J\\x9b31m");
    expect(text).toContain("DNS:a\\x1b[1Ab.example");
    expect(text).toContain("Not after:          2026-12-30 05:47:24 UTC");
  });
});
