// The Prometheus textfile: metricsText held to the exposition format by a strict reader
// (test/helpers/prom.ts) and, when it is installed, by Prometheus's own `promtool check metrics`.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { escapeLabel, metricsText } from "../../src/core/fleet/metrics.js";
import type { DirectoryState } from "../../src/core/fleet/state.js";
import { parseExposition, sampleOf } from "../helpers/prom.js";
import { needs } from "../helpers/needs.js";

const NOW = new Date("2026-11-30T12:00:00Z");

const STATES: DirectoryState[] = [
  {
    input: "certs/web", dir: "/etc/certctl/certs/web", name: "web", state: "ok",
    notAfter: "2027-01-29T12:00:00.000Z", secondsLeft: 60 * 86_400, lastRenewal: "2026-11-30T11:00:00.000Z",
    profile: "web-server", server: "https://infisical.example.com", serialNumber: "0a1b",
  },
  {
    // Every character the format escapes, in a directory name.
    input: "odd", dir: '/srv/we"b\\x\ny', name: 'we"b\\x\ny', state: "expired",
    notAfter: "2026-11-29T12:00:00.000Z", secondsLeft: -86_400, lastRenewal: "2026-10-30T12:00:00.000Z",
    lastFailure: { time: "2026-11-30T03:00:00.000Z", exitCode: 6, message: "server unavailable" },
  },
  { input: "new", dir: "/etc/certctl/certs/new", name: "new", state: "pending", pendingRequestId: "r-1" },
];

describe("metricsText", () => {
  const text = metricsText(STATES, NOW);
  const prom = parseExposition(text);

  it("every family has HELP and TYPE gauge once, before its samples, and its samples together", () => {
    const families = [...prom.type.keys()];
    expect(families).toEqual([
      "certctl_certificate_info", "certctl_certificate_not_after_timestamp_seconds", "certctl_certificate_seconds_left",
      "certctl_certificate_state", "certctl_certificate_last_renewal_timestamp_seconds",
      "certctl_certificate_last_failure_timestamp_seconds", "certctl_check_timestamp_seconds",
    ]);
    for (const family of families) {
      expect(prom.type.get(family)).toBe("gauge");
      expect(text.split("\n").filter((line) => line.startsWith(`# HELP ${family} `))).toHaveLength(1);
    }
  });

  it("label values escape backslash, double quote and line feed, and read back as they were", () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(text).toContain('dir="/srv/we\\"b\\\\x\\ny"');
    const odd = { dir: '/srv/we"b\\x\ny', name: 'we"b\\x\ny' };
    expect(sampleOf(prom, "certctl_certificate_seconds_left", odd)?.value).toBe(-86_400);
  });

  it("values: Unix times in seconds, one-hot states, 0 for no failure, no expiry series without a certificate", () => {
    const web = { name: "web" };
    expect(sampleOf(prom, "certctl_certificate_not_after_timestamp_seconds", web)?.value).toBe(Date.parse("2027-01-29T12:00:00Z") / 1000);
    expect(sampleOf(prom, "certctl_certificate_last_renewal_timestamp_seconds", web)?.value).toBe(Date.parse("2026-11-30T11:00:00Z") / 1000);
    expect(sampleOf(prom, "certctl_certificate_last_failure_timestamp_seconds", web)?.value).toBe(0);
    expect(sampleOf(prom, "certctl_certificate_last_failure_timestamp_seconds", { name: 'we"b\\x\ny' })?.value).toBe(Date.parse("2026-11-30T03:00:00Z") / 1000);
    expect(sampleOf(prom, "certctl_certificate_info", web)?.labels).toMatchObject({ profile: "web-server", server: "https://infisical.example.com", serial: "0a1b" });
    const pendingStates = prom.samples.filter((s) => s.name === "certctl_certificate_state" && s.labels.name === "new");
    expect(pendingStates).toHaveLength(6);
    expect(pendingStates.filter((s) => s.value === 1).map((s) => s.labels.state)).toEqual(["pending"]);
    expect(sampleOf(prom, "certctl_certificate_not_after_timestamp_seconds", { name: "new" })).toBeUndefined();
    expect(sampleOf(prom, "certctl_certificate_seconds_left", { name: "new" })).toBeUndefined();
    expect(prom.samples.find((s) => s.name === "certctl_check_timestamp_seconds")).toEqual({ name: "certctl_check_timestamp_seconds", labels: {}, value: NOW.getTime() / 1000 });
  });

  const PROMTOOL = needs("promtool");
  it.skipIf(PROMTOOL.missing)(`promtool check metrics accepts the file${PROMTOOL.why}`, () => {
    const res = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(res.stderr + res.stdout).toBe("");
    expect(res.status).toBe(0);
  });
});

describe("the exposition reader the tests rely on refuses what node_exporter would", () => {
  it.each([
    ["an unescaped quote", '# TYPE x gauge\nx{a="b"c"} 1\n'],
    ["an unknown escape", '# TYPE x gauge\nx{a="b\\qc"} 1\n'],
    ["a second TYPE", "# TYPE x gauge\n# TYPE x gauge\nx 1\n"],
    ["a second HELP", "# HELP x a\n# HELP x b\nx 1\n"],
    ["a family split by another", "# TYPE x gauge\nx{a=\"1\"} 1\ny 2\nx{a=\"2\"} 1\n"],
    ["a duplicate sample", 'x{a="1"} 1\nx{a="1"} 2\n'],
    ["a value that is not a number", "x one\n"],
    ["no final line feed", "x 1"],
  ])("%s", (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
