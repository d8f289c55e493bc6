// bin/compile-cache.js: V8's code cache for dist/, kept per build, Node version and command in
// the user's cache folder. What a user can see of it: where it goes (and that it can be moved or
// turned off), that a second run uses what the first wrote instead of writing it again, that a
// damaged file is only a slower run, that a folder others can write to is not used, and that
// the caches of an older build are removed.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/cli.js";
import { openssl } from "../helpers/openssl.js";
import { startLocalDevServer } from "../helpers/local-devserver.js";

let work: string;
const BUILD_ID = readFileSync(new URL("../../dist/build-id", import.meta.url), "utf8").trim();
const FOLDER = `${BUILD_ID}-node${process.version}-${process.arch}`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "certctl-compile-cache-"));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function help(env: Record<string, string | undefined>): Promise<CliResult> {
  const res = await runCli(["--help"], { env: { XDG_CACHE_HOME: undefined, ...env } });
  expect(res.code, res.stderr).toBe(0);
  expect(res.stderr).toBe("");
  return res;
}

/** name → [mtime, size] of each cache file in a folder. */
function files(dir: string): Map<string, [number, number]> {
  return new Map(readdirSync(dir).map((name) => {
    const stat = statSync(join(dir, name));
    return [name, [stat.mtimeMs, stat.size]];
  }));
}

describe("compile cache", () => {
  it("goes to ~/.cache/certctl, one folder per build and Node; a second run reads it and writes nothing", async () => {
    const home = join(work, "home");
    mkdirSync(home);
    const first = await help({ HOME: home });
    const dir = join(home, ".cache", "certctl", FOLDER);
    const written = files(dir);
    // The entry point and the chunks --help loaded, under the command's name ("-": no command).
    expect([...written.keys()]).toContain("-.main.cjs.bin");
    expect([...written.keys()].every((name) => /^-\.(main\.cjs|chunks_[\w-]+\.cjs)\.bin$/.test(name))).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of written.keys()) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);

    const second = await help({ HOME: home });
    expect(second.stdout).toBe(first.stdout);
    // Rewritten only when V8 refuses a cache: unchanged files are caches it took.
    expect(files(dir)).toEqual(written);

    // Another command has caches of its own (what --help compiled is not what `completion` runs).
    await runCli(["completion", "bash"], { env: { HOME: home, XDG_CACHE_HOME: undefined } });
    expect(readdirSync(dir).some((name) => name.startsWith("completion."))).toBe(true);
  });

  it("a run that loads a file no cache covers yet writes the caches of everything it loaded again", async () => {
    const base = join(work, "grows");
    const dir = join(base, FOLDER);
    const env = { CERTCTL_COMPILE_CACHE: base };
    const cert = join(work, "grows.pem");
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(work, "grows.key"), "-subj", "/CN=grows", "-days", "1", "-out", cert]);
    // `inspect --help` loads the entry point's files only; `inspect <file>` those and inspect's own.
    expect((await runCli(["inspect", "--help"], { env })).code).toBe(0);
    const helpOnly = files(dir);
    await new Promise((resolve) => setTimeout(resolve, 20)); // a later mtime for what is written again
    expect((await runCli(["inspect", cert], { env })).code).toBe(0);
    const after = files(dir);
    expect(after.size).toBeGreaterThan(helpOnly.size);
    for (const [name, [mtime]] of helpOnly) expect(after.get(name)![0], name).toBeGreaterThan(mtime);
    // The same run again finds a cache for every file it loads: nothing is written.
    expect((await runCli(["inspect", cert], { env })).code).toBe(0);
    expect(files(dir)).toEqual(after);
  });

  it("a damaged cache file is a run compiled as usual, and is written again", async () => {
    const base = join(work, "damaged");
    const clean = await help({ CERTCTL_COMPILE_CACHE: base });
    const file = join(base, FOLDER, "-.main.cjs.bin");
    writeFileSync(file, "not a code cache");
    const run = await help({ CERTCTL_COMPILE_CACHE: base });
    expect(run.stdout).toBe(clean.stdout);
    expect(readFileSync(file, "utf8")).not.toBe("not a code cache");
  });

  it("a folder that others can write to is not used: nothing is written there", async () => {
    const base = join(work, "shared");
    const clean = await help({ CERTCTL_COMPILE_CACHE: base });
    const dir = join(base, FOLDER);
    const file = join(dir, "-.main.cjs.bin");
    writeFileSync(file, "planted");
    chmodSync(dir, 0o777);
    const run = await help({ CERTCTL_COMPILE_CACHE: base });
    expect(run.stdout).toBe(clean.stdout);
    expect(readFileSync(file, "utf8")).toBe("planted");
  });

  it.skipIf(process.getuid?.() !== 0)("run as root with another user's HOME (sudo without -H), it leaves nothing of root's there", async () => {
    const home = join(work, "someone-else");
    mkdirSync(home);
    chownSync(home, 65534, 65534);
    await help({ HOME: home });
    expect(readdirSync(home)).toEqual([]);
  });

  it("issue and renew set their V8 flags after loading the built-ins they use, and their caches hold from run to run", async () => {
    // A flag set at run time changes V8's flag hash: Node's cache of a built-in loaded afterwards is
    // refused (it is compiled from source), and so is a cache of ours made under other flags.
    const preload = join(work, "after-flags.cjs");
    const log = join(work, "after-flags.txt");
    writeFileSync(preload, `const v8 = require("node:v8");
const set = v8.setFlagsFromString;
let before;
v8.setFlagsFromString = function () { before ??= new Set(process.moduleLoadList); return set.apply(this, arguments); };
process.on("exit", () => {
  const after = before ? process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith("NativeModule ")) : ["(no flags set)"];
  require("node:fs").appendFileSync(${JSON.stringify(log)}, after.join("\\n") + "\\n");
});
`);
    const { server, env } = await startLocalDevServer();
    try {
      const base = join(work, "connecting");
      const out = join(work, "connecting-set");
      const run = async (args: string[]) => {
        const res = await runCli(args, { env: { ...env, CERTCTL_COMPILE_CACHE: base }, nodeArgs: ["--require", preload] });
        expect(res.code, res.stderr).toBe(0);
      };
      await run(["issue", "--profile", server.info.profileId, "--cn", "cache.example.com", "--out-dir", out, "--quiet"]);
      await run(["renew", "--force", "--quiet", out]);
      const loadedAfter = readFileSync(log, "utf8").split("\n").filter(Boolean).map((line) => line.replace("NativeModule ", ""));
      expect(loadedAfter).not.toContain("(no flags set)");
      // Node's internal modules that load lazily on first use (WebCrypto's EC code, rm -r) may come
      // later; a public one (crypto, net, http, …) belongs in bin/compile-cache.js's list.
      expect(loadedAfter.filter((name) => !name.startsWith("internal/"))).toEqual([]);

      const dir = join(base, FOLDER);
      const written = files(dir);
      expect([...written.keys()].some((name) => name.startsWith("renew."))).toBe(true);
      await run(["renew", "--force", "--quiet", out]);
      expect(files(dir)).toEqual(written);
    } finally {
      await server.close();
    }
  });

  it("CERTCTL_COMPILE_CACHE=0 writes nothing; a new build's caches replace an older build's, and only those", async () => {
    const home = join(work, "off");
    mkdirSync(home);
    await help({ HOME: home, CERTCTL_COMPILE_CACHE: "0" });
    expect(existsSync(join(home, ".cache"))).toBe(false);

    const base = join(work, "xdg");
    const old = join(base, "certctl", "0123456789abcdef-nodev20.0.0-x64");
    mkdirSync(old, { recursive: true });
    writeFileSync(join(old, "renew.main.cjs.bin"), "old");
    const mine = join(base, "certctl", "notes.txt");
    writeFileSync(mine, "not certctl's");
    await help({ XDG_CACHE_HOME: base });
    expect(readdirSync(join(base, "certctl")).sort()).toEqual([FOLDER, "notes.txt"].sort());
  });
});
