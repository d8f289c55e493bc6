// Error bodies → typed errors, and redaction of anything echoed, on fixed vectors.
import { describe, expect, it } from "vitest";
import { errorForResponse, issueLines, redact } from "../../src/api/errors.js";
import { AuthError, RefusedError, UnavailableError } from "../../src/model/errors.js";

const ctx = { host: "example.test", operation: "POST /v1/cert-manager/certificates", attempts: 1, secrets: ["s3cr3t-value"] };

describe("redact", () => {
  it.each([
    ["a -----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY----- b", "a [private key redacted] b"],
    ["-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----", "[private key redacted]"],
    ["truncated -----BEGIN RSA PRIVATE KEY-----\nMIIE", "truncated [private key redacted]"],
    ["Authorization: Bearer eyJhbGciOi.abc.def", "Authorization: Bearer [redacted]"],
    ["secret is s3cr3t-value!", "secret is [redacted]!"],
    ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],
  ])("%j", (input, expected) => {
    expect(redact(input, ["s3cr3t-value", undefined, "abc"])).toBe(expected);
  });
});

describe("issueLines", () => {
  it("joins the path with dots, keeps the message verbatim", () => {
    expect(issueLines([
      { code: "too_big", message: "String must contain at most 100 character(s)", path: ["attributes", "commonName"] },
      { message: "Invalid", path: ["attributes", "altNames", 0, "value"] },
      { message: "no path" },
      "a bare string",
    ])).toEqual([
      "attributes.commonName: String must contain at most 100 character(s)",
      "attributes.altNames.0.value: Invalid",
      "no path",
      "a bare string",
    ]);
  });

  // Regression (issue 13 item 9): JSON.stringify of a 422 issue nested 100,000 levels deep
  // overflowed the stack, an internal error (exit 1) instead of the server's refusal (exit 4).
  const body = (statusCode: number, error: string, message: unknown) => ({ statusCode, error, message });
  it("a 422 nested 100,000 levels deep is a refusal with a bounded line, not a stack overflow", () => {
    const depth = 100_000;
    const nested = JSON.parse("[".repeat(depth) + '"x"' + "]".repeat(depth)) as unknown;
    const mapped = errorForResponse({ status: 422, body: body(422, "ValidationFailure", [nested]), contentType: "application/json" }, ctx);
    expect(mapped).toBeInstanceOf(RefusedError);
    expect(mapped.lines).toEqual(["[[[[…]]]]"]);
  });

  it("lists at most 20 issues and counts the rest", () => {
    const lines = issueLines(Array.from({ length: 25 }, (_, i) => ({ message: `issue ${i}`, path: ["f"] })));
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe("(5 more issues)");
  });
});

describe("errorForResponse", () => {
  const body = (statusCode: number, error: string, message: unknown) => ({ statusCode, error, message });
  it.each([
    [400, "BadRequest", RefusedError],
    [401, "UnauthorizedError", AuthError],
    [403, "TokenError", AuthError],
    [403, "PermissionDenied", AuthError],
    [404, "NotFound", RefusedError],
    [409, "Conflict", RefusedError],
    [422, "ValidationFailure", RefusedError],
    [500, "InternalServerError", UnavailableError],
    [503, "ServiceUnavailable", UnavailableError],
  ] as const)("%i %s", (status, error, type) => {
    const mapped = errorForResponse({ status, body: body(status, error, "msg"), contentType: "application/json" }, ctx);
    expect(mapped).toBeInstanceOf(type);
    if (mapped instanceof RefusedError) expect(mapped.status).toBe(status);
  });

  it("a non-JSON error body says what it was instead of echoing it", () => {
    const mapped = errorForResponse({ status: 404, body: undefined, contentType: "text/html; charset=utf-8" }, ctx);
    expect(mapped.message).toBe("example.test refused POST /v1/cert-manager/certificates (HTTP 404): a text/html body, not an Infisical API answer");
  });
});
