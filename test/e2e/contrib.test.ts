// The shipped units, cron file and Kubernetes example are checked by real validators, and the
// certctl command line each one runs is one certctl accepts.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN } from "../helpers/cli.js";
import { needs } from "../helpers/needs.js";

const CONTRIB = fileURLToPath(new URL("../../contrib/", import.meta.url));
const SYSTEMD = needs("systemd-analyze");
const UNITS = ["certctl-renew.service", "certctl-renew.timer", "certctl-agent.service"];

/** The unit with ExecStart pointing at this checkout's bin/certctl.js (verify checks the binary exists). */
function localCopy(dir: string, name: string): string {
  const text = readFileSync(join(CONTRIB, "systemd", name), "utf8").replaceAll("/usr/local/bin/certctl", BIN);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("contrib/systemd", () => {
  it.skipIf(SYSTEMD.missing)(`systemd-analyze verify accepts every unit${SYSTEMD.why}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "certctl-units-"));
    const paths = UNITS.map((name) => localCopy(dir, name));
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", ...paths], { encoding: "utf8", env: { ...process.env, SYSTEMD_LOG_LEVEL: "warning" } });
    // Lines about units certctl does not ship (the host's own) are not ours to judge.
    const ours = result.stderr.split("\n").filter((line) => line.includes("certctl"));
    expect(ours).toEqual([]);
    expect(result.status).toBe(0);
  });

  it("the timer spreads hosts and catches up after downtime; the services are hardened", () => {
    const timer = readFileSync(join(CONTRIB, "systemd/certctl-renew.timer"), "utf8");
    expect(timer).toMatch(/^RandomizedDelaySec=\S+/m);
    expect(timer).toMatch(/^Persistent=true/m);
    for (const name of ["certctl-renew.service", "certctl-agent.service"]) {
      const unit = readFileSync(join(CONTRIB, "systemd", name), "utf8");
      expect(unit).toMatch(/^ProtectSystem=strict/m);
      expect(unit).toMatch(/^ReadWritePaths=\/etc\/certctl\/certs/m);
      expect(unit).toMatch(/^NoNewPrivileges=yes/m);
      expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    }
  });

  it.skipIf(SYSTEMD.missing)(`a broken unit is caught (the validator really runs)${SYSTEMD.why}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "certctl-units-"));
    const path = join(dir, "certctl-renew.service");
    copyFileSync(join(CONTRIB, "systemd/certctl-renew.service"), path);
    writeFileSync(path, readFileSync(path, "utf8").replace("Type=oneshot", "Type=oneshoot"));
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", path], { encoding: "utf8" });
    expect(result.stderr).toMatch(/oneshoot/);
  });
});

describe("contrib/cron and contrib/kubernetes", () => {
  it("the cron line has five time fields, a user and a certctl renew command", () => {
    const lines = readFileSync(join(CONTRIB, "cron/certctl"), "utf8").split("\n").filter((l) => l && !l.startsWith("#") && !l.includes("="));
    expect(lines).toHaveLength(1);
    const fields = lines[0]!.split(/\s+/);
    expect(fields[5]).toBe("root");
    expect(lines[0]).toMatch(/certctl renew --quiet --random-delay \S+ \/etc\/certctl\/certs$/);
  });

  it("the CronJob is a batch/v1 CronJob that logs in with a projected service-account token", () => {
    const doc = parse(readFileSync(join(CONTRIB, "kubernetes/cronjob.yaml"), "utf8")) as Record<string, any>;
    expect(doc.apiVersion).toBe("batch/v1");
    expect(doc.kind).toBe("CronJob");
    const pod = doc.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(container.args.slice(0, 1)).toEqual(["renew"]);
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env.INFISICAL_AUTH_METHOD).toBe("kubernetes");
    const tokenMount = container.volumeMounts.find((m: { name: string }) => m.name === "infisical-token");
    expect(env.INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH.startsWith(tokenMount.mountPath)).toBe(true);
    expect(pod.volumes.find((v: { name: string }) => v.name === "infisical-token").projected.sources[0].serviceAccountToken.audience).toBeTruthy();
  });
});
