// The parse step of each command (argv values → typed params), the shared flag definitions and
// the wording helpers: a wiring table, apart from the behaviour tests.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parseIssueFlags, safeDirectoryName } from "../../src/cli/issue/parse.js";
import type { IssueFlags } from "../../src/cli/issue/define.js";
import { parseDevServerFlags } from "../../src/cli/dev-server/run.js";
import { buildProgram } from "../../src/cli/program.js";
import { conflicting, invalidValue, requires } from "../../src/cli/shared/wording.js";
import { usageMessage } from "../../src/ui/usage.js";
import { globalsWithRecordedDomain } from "../../src/cli/recorded.js";
import { parseInspectFlags } from "../../src/cli/inspect/run.js";
import { parseCompletionFlags } from "../../src/cli/completion/run.js";
import { ExitCode, UsageError, fileError } from "../../src/model/errors.js";
import type { Io } from "../../src/util/io.js";

const NOW = new Date("2026-01-15T00:00:00Z");
const PROFILE = "3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11";
const base: IssueFlags = { profile: PROFILE, wait: true, waitTimeout: "10m" };
const parse = (flags: Partial<IssueFlags>) => parseIssueFlags({ ...base, ...flags } as IssueFlags, "/work", NOW);

describe("issue: the default --out-dir is ./<name>, never the current directory", () => {
  it.each([
    [{ cn: "www.example.com" }, "/work/www.example.com"],
    [{ cn: "Jane Doe", dns: ["a.example.com"] }, "/work/Jane_Doe"],
    [{ dns: ["*.example.com", "b.example.com"] }, "/work/wildcard.example.com"],
    [{ ip: ["2001:db8::1"] }, "/work/2001_db8_1"],
    [{ email: ["ops@example.com"] }, "/work/ops_example.com"],
    [{ uri: ["spiffe://example.org/web"] }, "/work/spiffe_example.org_web"],
    [{ cn: "../../etc" }, "/work/etc"],
    [{ csr: "requests/web.csr" }, "/work/web"],
    [{ cn: "a.example.com", outDir: "." }, "/work"],
    [{ cn: "a.example.com", outDir: "/srv/tls" }, "/srv/tls"],
  ] as Array<[Partial<IssueFlags>, string]>)("%j → %s", (flags, outDir) => {
    const params = parse(flags);
    expect(params.outDir).toBe(outDir);
    expect(params.files.cert).toBe(`${outDir}/cert.pem`);
  });

  it.each([[{ csr: "-" }, /--csr - requires --out-dir/], [{ cn: "..." }, /requires --out-dir/]] as Array<[Partial<IssueFlags>, RegExp]>)(
    "refuses %j without a name to use", (flags, message) => {
      expect(() => parse(flags)).toThrowError(message);
    },
  );

  it("keeps directory names safe", () => {
    for (const name of [".", "..", ".hidden", "a/b", "a\\b", "x".repeat(300)]) {
      const safe = safeDirectoryName(name);
      expect(safe).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$|^$/);
    }
  });
});

describe("issue: other flags → params", () => {
  it.each([
    [{ cn: "a.example.com", cnSan: false }, { attributes: { commonName: "a.example.com" } }],
    [{ cn: "a.example.com" }, { attributes: { altNames: [{ type: "dns_name", value: "a.example.com" }] } }],
    [{ cn: "a.example.com", key: "k.pem" }, { mode: "local-key", keyFile: "/work/k.pem" }],
    [{ csr: "-" , outDir: "o" }, { mode: "csr", csrFile: "-" }],
    [{ cn: "a.example.com", serverKeygen: true }, { mode: "server-keygen" }],
  ] as Array<[Partial<IssueFlags>, object]>)("%j", (flags, expected) => {
    const params = parse(flags);
    expect(params).toMatchObject(expected);
    if (flags.cnSan === false) expect(params.attributes.altNames).toBeUndefined();
  });
});

describe("dev-server flags → params", () => {
  it("parses durations and the approval mode", async () => {
    const params = await parseDevServerFlags({ port: "0", host: "127.0.0.1", approval: "auto=2s", latency: "0ms", backdate: "20d", tokenTtl: "1h", tokenMaxTtl: "30d", csrRenewal: "accept" }, {});
    expect(params).toMatchObject({ port: 0, latencyMs: 0, backdateMs: 20 * 86_400_000, tokenTtlMs: 3_600_000, approval: { kind: "auto" } });
  });

  // Regression (issue 11 finding 7): an empty --client-secret-file exited 7 here but 2 for issue.
  it("an empty --client-secret-file is bad input (exit 2), as for every other command", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "certctl-secret-")), "empty");
    writeFileSync(file, "\n");
    const error = await parseDevServerFlags({ port: "0", host: "127.0.0.1", approval: "none", latency: "0ms", backdate: "0ms", tokenTtl: "1h", tokenMaxTtl: "30d", csrRenewal: "accept" }, { clientId: "x", clientSecretFile: file })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(/--client-secret-file .* is empty/);
    const missing = await parseDevServerFlags({ port: "0", host: "127.0.0.1", approval: "none", latency: "0ms", backdate: "0ms", tokenTtl: "1h", tokenMaxTtl: "30d", csrRenewal: "accept" }, { clientSecretFile: `${file}-missing` })
      .catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/cannot read --client-secret-file .*: it does not exist$/);
  });
});

describe("wording helpers", () => {
  it("word every conflict, requirement and bad value one way", () => {
    expect(conflicting("--a", "--b", "why").message).toBe("--a cannot be used with --b: why");
    expect(requires("--a", "--b").message).toBe("--a requires --b");
    expect(invalidValue("--a", "x", "options are y, z").message).toBe("invalid value 'x' for --a; options are y, z");
    for (const error of [conflicting("--a", "--b"), requires("--a", "--b"), invalidValue("--a", "x", "y")]) {
      expect(error.exitCode).toBe(ExitCode.usage);
    }
  });

  // One wording for file errors (model/errors.ts fileError): src/cli once had a second one.
  it.each([["ENOENT", "it does not exist"], ["EACCES", "permission denied"], ["EISDIR", "it is a directory"]])(
    "a %s file error reads as words", (code, words) => {
      expect(fileError("read", "/x", Object.assign(new Error("x"), { code })).message).toBe(`cannot read /x: ${words}`);
    },
  );

  // Regression (issue 12 item 15): `completion powershell` printed commander's raw message.
  it("turns commander's choice errors into certctl's wording", () => {
    expect(usageMessage("error: command-argument value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.\n"))
      .toBe("invalid value 'powershell' for <shell>; options are bash, zsh, fish");
    expect(usageMessage("error: option '--mode <m>' argument 'x' is invalid. Allowed choices are a, b."))
      .toBe("invalid value 'x' for --mode; options are a, b");
  });
});

describe("help", () => {
  function helpOf(...path: string[]): string {
    let text = "";
    const io = { stdout: { write: (t: string) => ((text += t), true) }, stderr: { write: () => true } } as unknown as Io;
    const program = buildProgram(io, new AbortController().signal, { exitCode: 0 });
    let command: Command = program;
    for (const name of path) command = command.commands.find((c) => c.name() === name)!;
    command.outputHelp();
    return text;
  }

  // Regression (issue 12 item 16): defaults were shown as JSON strings, `(default: "30s")`.
  it.each([[[]], [["issue"]], [["renew"]], [["status"]], [["dev-server"]]])("%j shows defaults as typed", (path) => {
    const help = helpOf(...path);
    expect(help).toMatch(/\(default: [^"]/);
    expect(help).not.toMatch(/\(default: "/);
  });

  it("shares one definition of --wait-timeout and --no-wait", () => {
    const flat = (help: string) => help.replace(/\s+/g, " ");
    for (const command of ["issue", "renew"]) {
      expect(flat(helpOf(command))).toMatch(/--wait-timeout <duration> wait at most this long for a pending \w+ \(default: 10m\)/);
      expect(flat(helpOf(command))).toMatch(/--no-wait do not wait for a pending \w+ \(exit 5; resume with certctl status\)/);
    }
  });
});

describe("issue: --key-mode, --owner, --group → numeric ownership of key.pem", () => {
  const accounts = { uid: (n: string) => ({ postgres: 26 } as Record<string, number>)[n], gid: (n: string) => ({ "ssl-cert": 111 } as Record<string, number>)[n] };
  const parseOwned = (flags: Partial<IssueFlags>) => parseIssueFlags({ ...base, cn: "a.example.com", outDir: "o", ...flags } as IssueFlags, "/work", NOW, accounts);

  it.each([
    [{ keyMode: "0640", group: "ssl-cert" }, { keyMode: 0o640, group: 111 }],
    [{ keyMode: "600" }, { keyMode: 0o600 }],
    [{ owner: "postgres", group: "0" }, { owner: 26, group: 0 }],
    [{ owner: "1001" }, { owner: 1001 }],
  ] as Array<[Partial<IssueFlags>, object]>)("%j → %j", (flags, expected) => {
    expect(parseOwned(flags)).toMatchObject(expected);
  });

  it("leaves them out when not given", () => {
    const params = parseOwned({});
    expect("keyMode" in params || "owner" in params || "group" in params).toBe(false);
  });

  it.each([
    [{ keyMode: "644" }, /--key-mode.*every user/],
    [{ keyMode: "0040" }, /--key-mode.*owner must be able to read/],
    [{ keyMode: "rw-r-----" }, /--key-mode.*octal/],
    [{ keyMode: "0999" }, /--key-mode/],
    [{ owner: "nobody-here" }, /--owner.*no user of that name/],
    [{ group: "no-such-group" }, /--group.*no group of that name/],
    [{ owner: "a b" }, /--owner.*user name or a numeric uid/],
    [{ owner: "4294967295" }, /--owner/],
    [{ csr: "a.csr", cn: undefined, keyMode: "0640" }, /--key-mode cannot be used with --csr/],
  ] as Array<[Partial<IssueFlags>, RegExp]>)("refuses %j", (flags, message) => {
    expect(() => parseOwned(flags)).toThrowError(message);
  });
});

describe("globalsWithRecordedDomain", () => {
  const globals = { timeout: "30s", retries: "3", color: false };
  const recorded = "http://127.0.0.1:8080/api";

  it.each([
    ["nothing set: the recorded domain", {}, {}, false, recorded],
    ["the same server written another way", { domain: "http://127.0.0.1:8080/" }, {}, false, "http://127.0.0.1:8080/"],
    ["another server with --move-to-domain", { domain: "http://127.0.0.1:9090" }, {}, true, "http://127.0.0.1:9090"],
    ["INFISICAL_DOMAIN, the same server", {}, { INFISICAL_DOMAIN: "http://127.0.0.1:8080" }, false, undefined],
  ] as Array<[string, object, NodeJS.ProcessEnv, boolean, string | undefined]>)("%s", (_name, flags, env, move, domain) => {
    expect(globalsWithRecordedDomain({ ...globals, ...flags }, env, recorded, move).domain).toBe(domain);
  });

  it.each([
    [{ domain: "http://127.0.0.1:9090" }, {}, /belongs to http:\/\/127\.0\.0\.1:8080\/api .*--domain names http:\/\/127\.0\.0\.1:9090/],
    [{}, { INFISICAL_DOMAIN: "https://app.infisical.com" }, /INFISICAL_DOMAIN names https:\/\/app\.infisical\.com/],
    [{}, { INFISICAL_API_URL: "https://eu.infisical.com/api" }, /INFISICAL_API_URL names/],
  ] as Array<[object, NodeJS.ProcessEnv, RegExp]>)("refuses another server: %j %j", (flags, env, message) => {
    let error: unknown;
    try {
      globalsWithRecordedDomain({ ...globals, ...flags }, env, recorded);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).hint).toMatch(/--move-to-domain/);
  });

  it("a pending request cannot move: no --move-to-domain in the hint, and move does not lift the refusal", () => {
    const refuse = () => globalsWithRecordedDomain({ ...globals, domain: "http://127.0.0.1:9090" }, {}, recorded, true, { movable: false, where: "its pending record" });
    expect(refuse).toThrowError(/recorded in its pending record/);
    try { refuse(); } catch (error) { expect((error as UsageError).hint).not.toMatch(/--move-to-domain/); }
  });
});

describe("inspect and completion: arguments → params", () => {
  it.each([
    ["fullchain.pem", { file: "/work/fullchain.pem", source: "fullchain.pem" }],
    ["/etc/ssl/x.pem", { file: "/etc/ssl/x.pem", source: "/etc/ssl/x.pem" }],
    ["-", { file: "-", source: "standard input" }],
  ])("inspect %s", (file, expected) => expect(parseInspectFlags(file, "/work")).toEqual(expected));

  it("refuses an empty inspect path and an unknown shell in certctl's wording", () => {
    expect(() => parseInspectFlags("", "/work")).toThrowError(/invalid value '' for <file>/);
    expect(parseCompletionFlags("zsh")).toEqual({ shell: "zsh" });
    expect(() => parseCompletionFlags("powershell")).toThrowError("invalid value 'powershell' for <shell>; options are bash, zsh, fish");
  });
});

// Issue 11 finding 2: core takes typed values and never names a flag; the cli layer does.
describe("core/attributes knows no flags", () => {
  it("neither throws usage errors nor names a flag", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../../src/core/attributes/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      const text = readFileSync(new URL(file, dir), "utf8");
      expect(text, file).not.toMatch(/UsageError|invalidFlag|commander/);
      expect(text, file).not.toMatch(/["'`(\s]--[a-z]/);
    }
  });

  // The rest of core names no flag either, new files included. Empty: core words its messages in domain terms or with names the cli passes (core/input-names.ts);
  // the command lines messages point to are model/commands.ts. Keep it empty.
  const STILL_NAMING_FLAGS = new Set<string>();
  /** The code without its comments: a comment may say which flag a value came from. */
  const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");
  it("no core file names a flag (renew's due rule and revoke's reasons are parsed in src/cli)", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const root = new URL("../../src/core/", import.meta.url);
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts") && !STILL_NAMING_FLAGS.has(f));
    expect(files).toContain("renew/due.ts");
    expect(files).toContain("revoke.ts");
    for (const file of files) expect(code(readFileSync(new URL(file, root), "utf8")), file).not.toMatch(/["'`(\s]--[a-z]/);
  });
});

describe("core's messages name what the cli passes (issue 11 finding 2)", () => {
  it("an encrypted key: the flag from the cli, domain words otherwise", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { importSigningKey } = await import("../../src/core/crypto/keys.js");
    const { FLAG_NAMES } = await import("../../src/cli/shared/input-names.js");
    const { privateKey } = generateKeyPairSync("ec", {
      namedCurve: "prime256v1", privateKeyEncoding: { type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "right" }, publicKeyEncoding: { type: "spki", format: "pem" },
    });
    await expect(importSigningKey(privateKey, "--key k.pem", undefined, undefined, undefined, FLAG_NAMES)).rejects.toThrowError(/--key k\.pem is encrypted; give its password with --key-password-file/);
    await expect(importSigningKey(privateKey, "--key k.pem", undefined, undefined, "wrong", FLAG_NAMES)).rejects.toThrowError(/cannot be decrypted with the password from --key-password-file/);
    await expect(importSigningKey(privateKey, "k.pem", undefined, undefined, undefined)).rejects.toThrowError(/k\.pem is encrypted; give its password with the key password file/);
  });

  it("a server refusal gets the flag that fixes it from src/cli", async () => {
    const { withServerHint } = await import("../../src/cli/issue/server-hints.js");
    const { RefusedError } = await import("../../src/model/errors.js");
    const refused = new RefusedError("h refused create (HTTP 400): Key algorithm RSA_2048 is not compatible with CA key algorithm EC_prime256v1", { status: 400 });
    expect((withServerHint(refused, { mode: "local-key", attributes: {} }) as InstanceType<typeof RefusedError>).hint).toMatch(/--key-algorithm p256, p384 or p521, or --server-keygen/);
    const noKey = new RefusedError("certificate c was issued, but the server returned no private key for it; nothing was written", { hint: "domain words" });
    expect((withServerHint(noKey, { mode: "server-keygen", attributes: {} }) as InstanceType<typeof RefusedError>).hint).toMatch(/ReadPrivateKey permission on certificates for --server-keygen/);
    // Not an HTTP refusal, and no known cause: left as it is.
    const other = new RefusedError("certificate request r was rejected");
    expect(withServerHint(other, { mode: "local-key", attributes: {} })).toBe(other);
  });

  it("the resume command is one wording (model/commands.ts)", async () => {
    const { resumeCommand } = await import("../../src/model/commands.js");
    expect(resumeCommand("8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e", "/srv/my certs", { domain: "http://127.0.0.1:8080", wait: true }))
      .toBe("certctl status 8a0d2c4e-1f3b-4a5c-9e7d-6b2f0c1a3d5e --out-dir '/srv/my certs' --domain http://127.0.0.1:8080 --wait");
  });
});
