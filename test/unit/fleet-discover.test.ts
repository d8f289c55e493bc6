// discoverDirectories: which directories a fleet command acts on (DESIGN-ops.md), on real temp dirs.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { discoverDirectories, throwFirstProblem } from "../../src/core/fleet/discover.js";

let root: string;

function managed(...parts: string[]): string {
  const dir = join(root, ...parts);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "certctl.json"), "{}");
  return dir;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "certctl-discover-"));
});

describe("discoverDirectories", () => {
  it("a directory holding certctl.json is one certificate, named as given", async () => {
    const web = managed("web");
    expect(await discoverDirectories(["web"], root)).toEqual([{ input: "web", dir: web }]);
  });

  it("a directory without one stands for its subdirectories that have one, sorted by name; hidden and unmanaged ones are skipped", async () => {
    const b = managed("certs", "b");
    const a = managed("certs", "a");
    managed("certs", ".hidden");
    mkdirSync(join(root, "certs", "empty"));
    writeFileSync(join(root, "certs", "README"), "not a directory");
    managed("certs", "a", "nested"); // one level only: a is the certificate
    expect(await discoverDirectories(["certs"], root)).toEqual([
      { input: "certs/a", dir: a },
      { input: "certs/b", dir: b },
    ]);
  });

  it("no argument means ., expanded the same way", async () => {
    const api = managed("api");
    expect(await discoverDirectories([], root)).toEqual([{ input: "api", dir: api }]);
  });

  it("a symlinked subdirectory counts (certbot-style live/ links)", async () => {
    const real = managed("store", "real");
    mkdirSync(join(root, "live"));
    symlinkSync(real, join(root, "live", "web"));
    expect(await discoverDirectories(["live"], root)).toEqual([{ input: "live/web", dir: join(root, "live", "web") }]);
  });

  it("each directory once, the first naming wins", async () => {
    const a = managed("certs", "a");
    const b = managed("certs", "b");
    expect(await discoverDirectories(["certs/b", "certs", join(root, "certs", "a")], root)).toEqual([
      { input: "certs/b", dir: b },
      { input: "certs/a", dir: a },
    ]);
  });

  it("an argument with nothing managed in or below it is an error entry for that argument (exit 7), the others still found", async () => {
    const web = managed("web");
    mkdirSync(join(root, "empty"));
    writeFileSync(join(root, "file"), "x");
    const found = await discoverDirectories(["empty", "web", "missing", "file"], root);
    expect(found.map((f) => [f.input, f.error?.exitCode, f.error?.message])).toEqual([
      ["empty", 7, `no certctl.json in ${join(root, "empty")} or its subdirectories`],
      ["web", undefined, undefined],
      ["missing", 7, `${join(root, "missing")} does not exist`],
      ["file", 7, `${join(root, "file")} is not a directory; expected a directory holding certctl.json, or one whose subdirectories do`],
    ]);
    expect(found[1]!.dir).toBe(web);
    expect(() => throwFirstProblem(found)).toThrow(/no certctl\.json in .*empty or its subdirectories/);
    expect(() => throwFirstProblem(found.filter((f) => f.input === "web"))).not.toThrow();
  });

  it("pendingOnly: a directory whose only trace is a pending request counts for list and check, not for renew", async () => {
    const dir = join(root, "certs", "new");
    mkdirSync(join(dir, ".certctl", "pending"), { recursive: true });
    writeFileSync(join(dir, ".certctl", "pending", "0b6d3c1e-1111-4222-8333-944455556666.json"), "{}");
    expect(await discoverDirectories(["certs"], root, { pendingOnly: true })).toEqual([{ input: "certs/new", dir }]);
    const forRenew = await discoverDirectories(["certs"], root);
    expect(forRenew[0]!.error?.message).toMatch(/no certctl\.json in/);
  });
});
