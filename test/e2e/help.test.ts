// Help that teaches: every command's --help ends with 2–4 examples that use only flags the
// command really has; `certctl` alone prints a short overview; a mistyped command or flag gets
// the nearest one suggested, exit 2, and no stack trace. All argv-level: main(argv, io) in-process.
import { beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../helpers/cli.js";
import { runMain } from "../helpers/run-main.js";

interface Overview {
  commands: Array<{ name: string; summary: string }>;
}

let overview: Overview;
let rootHelp: CliResult;
const helps = new Map<string, CliResult>();

/** The long flags listed under "Options:" in a help text. */
function flagsIn(help: string): Set<string> {
  const section = help.split(/^Options:$/m)[1]?.split(/^\S/m)[0] ?? "";
  return new Set([...section.matchAll(/^ {2}(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!));
}

/** The examples block: "$ …" lines (a trailing backslash continues onto the next line). */
function examplesOf(help: string): string[] {
  const block = help.split(/^Examples:$/m)[1];
  if (block === undefined) return [];
  return block.replace(/\\\n\s+/g, " ").split("\n").filter((line) => line.trim().startsWith("$ ")).map((line) => line.trim().slice(2));
}

/** Shell words of one certctl invocation inside an example line (after "certctl", before a pipe, redirect or comment). */
function certctlWords(example: string): string[] {
  const words = example.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const start = words.findIndex((w) => w === "certctl" || w.endsWith("(certctl"));
  const out: string[] = [];
  for (const word of words.slice(start + 1)) {
    if (["|", ">", "#", "&&", ";"].includes(word)) break;
    // The end of a process substitution: source <(certctl completion bash)
    if (word.endsWith(")")) {
      out.push(word.slice(0, -1));
      break;
    }
    out.push(word);
  }
  return out;
}

beforeAll(async () => {
  const [bare, root] = await Promise.all([runMain(["--json"]), runMain(["--help"])]);
  overview = JSON.parse(bare.stdout) as Overview;
  rootHelp = root;
  const names = overview.commands.map((c) => c.name);
  const results = await Promise.all(names.map((name) => runMain([name, "--help"])));
  names.forEach((name, i) => helps.set(name, results[i]!));
});

describe("--help", () => {
  it("lists every command, and the overview lists the same ones", () => {
    expect(overview.commands.map((c) => c.name).sort()).toEqual(["agent", "apply", "check", "completion", "convert-agent-config", "dev-server", "inspect", "issue", "list", "renew", "revoke", "status"]);
    for (const { name, summary } of overview.commands) {
      expect(rootHelp.stdout).toMatch(new RegExp(`^ {2}${name} .*${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    }
  });

  it("of every command ends with 2–4 examples of that command, using only flags it has", () => {
    const globalFlags = flagsIn(rootHelp.stdout);
    for (const [name, res] of helps) {
      expect(res.code, name).toBe(0);
      expect(res.stderr, name).toBe("");
      const lines = res.stdout.trimEnd().split("\n");
      expect(lines.at(-1), `${name}: help must end with an example`).toMatch(/^ {2}(\$ | {4})/);
      const examples = examplesOf(res.stdout);
      expect(examples.length, `${name} examples`).toBeGreaterThanOrEqual(2);
      expect(examples.length, `${name} examples`).toBeLessThanOrEqual(4);
      const known = new Set([...flagsIn(res.stdout), ...globalFlags]);
      for (const example of examples) {
        const words = certctlWords(example);
        expect(words[0], example).toBe(name);
        for (const word of words.filter((w) => w.startsWith("--"))) {
          expect(known.has(word.split("=")[0]!), `${name}: example uses unknown flag ${word}: ${example}`).toBe(true);
        }
      }
    }
  });

  it("the root help teaches too: examples and the exit codes", () => {
    expect(examplesOf(rootHelp.stdout).length).toBeGreaterThanOrEqual(2);
    expect(rootHelp.stdout).toMatch(/Exit codes: 0 ok, 2 usage/);
  });
});

describe("certctl with no arguments", () => {
  it("prints a short overview on stdout, exit 0: usage, the commands, where to read more", async () => {
    const res = await runMain([]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/^Usage: certctl \[global flags\] <command> \[flags\]$/m);
    for (const { name } of overview.commands) expect(res.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, "m"));
    expect(res.stdout).toContain("certctl <command> --help");
    // Short: the full help (global flags and all) is `certctl --help`.
    expect(res.stdout).not.toContain("--client-secret-file");
    expect(res.stdout.split("\n").length).toBeLessThan(rootHelp.stdout.split("\n").length);
  });

  it("only global flags is still the overview; with --json it is a document", async () => {
    const [noColor, json] = await Promise.all([runMain(["--no-color"]), runMain(["--json", "--domain", "http://127.0.0.1:1"])]);
    expect(noColor.code).toBe(0);
    expect(noColor.stdout).toMatch(/^Commands:$/m);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: "certctl", usage: expect.any(String) });
  });
});

describe("mistakes get the nearest name, exit 2, and the help to read next", () => {
  const cases: Array<[string[], RegExp, RegExp]> = [
    [["isue"], /^certctl: unknown command 'isue' \(Did you mean issue\?\)$/m, /^Run 'certctl --help'/m],
    [["help", "statsu"], /^certctl: unknown command 'statsu' \(Did you mean status\?\)$/m, /^Run 'certctl --help'/m],
    [["issue", "--cnn", "www.example.com"], /^certctl: unknown option '--cnn' \(Did you mean --cn\?\)$/m, /^Run 'certctl issue --help' to see its flags and examples\.$/m],
    [["renew", "--dry-rn"], /^certctl: unknown option '--dry-rn' \(Did you mean --dry-run\?\)$/m, /^Run 'certctl renew --help'/m],
    [["revoke", "--reasn", "superseded"], /^certctl: unknown option '--reasn' \(Did you mean --reason\?\)$/m, /^Run 'certctl revoke --help'/m],
    [["dev-server", "--prot", "8080"], /^certctl: unknown option '--prot' \(Did you mean --port\?\)$/m, /^Run 'certctl dev-server --help'/m],
    [["inspect"], /^certctl: missing required argument 'file'$/m, /^Run 'certctl inspect --help'/m],
    [["completion", "bsh"], /^certctl: .*'bsh'.*bash, zsh, fish/m, /^Run 'certctl completion --help'/m],
  ];
  it.each(cases)("certctl %j", async (args, message, hint) => {
    const res = await runMain(args);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toMatch(hint);
    expect(res.stderr).not.toMatch(/^error:|\n\s+at /m);
  });

  it("under --json the mistake is also one {error} document on stdout", async () => {
    const res = await runMain(["issue", "--json", "--cnn", "x"]);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stdout)).toEqual({
      error: { exitCode: 2, type: "UsageError", message: "unknown option '--cnn' (Did you mean --cn?)", hint: "Run 'certctl issue --help' to see its flags and examples." },
    });
  });
});
