// What a certctl run loaded: a resolve hook logs every module URL, and each loaded dist/ chunk's
// source map lists the source modules it holds. dist/ is an esbuild bundle split into chunks,
// so this is how a test sees which of our modules and dependencies a command brought in.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN } from "./cli.js";

export interface LoadedRun {
  status: number | null;
  stderr: string;
  /** Source paths (src/…, node_modules/…) of every module in the dist/ chunks the run loaded. */
  sources: string[];
}

/** Asynchronous, so an in-process dev server in the test's own worker can answer the run. */
export async function loadedSources(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<LoadedRun> {
  const dir = mkdtempSync(join(tmpdir(), "certctl-hooks-"));
  const log = join(dir, "loaded.txt");
  writeFileSync(log, "");
  writeFileSync(join(dir, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + "\\n");
  return result;
}
`);
  writeFileSync(join(dir, "register.mjs"), `import { register } from "node:module";\nregister(${JSON.stringify(new URL(`file://${join(dir, "hooks.mjs")}`).href)});\n`);
  const child = spawn(process.execPath, ["--import", join(dir, "register.mjs"), BIN, ...args], {
    stdio: ["ignore", "ignore", "pipe"], ...(opts.env ? { env: opts.env } : {}), ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  const files = readFileSync(log, "utf8").split("\n").filter((url) => url.startsWith("file:") && url.includes("/dist/"));
  const sources = [...new Set(files)].flatMap((url) => (JSON.parse(readFileSync(new URL(`${url}.map`), "utf8")) as { sources: string[] }).sources);
  return { status, stderr, sources };
}
