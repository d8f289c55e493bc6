// The retry policy on fixed inputs: which failures are retried for idempotent and
// non-idempotent calls, backoff bounds, and the parsing of server-requested waits.
import { describe, expect, it } from "vitest";
import { backoffDelay, decideRetry, parseRetryAfter, parseTryAgainText, type Failure, type RetryPolicy } from "../../src/api/retry.js";

const policy: RetryPolicy = { maxAttempts: 4, baseMs: 500, capMs: 30_000, maxRetryAfterMs: 120_000, random: () => 0.5 };
const status = (s: number, retryAfterMs?: number): Failure =>
  retryAfterMs === undefined ? { kind: "status", status: s } : { kind: "status", status: s, retryAfterMs };
const net = (code: string, connectPhase: boolean): Failure => ({ kind: "network", code, connectPhase });

describe("decideRetry", () => {
  const table: Array<[string, Failure, boolean, boolean]> = [
    // name, failure, retried for GET, retried for the issue call
    ["429", status(429), true, true],
    ["503", status(503), true, true],
    ["502", status(502), true, false],
    ["504", status(504), true, false],
    ["500", status(500), false, false],
    ["400", status(400), false, false],
    ["401", status(401), false, false],
    ["404", status(404), false, false],
    ["422", status(422), false, false],
    ["ECONNREFUSED", net("ECONNREFUSED", true), true, true],
    ["ENOTFOUND", net("ENOTFOUND", true), true, true],
    ["EAI_AGAIN", net("EAI_AGAIN", true), true, true],
    ["connect timeout", net("UND_ERR_CONNECT_TIMEOUT", true), true, true],
    ["reset after send", net("ECONNRESET", false), true, false],
    ["socket closed", net("UND_ERR_SOCKET", false), true, false],
    ["headers timeout", net("UND_ERR_HEADERS_TIMEOUT", false), true, false],
    ["attempt deadline", net("TIMEOUT", false), true, false],
    ["TLS self-signed", net("DEPTH_ZERO_SELF_SIGNED_CERT", false), false, false],
  ];
  it.each(table)("%s: GET retried=%s, issue retried=%s", (_name, failure, get, issue) => {
    expect(decideRetry(failure, 1, true, policy).retry).toBe(get);
    expect(decideRetry(failure, 1, false, policy).retry).toBe(issue);
  });

  it("stops after maxAttempts", () => {
    expect(decideRetry(status(503), 3, true, policy).retry).toBe(true);
    expect(decideRetry(status(503), 4, true, policy).retry).toBe(false);
  });

  it("uses the server's wait, refuses one that is too long or passes the deadline", () => {
    expect(decideRetry(status(429, 1000), 1, true, policy)).toMatchObject({ retry: true, delayMs: 1000 });
    expect(decideRetry(status(429, 600_000), 1, true, policy).retry).toBe(false);
    expect(decideRetry(status(429, 5000), 1, true, policy, 4000).retry).toBe(false);
  });
});

describe("backoffDelay (full jitter)", () => {
  it("is uniform below min(cap, base·2^(n-1))", () => {
    expect(backoffDelay(1, { ...policy, random: () => 0.999 })).toBe(499);
    expect(backoffDelay(3, { ...policy, random: () => 0.5 })).toBe(1000);
    expect(backoffDelay(20, { ...policy, random: () => 0.999 })).toBe(29_970);
    expect(backoffDelay(2, { ...policy, random: () => 0 })).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    ["1", 1000],
    [" 30 ", 30_000],
    ["Thu, 01 Jan 2026 00:00:10 GMT", 10_000],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["soon", undefined],
    ["-1", undefined],
    ["1.5", undefined],
  ])("%j → %s", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
  it("undefined header", () => expect(parseRetryAfter(undefined)).toBeUndefined());
});

describe("parseTryAgainText", () => {
  it.each([
    ["Rate limit exceeded. Please try again in 12 seconds", 12_000],
    ["Rate limit exceeded. Please try again in 1 seconds", 1000],
    ["try again in 1 second", 1000],
    ["Please try again in 2 minutes", 120_000],
    ["Please try again in 500ms", 500],
    ["Rate limit exceeded", undefined],
    [undefined, undefined],
  ])("%j → %s", (text, expected) => {
    expect(parseTryAgainText(text)).toBe(expected);
  });
});
