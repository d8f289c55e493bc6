#!/usr/bin/env node
// npm run bench — measures certctl against its baselines and prints a table of medians and
// ratios (and writes it as JSON under bench-results/ for comparing runs). Every measurement
// runs several times after a warm-up, alternating the command and its baseline so that
// machine noise hits both. Ratios, not absolute times, are the targets: they hold on any machine.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "certctl.js");
const node = process.execPath;
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const WARMUP = 2;
// BENCH_ONLY=startup,issue,keygen,fleet,p12 runs a subset (memory runs with issue).
const only = new Set((process.env.BENCH_ONLY ?? "startup,issue,keygen,fleet,p12").split(","));
const work = mkdtempSync(join(tmpdir(), "certctl-bench-"));
const rows = [];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timeOnce(cmd, args, env = process.env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return ms;
}

/** Alternate a and b (a fresh argument list per run), after a warm-up; medians of each. */
function interleave(a, b, runs = RUNS) {
  const ta = [], tb = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const x = timeOnce(...a(i)), y = timeOnce(...b(i));
    if (i >= WARMUP) { ta.push(x); tb.push(y); }
  }
  return [median(ta), median(tb)];
}

function row(name, value, baselineName, baseline, target, unit = "ms") {
  const ratio = baseline ? value / baseline : undefined;
  const pass = typeof target === "number" ? (baseline ? ratio <= target : value <= target) : target(value, ratio);
  rows.push({ name, value: round(value), unit, baselineName, baseline: baseline && round(baseline), ratio: ratio && round(ratio, 2), target: typeof target === "number" ? (baseline ? `≤ ${target}×` : `≤ ${target} ${unit}`) : target.text, pass });
  process.stderr.write(`  ${name}: ${round(value)} ${unit}${baseline ? ` vs ${round(baseline)} (${round(ratio, 2)}×)` : ""}\n`);
}
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function startServer(args) {
  const child = spawn(node, [bin, "dev-server", "--port", "0", "--json", ...args], { stdio: ["ignore", "pipe", "ignore"] });
  const info = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`dev server exited ${code}`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  });
  const env = { ...process.env, INFISICAL_DOMAIN: info.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: info.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: info.clientSecret };
  return { info, env, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

const issueArgs = (info, dir) => [bin, "issue", "--profile", info.profileId, "--cn", "bench.localhost", "--dns", "bench.localhost", "--ttl", "30d", "--out-dir", dir, "--quiet"];

/** Issue into n fresh directories, a few processes at a time. */
async function issueMany(server, n, prefix) {
  const dirs = Array.from({ length: n }, (_, i) => join(work, `${prefix}-${i}`));
  let next = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const dir = dirs[next++];
      await new Promise((resolve, reject) => {
        const c = spawn(node, issueArgs(server.info, dir), { env: server.env, stdio: "ignore" });
        c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`issue into ${dir} exited ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return dirs;
}

function peakRss(args, env) {
  const file = join(work, `rss-${Date.now()}-${Math.random()}`);
  writeFileSync(file, "");
  const r = spawnSync(node, args, { env: { ...env, NODE_OPTIONS: `--require ${join(root, "scripts/bench/rss.cjs")}`, CERTCTL_BENCH_RSS_FILE: file }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return Math.max(...readFileSync(file, "utf8").trim().split("\n").map(Number)) / 1024;
}

process.stderr.write(`certctl bench: ${RUNS} runs per measurement after ${WARMUP} warm-up runs; work dir ${work}\n`);

// 1. Start-up against the floor, a bare Node process.
if (only.has("startup")) {
  process.stderr.write("start-up\n");
  // Start-up runs are cheap and the noisiest: take at least 31 of each.
  const runs = Math.max(RUNS, 31);
  const [v, n1] = interleave(() => [node, [bin, "--version"]], () => [node, ["-e", "0"]], runs);
  row("certctl --version", v, "node -e 0", n1, 1.3);
  const [h, n2] = interleave(() => [node, [bin, "--help"]], () => [node, ["-e", "0"]], runs);
  row("certctl --help", h, "node -e 0", n2, 1.5);
}

// 2. Issue: certctl (login + key + CSR + issue + verify + files) against a minimal client.
if (only.has("issue")) {
  process.stderr.write("issue\n");
  const server = await startServer([]);
  const [c, m] = interleave(
    (i) => [node, issueArgs(server.info, join(work, `issue-${i}`)), server.env],
    (i) => [node, [join(root, "scripts/bench/minimal-client.mjs"), server.info.url, server.info.profileId, join(work, `minimal-${i}`)], server.env],
  );
  row("certctl issue (P-256, login + issue + files)", c, "minimal fetch client + openssl CSR", m, 1.5);
  const rss = [1, 2, 3].map((i) => peakRss(issueArgs(server.info, join(work, `rss-issue-${i}`)), server.env));
  row("peak RSS, certctl issue", median(rss), undefined, undefined, 90, "MB");

  process.stderr.write("memory: 200-directory renew\n");
  const dirs = await issueMany(server, 200, "fleet200");
  row("peak RSS, renew of 200 directories (--force)", peakRss([bin, "renew", "--force", "--quiet", ...dirs], server.env), undefined, undefined, 150, "MB");
  await server.stop();
}

// 3. Key generation: certctl's key + CSR + PKCS#8 export against `openssl req -newkey`. Each run
// of ours is one process (timed inside it, modules loaded and warmed), alternating with openssl:
// RSA prime search varies a lot from key to key (RSA-4096: 0.4–4 s here), so both sides take the
// same number of draws, at least 31 of them.
if (only.has("keygen")) process.stderr.write("key generation\n");
for (const [alg, openssl] of [["EC_prime256v1", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]], ["RSA_2048", ["rsa:2048"]], ["RSA_4096", ["rsa:4096"]]].filter(() => only.has("keygen"))) {
  const ours = [], theirs = [];
  for (let i = 0; i < Math.max(RUNS, 31); i++) {
    const r = spawnSync(node, [join(root, "scripts/bench/keygen.mjs"), alg, "1"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    ours.push(...JSON.parse(r.stdout));
    theirs.push(timeOnce("openssl", ["req", "-new", "-newkey", ...openssl, "-nodes", "-keyout", "/dev/null", "-out", "/dev/null", "-subj", "/CN=bench.localhost"]));
  }
  row(`key + CSR ${alg}`, median(ours), "openssl req -newkey", median(theirs), 1.5);
}

// 3b. PKCS#12: certctl's writer (in process, warm) against `openssl pkcs12 -export` (a process, so
// ~5 ms of start-up is in its number) on the same key, leaf and chain from a P-256 and an RSA-2048
// self-signed pair. certctl: PBKDF2 100,000 rounds ×2 + MAC 10,000 (legacy: 2,048); openssl's
// default is 2,048 for both, so a second baseline gives openssl certctl's counts (-iter 100000,
// whose MAC then also runs 100,000).
if (only.has("p12")) {
  process.stderr.write("PKCS#12\n");
  for (const [label, newkey] of [["P-256", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]], ["RSA-2048", ["rsa:2048"]]]) {
    const dir = mkdtempSync(join(work, "p12-"));
    const [key, cert] = [join(dir, "key.pem"), join(dir, "cert.pem")];
    timeOnce("openssl", ["req", "-x509", "-newkey", ...newkey, "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=bench.localhost", "-days", "2"]);
    writeFileSync(join(dir, "pass"), "bench-password\n");
    for (const mode of ["modern", "legacy"]) {
      const r = spawnSync(node, [join(root, "scripts/bench/p12.mjs"), key, cert, cert, mode, String(RUNS)], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
      const ours = median(JSON.parse(r.stdout));
      const base = ["pkcs12", "-export", "-inkey", key, "-in", cert, "-passout", `file:${join(dir, "pass")}`, "-out", join(dir, "o.p12"), ...(mode === "legacy" ? ["-legacy"] : [])];
      const theirs = median(Array.from({ length: RUNS }, () => timeOnce("openssl", base)));
      row(`p12 ${label} ${mode} (certctl, in process)`, ours, `openssl pkcs12 -export${mode === "legacy" ? " -legacy" : ""}`, theirs, Object.assign(() => true, { text: "reference" }));
      if (mode === "modern") {
        const matched = median(Array.from({ length: RUNS }, () => timeOnce("openssl", [...base, "-iter", "100000"])));
        row(`p12 ${label} modern vs openssl -iter 100000`, ours, "openssl pkcs12 -export -iter 100000", matched, Object.assign(() => true, { text: "reference" }));
      }
    }
  }
}

// 4. Fleet: 40 due directories over a 50 ms network, one at a time against eight at a time.
if (only.has("fleet")) {
  process.stderr.write("fleet\n");
  const server = await startServer(["--latency", "50ms"]);
  const dirs = await issueMany(server, 40, "fleet40");
  const fleetRuns = Number(process.env.BENCH_FLEET_RUNS ?? 3);
  const [one, eight] = interleave(
    () => [node, [bin, "renew", "--force", "--quiet", "--concurrency", "1", ...dirs], server.env],
    () => [node, [bin, "renew", "--force", "--quiet", "--concurrency", "8", ...dirs], server.env],
    fleetRuns,
  );
  const speedup = one / eight;
  rows.push({ name: "renew 40 dirs, --latency 50ms: concurrency 1 vs 8", value: round(one), unit: "ms", baselineName: "concurrency 8", baseline: round(eight), ratio: round(speedup, 2), target: "speed-up ≥ 5×", pass: speedup >= 5 });
  process.stderr.write(`  fleet: ${round(one)} ms vs ${round(eight)} ms (${round(speedup, 2)}× faster)\n`);

  // The ceiling: what the same measurement gives a client that does no local work at all
  // (scripts/bench/minimal-renew.mjs), on 40 certificates of its own. Not a target; it shows
  // how much of the gap is certctl's and how much is the machine's (Node start, the login,
  // five rounds of 50 ms, the dev server signing 40 certificates on the same cores).
  const csrFile = join(work, "minimal-renew.csr");
  spawnSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null",
    "-subj", "/CN=bench.localhost", "-addext", "subjectAltName=DNS:bench.localhost", "-out", csrFile], { stdio: "ignore" });
  const minimalDirs = await issueMany(server, 40, "fleet40-minimal");
  const stateFile = join(work, "minimal-renew.json");
  writeFileSync(stateFile, JSON.stringify({
    csr: readFileSync(csrFile, "utf8"),
    ids: minimalDirs.map((dir) => JSON.parse(readFileSync(join(dir, "certctl.json"), "utf8")).certificateId),
  }));
  const minimalRenew = join(root, "scripts/bench/minimal-renew.mjs");
  const [mOne, mEight] = interleave(
    () => [node, [minimalRenew, server.info.url, stateFile, "1"], server.env],
    () => [node, [minimalRenew, server.info.url, stateFile, "8"], server.env],
    fleetRuns,
  );
  const ceiling = mOne / mEight;
  rows.push({ name: "ceiling: minimal renew client (no local work), same 40 renewals: concurrency 1 vs 8", value: round(mOne), unit: "ms", baselineName: "concurrency 8", baseline: round(mEight), ratio: round(ceiling, 2), target: "none (reference)", pass: true, reference: true });
  process.stderr.write(`  fleet ceiling: ${round(mOne)} ms vs ${round(mEight)} ms (${round(ceiling, 2)}× faster)\n`);
  await server.stop();

  // For reference, the same run where the network dominates: 200 ms per answer is a WAN round
  // trip plus the ~0.1 s a real Infisical takes to issue (infisical-api.md).
  const slow = await startServer(["--latency", "200ms"]);
  const slowDirs = await issueMany(slow, 40, "fleet40-slow");
  const [sOne, sEight] = interleave(
    () => [node, [bin, "renew", "--force", "--quiet", "--concurrency", "1", ...slowDirs], slow.env],
    () => [node, [bin, "renew", "--force", "--quiet", "--concurrency", "8", ...slowDirs], slow.env],
    fleetRuns,
  );
  rows.push({ name: "renew 40 dirs, --latency 200ms: concurrency 1 vs 8", value: round(sOne), unit: "ms", baselineName: "concurrency 8", baseline: round(sEight), ratio: round(sOne / sEight, 2), target: "none (reference)", pass: true, reference: true });
  process.stderr.write(`  fleet at 200 ms: ${round(sOne)} ms vs ${round(sEight)} ms (${round(sOne / sEight, 2)}× faster)\n`);
  await slow.stop();
}

rmSync(work, { recursive: true, force: true });
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, openssl: spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout.trim() };
const result = { date: new Date().toISOString(), machine, runs: RUNS, rows };
mkdirSync(join(root, "bench-results"), { recursive: true });
const out = join(root, "bench-results", `bench-${result.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(out, JSON.stringify(result, null, 2) + "\n");

const table = [["measurement", "measured", "baseline", "ratio", "target", ""], ...rows.map((r) => [
  r.name, `${r.value} ${r.unit}`, r.baseline === undefined ? "" : `${r.baseline} ${r.unit} (${r.baselineName})`, r.ratio === undefined ? "" : `${r.ratio}×`, r.target, r.reference ? "" : r.pass ? "ok" : "MISSED"])];
const widths = table[0].map((_, i) => Math.max(...table.map((t) => t[i].length)));
console.log(`\n${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.openssl}\n`);
for (const [i, t] of table.entries()) {
  console.log("| " + t.map((c, j) => c.padEnd(widths[j])).join(" | ") + " |");
  if (i === 0) console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
}
console.log(`\nJSON: ${out}`);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
