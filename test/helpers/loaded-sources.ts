// What a certctl run loaded: a preload logs every file require() loads, and each
// loaded dist/ chunk's source map lists the source modules it holds. dist/ is an esbuild bundle
// split into CommonJS chunks, so this is how a test sees which of our modules and dependencies a
// command brought in.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliOptions, type CliResult } from "./cli.js";

/** The cloud SDKs only the aws-iam and gcp-iam (jose) logins need. */
export const CLOUD_LIBRARIES = /node_modules\/(@aws-sdk|@smithy|@aws-crypto|jose|bowser|fast-xml-parser)\//;
/** The login methods' own modules (methods.ts, the table of names, is read by every run). */
export const LOGIN_METHOD_MODULES = /src\/api\/login\/(?!methods\.ts)/;
/** The PKCS#12 schemas and writer: for --p12 only. */
export const PKCS12_MODULES = /asn1-pfx|core\/formats\/p12\.ts/;

export interface LoadedRun extends CliResult {
  /** Source paths (src/…, node_modules/…) of every module in the dist/ chunks the run loaded. */
  sources: string[];
}

/** runCli with a preload that logs what loads; asynchronous, so an in-process dev server can answer the run. */
export async function loadedSources(args: string[], opts: CliOptions = {}): Promise<LoadedRun> {
  const dir = mkdtempSync(join(tmpdir(), "certctl-hooks-"));
  try {
    const log = join(dir, "loaded.txt");
    writeFileSync(log, "");
    // Logged as each file loads, not at exit: a run may be killed (renew.test's crash runs are).
    writeFileSync(join(dir, "preload.cjs"), `const Module = require("node:module");
const { appendFileSync } = require("node:fs");
const load = Module.prototype.load;
Module.prototype.load = function (filename) {
  appendFileSync(${JSON.stringify(log)}, filename + "\\n");
  return load.apply(this, arguments);
};
`);
    const result = await runCli(args, { ...opts, nodeArgs: ["--require", join(dir, "preload.cjs"), ...(opts.nodeArgs ?? [])] });
    const files = readFileSync(log, "utf8").split("\n").filter((file) => file.includes("/dist/") && file.endsWith(".cjs"));
    const sources = [...new Set(files)].flatMap((file) => (JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[] }).sources);
    return { ...result, sources };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
