// `certctl completion <shell>`: the scripts come from the command tree, the committed copies in
// completions/ are what the command prints today, and each shell really loads and uses them.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { flagsNamedByCompletionTables } from "../../src/cli/completion/spec.js";
import { loadedSources } from "../helpers/loaded-sources.js";
import { needs } from "../helpers/needs.js";
import { runMain } from "../helpers/run-main.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHELLS = ["bash", "zsh", "fish"] as const;
const committed = (shell: string) => join(ROOT, "completions", `certctl.${shell}`);

let home: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "certctl-completion-"));
  for (const shell of SHELLS) {
    const result = await runMain(["completion", shell]);
    expect(result.code, result.stderr).toBe(0);
    scripts[shell] = result.stdout;
  }
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Run a shell with an empty HOME, so no rc file or history of the developer's takes part. */
function shell(program: string, script: string): string {
  return execFileSync(program, ["-c", script], {
    cwd: ROOT, encoding: "utf8", timeout: 20_000,
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), XDG_DATA_HOME: join(home, ".data"), TERM: "dumb" },
  });
}

describe("completions/ is what `certctl completion` prints", () => {
  it.each(SHELLS)("completions/certctl.%s is up to date", (name) => {
    const file = readFileSync(committed(name), "utf8");
    // Not toBe(): a long diff of two scripts helps nobody; the fix is one command.
    if (file !== scripts[name]) {
      expect.fail(`completions/certctl.${name} differs from \`certctl completion ${name}\`: run \`npm run build && npm run completions\` and commit completions/`);
    }
  });
});

describe("the scripts follow the command tree", () => {
  const discard = () => new Writable({ write: (_c, _e, done) => done() });
  const io = { stdout: discard(), stderr: discard(), stdin: Readable.from([]), env: {}, cwd: ROOT, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false };
  const program = buildProgram(io, new AbortController().signal, { exitCode: 0 });

  it.each(SHELLS)("%s: every command and every visible flag appears", (name) => {
    const script = scripts[name]!;
    const flag = (long: string) => (name === "fish" ? `-l ${long.slice(2)} ` : long);
    for (const option of program.options) if (option.long && !option.hidden) expect(script).toContain(flag(option.long));
    for (const command of program.commands) {
      expect(script).toContain(command.name());
      for (const option of command.options) if (option.long && !option.hidden) expect(script, `${command.name()} ${option.long}`).toContain(flag(option.long));
    }
  });
});

describe("the scripts name only what exists (vocab: issue 11 finding 8, issue 12 item 16)", () => {
  const discard = () => new Writable({ write: (_c, _e, done) => done() });
  const io = { stdout: discard(), stderr: discard(), stdin: Readable.from([]), env: {}, cwd: ROOT, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false };
  const program = buildProgram(io, new AbortController().signal, { exitCode: 0 });
  const realFlags = new Set([...program.options, ...program.commands.flatMap((c) => c.options)].map((o) => o.long));

  it("every flag in the completion tables is a flag of the command tree", () => {
    const missing = flagsNamedByCompletionTables().filter((flag) => !realFlags.has(flag));
    expect(missing).toEqual([]);
  });

  it.each(SHELLS)("%s: no --renewal-key-source or --deploy-hook-file, and no npm instructions for users", (name) => {
    const script = scripts[name]!;
    expect(script).not.toContain("renewal-key-source");
    expect(script).not.toContain("deploy-hook-file");
    expect(script).not.toMatch(/npm (run )?/);
  });
});

describe("bash", () => {
  it("loads and registers certctl", () => {
    expect(shell("bash", "source completions/certctl.bash && complete -p certctl").trim()).toBe("complete -F _certctl certctl");
  });

  // COMP_WORDS as bash splits a line (it breaks words at "=" and ":").
  const complete = (words: string[]) =>
    shell("bash", [
      "source completions/certctl.bash",
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}`,
      `_certctl; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join("\n")).split("\n").filter(Boolean);

  it.each([
    [["certctl", ""], ["issue", "status", "renew", "revoke", "list", "check", "apply", "agent", "convert-agent-config", "inspect", "completion", "dev-server", "help"]],
    [["certctl", "completion", ""], ["bash", "zsh", "fish"]],
    [["certctl", "issue", "--key-algorithm", "EC"], ["EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]],
    [["certctl", "issue", "--key-algorithm", "=", "p"], ["p256", "p384", "p521"]],
    [["certctl", "issue", "--key-usage", "digital_signature,key_c"], ["digital_signature,key_cert_sign"]],
    [["certctl", "issue", "--ext-key-usage", "server"], ["server_auth", "server-auth"]],
    [["certctl", "issue", "--signature-algorithm", "ECDSA-SHA5"], ["ECDSA-SHA512"]],
    [["certctl", "revoke", "--reason", "key"], ["key-compromise"]],
    [["certctl", "dev-server", "--approval", "a"], ["auto="]],
    [["certctl", "--domain", "https", ":", "//ca.example", "completion", "z"], ["zsh"]],
    [["certctl", "inspect", "test/fixtures/leaf."], ["test/fixtures/leaf.der", "test/fixtures/leaf.pem"]],
    [["certctl", "issue", "--csr", "test/fixtures/csr."], ["test/fixtures/csr.der", "test/fixtures/csr.pem"]],
    [["certctl", "issue", "--out-dir", "test/fix"], ["test/fixtures"]],
    [["certctl", "inspect", "--js"], ["--json"]],
    [["certctl", "issue", "--profile", ""], []],
  ])("%j → %j", (words, expected) => {
    expect(complete(words).sort()).toEqual([...expected].sort());
  });
});

const ZSH = needs("zsh");
describe.skipIf(ZSH.missing)(`zsh${ZSH.why}`, () => {
  it("loads when sourced after compinit", () => {
    const out = shell("zsh", "autoload -U compinit; compinit -u; source completions/certctl.zsh; print -r -- $_comps[certctl]");
    expect(out.trim()).toBe("_certctl");
  });

  it("is found as _certctl in $fpath", () => {
    const dir = join(home, "zfunc");
    mkdirSync(dir, { recursive: true });
    copyFileSync(committed("zsh"), join(dir, "_certctl"));
    const out = shell("zsh", `fpath=(${dir} $fpath); autoload -U compinit; compinit -u -d ${join(home, "zcompdump")}; print -r -- $_comps[certctl]`);
    expect(out.trim()).toBe("_certctl");
  });
});

const FISH = needs("fish");
describe.skipIf(FISH.missing)(`fish${FISH.why}`, () => {
  const complete = (line: string) =>
    shell("fish", `source completions/certctl.fish; complete -C${JSON.stringify(line)}`).split("\n").filter(Boolean).map((l) => l.split("\t")[0]);

  it("loads and completes commands", () => {
    expect(complete("certctl ")).toEqual(expect.arrayContaining(["issue", "status", "renew", "revoke", "inspect", "completion", "dev-server"]));
  });

  it.each([
    ["certctl completion ", ["bash", "fish", "zsh"]],
    ["certctl issue --key-algorithm RSA", ["RSA_2048", "RSA_3072", "RSA_4096"]],
    ["certctl revoke --reason SUPER", ["SUPERSEDED"]],
    ["certctl inspect test/fixtures/csr.", ["test/fixtures/csr.der", "test/fixtures/csr.pem"]],
  ])("%s", (line, expected) => {
    expect(complete(line).sort()).toEqual([...expected].sort());
  });

  it("offers a command's flags only after that command", () => {
    expect(complete("certctl issue --key-")).toEqual(expect.arrayContaining(["--key-algorithm", "--key-usage", "--key-file"]));
    expect(complete("certctl inspect --key-")).toEqual([]);
  });
});

describe("certctl completion", () => {
  it("refuses an unknown shell with the valid ones (exit 2)", async () => {
    const result = await runMain(["completion", "powershell"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bash, zsh, fish/);
    expect(result.stdout).toBe("");
  });

  it("help teaches with examples", async () => {
    const result = await runMain(["completion", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n(\s+\$ certctl completion .+\n){2,}/);
  });

  // The command runs on every Tab, so it must stay cheap: it may not load x509, undici, ora or
  // the dev server. (`certctl --help` is held to the same list in auth-loading.test.ts, on the
  // run that also shows it loads no login method: one probe process for both.)
  it.each([
    [["completion", "bash"], "src/cli/completion/spec.ts"],
  ])("certctl %j loads nothing heavy", async (args, expected) => {
    const run = await loadedSources(args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.sources.some((source) => source.endsWith(expected))).toBe(true); // the hook did see the modules that ran
    expect(run.sources.filter((source) => /node_modules\/(@peculiar|reflect-metadata|undici|ora|ajv|yaml)\/|src\/devserver\//.test(source))).toEqual([]);
  });
});
