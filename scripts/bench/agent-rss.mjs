// The agent's memory over a long life: 10,000 cycles of the real loop (src/core/agent/loop.ts)
// with a fake clock and a fake cycle of 20 certificates (one failing in turn, so backoff and
// the log are exercised), every event formatted as a JSON log line and dropped. Prints
// {"rss100": MB, "rss10000": MB, "heap100", "heap10000"} measured after full GCs; flat means within 10 %.
//   node --expose-gc --max-semi-space-size=1 scripts/bench/agent-rss.mjs [cycles]
// Why the semi-space cap: the simulated cycles run back to back (10,000 in about a second), an
// allocation rate a real agent (one cycle per interval) never reaches, and V8 answers it by
// growing its young generation from 1 to 16 MB — a GC sizing choice, not memory kept. Pinned,
// RSS shows what the loop retains. (Uncapped here: 50 → 68 MB RSS with heapUsed flat at ~4 MB.)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cycles = Number(process.argv[2] ?? 10_000);
const bundle = process.argv[3];
if (bundle === undefined) {
  // Bundle here, measure in a fresh process: esbuild's own memory must not count as the agent's.
  const { build } = await import("esbuild");
  const out = mkdtempSync(join(tmpdir(), "certctl-agent-rss-"));
  await build({
  absWorkingDir: root,
  stdin: {
    contents: 'export { runAgentLoop } from "./src/core/agent/loop.ts"; export { formatAgentLine } from "./src/ui/agent-log.ts";',
    resolveDir: root, loader: "ts",
  },
    outfile: join(out, "agent.mjs"), bundle: true, format: "esm", platform: "node", target: "node20", logLevel: "warning",
  });
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(cycles), join(out, "agent.mjs")], { stdio: "inherit" });
  rmSync(out, { recursive: true, force: true });
  process.exit(run.status ?? 1);
}
const { runAgentLoop, formatAgentLine } = await import(pathToFileURL(bundle).href);

const gc = globalThis.gc ?? (() => {});
/** RSS after full collections with a pause between them, so freed pages go back to the OS. */
const mb = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().rss / 2 ** 20;
};
let t = 0;
const stop = new AbortController();
const samples = {};
let sink = 0;
let tokenDue = 2_400_000;
let done = 0;
await runAgentLoop({
  intervalMs: 3_600_000, randomDelayMs: 300_000, once: false, random: Math.random, signal: stop.signal,
  clock: { now: () => t, sleep: async (ms) => void (t += ms) },
  token: { dueAt: () => tokenDue, refresh: async () => ((tokenDue = t + 2_400_000), "renewed") },
  log: (event) => (sink += formatAgentLine({ time: new Date(t).toISOString(), ...event }, "json").length),
  runCycle: async () => {
    done++;
    // Sampled at the start of cycle n + 1, i.e. after n complete cycles.
    if (done === 101) [samples.rss100, samples.heap100] = [await mb(), process.memoryUsage().heapUsed / 2 ** 20];
    if (done === cycles + 1) {
      [samples.rss10000, samples.heap10000] = [await mb(), process.memoryUsage().heapUsed / 2 ** 20];
      stop.abort();
      return { certificates: [] };
    }
    return {
      certificates: Array.from({ length: 20 }, (_, i) => ({
        certificate: `cert-${i}`, dir: `/etc/certctl/certs/cert-${i}`, exitCode: 0,
        event: i === done % 20 ? "failed" : i === (done + 7) % 20 ? "renewed" : "unchanged", message: "HTTP 503 from the server",
      })),
    };
  },
});
const r = (x) => Math.round(x * 10) / 10;
console.log(JSON.stringify({ cycles, rss100: r(samples.rss100), rss10000: r(samples.rss10000), heap100: r(samples.heap100), heap10000: r(samples.heap10000), logged: sink > 0 }));
