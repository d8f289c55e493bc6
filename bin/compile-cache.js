// V8's code cache for dist/, so a run does not parse and compile again what the last run of the
// same command compiled. What Node 22's `module.enableCompileCache()` does, for Node 20: dist/ is
// CommonJS (scripts/build.js) and each of its files is compiled here with the cache, or without
// one and its cache written when the command has finished.
//
// - Where: $CERTCTL_COMPILE_CACHE, else $XDG_CACHE_HOME/certctl, else ~/.cache/certctl; a
//   folder of its own per build of certctl and version of Node (the older ones are removed).
//   CERTCTL_COMPILE_CACHE=0 turns it off; CERTCTL_DEBUG=1 does too (its source-mapped stack
//   traces need Node's own loader).
// - Per command: a cache holds the functions a run compiled, so `renew` keeps its own and is not
//   served the handful `--help` compiled. A run that loads a file no cache covers yet writes
//   the caches of all the files it loaded, so a renewal after days of "nothing due" is covered.
// - Safe to lose and to share between runs: written to a temporary name and renamed; a folder
//   that is not the user's own (or is writable by others) is not used; any failure just means
//   compiling as usual. V8 checks each cache against the source and its own version and flags.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");

const DIST = path.join(__dirname, "..", "dist") + path.sep;

// The commands that talk to a server, and the built-ins they load. They run undici, whose HTTP
// parser is WebAssembly: V8's optimising tier would spend ~200 ms of a second thread compiling it
// beside the work, and keep the process alive ~100 ms at the end; --liftoff-only keeps it on the
// baseline tier. But a V8 flag set at run time changes V8's flag hash for the rest of the process,
// and a code cache made under another hash is rejected: certctl's own (made and read under the same
// flags: each command's caches are its own) and Node's cache of its built-in modules, which are
// then compiled from source (~25 ms for crypto, net, http and the rest, before the first request).
// So these built-ins are loaded first, then the flags are set; other commands set none.
// The second flag: V8 optimises a function once it has run for a while, compiling it on a second
// thread. A renewal's functions reach that point within the second it lasts, for code the run is
// nearly done with: ~90 ms of a second core (40 directories), which the run shares with the server
// it talks to when that is local. Four times V8's budget (67,584) leaves that to code that stays
// hot (a renewal of hundreds of directories). The agent runs the baseline tiers only: its cycles
// are an hour apart and wait on the disk and the network, and the optimiser's code and working
// memory were all its RSS grew by over a long life (scripts/bench/agent-rss.mjs: 50 -> 55 MB from
// cycle 100 to 10,000 with the heap flat at 3.5 MB; 46 -> 47 MB without the optimiser).
// test/e2e/compile-cache.test.ts fails when a built-in `renew` or `issue` loads is missing here.
const CONNECTING = new Set(["issue", "status", "renew", "revoke", "apply", "agent"]);
const CONNECTING_BUILTINS = ["node:tty", "node:net", "node:http", "node:assert", "node:diagnostics_channel", "node:os", "node:process", "node:fs/promises", "node:crypto"];

/** The V8 flags a command runs with (scripts/bench/ passes the agent's to its simulation). */
function v8FlagsFor(command) {
  if (!CONNECTING.has(command)) return [];
  return ["--liftoff-only", command === "agent" ? "--max-opt=1" : "--interrupt-budget=270336"];
}

function prepareV8(command) {
  const flags = v8FlagsFor(command);
  if (flags.length === 0) return;
  for (const id of CONNECTING_BUILTINS) require(id);
  void globalThis.crypto.subtle; // Node's WebCrypto, which makes the keys
  const v8 = require("node:v8");
  for (const flag of flags) v8.setFlagsFromString(flag);
}

/** Enable for a run of `argv`; returns the function that writes what this run compiled afresh. */
function enableCompileCache(argv, env = process.env) {
  const command = argv.find((arg) => /^[a-z][a-z-]*$/.test(arg)) ?? "-";
  prepareV8(command);
  const folder = cacheFolder(env);
  if (folder === undefined) return () => {};
  if (typeof Module.enableCompileCache === "function") {
    Module.enableCompileCache(folder.base);
    return () => {};
  }
  let buildId;
  try {
    buildId = fs.readFileSync(path.join(DIST, "build-id"), "utf8").trim();
  } catch {
    return () => {};
  }
  const dir = path.join(folder.base, `${buildId}-node${process.version}-${process.arch}`);
  // Checked once: a folder that is missing, not the user's, or writable by others is not read from.
  const readable = isOwnFolder(dir);
  const loaded = [];
  let uncached = 0;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (!filename.startsWith(DIST) || !filename.endsWith(".cjs")) return compile.apply(this, arguments);
    const file = path.join(dir, `${command}.${path.relative(DIST, filename).replaceAll(path.sep, "_")}.bin`);
    const cachedData = readable ? readOwn(file) : undefined;
    const script = new vm.Script(Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
    loaded.push({ script, file });
    if (cachedData === undefined || script.cachedDataRejected) uncached += 1;
    const module = this;
    const require = (id) => module.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
    require.cache = Module._cache;
    require.main = process.mainModule;
    return script.runInThisContext().call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  };
  return () => {
    // Nothing new: every file came with a cache. Otherwise this run went further than the runs
    // that wrote the caches (say a renewal after runs with nothing due), and the caches of every
    // file it loaded are written again with what it compiled (~15 ms, once).
    if (uncached === 0) return;
    try {
      if (!ownFolder(dir, true)) return;
      for (const { script, file } of loaded) {
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(temp, file);
      }
      // Caches of other builds and Node versions are dead weight once this one is written.
      for (const entry of fs.readdirSync(folder.base)) {
        if (entry !== path.basename(dir) && /^[0-9a-f]{16}-nodev\d/.test(entry)) {
          fs.rmSync(path.join(folder.base, entry), { recursive: true, force: true });
        }
      }
    } catch {
      // a cache that cannot be written is a run compiled as usual
    }
  };
}

function cacheFolder(env) {
  const setting = env.CERTCTL_COMPILE_CACHE;
  if (setting === "0" || env.CERTCTL_DEBUG === "1") return undefined;
  if (setting !== undefined && setting !== "") return path.isAbsolute(setting) ? { base: setting } : undefined;
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return { base: path.join(env.XDG_CACHE_HOME, "certctl") };
  if (env.HOME && path.isAbsolute(env.HOME)) return { base: path.join(env.HOME, ".cache", "certctl") };
  return undefined;
}

/**
 * A folder of this user's that nobody else can write to, made 0700 when `create` — and only inside
 * a folder of this user's: `sudo certctl` with another user's HOME leaves nothing of root's there.
 */
function ownFolder(dir, create) {
  const uid = process.geteuid ? process.geteuid() : undefined;
  if (create && !fs.existsSync(dir)) {
    let existing = path.dirname(dir);
    while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    if (uid !== undefined && fs.statSync(existing).uid !== uid) return false;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const stat = fs.lstatSync(dir);
  return stat.isDirectory() && stat.uid === (uid ?? stat.uid) && (stat.mode & 0o022) === 0;
}

function isOwnFolder(dir) {
  try {
    return ownFolder(dir, false);
  } catch {
    return false;
  }
}

/** The cache file's bytes, when it is a regular file of this user's that others cannot write. */
function readOwn(file) {
  try {
    const data = fs.readFileSync(file);
    const stat = fs.lstatSync(file);
    const uid = process.geteuid ? process.geteuid() : stat.uid;
    return stat.isFile() && stat.uid === uid && (stat.mode & 0o022) === 0 ? data : undefined;
  } catch {
    return undefined;
  }
}

module.exports = { enableCompileCache, v8FlagsFor };
