// Loaded with `node --import` by the crash test only: kills the certctl process with SIGKILL at
// one step of the file swap (CRASH_AT_STEP), by watching the renames the store makes. The
// shipped command has no crash seam; this file is the whole of it.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const step = process.env.CRASH_AT_STEP;
const { rename, readdir } = fs.promises;
const { renameSync, readdirSync } = fs;
const renameCallback = fs.rename;
let swapped = false;
const die = () => process.kill(process.pid, "SIGKILL");

// The store renames with node:fs's callback form and lists synchronously (store/atomic.ts); the
// synchronous and promise forms are watched too, so the seam does not depend on which one it uses.
function beforeRename(to) {
  const intoLive = String(to).endsWith("/.certctl/live");
  // version-written: the new version folder is complete, `live` still points at the old one.
  if (intoLive && step === "version-written") die();
  return intoLive;
}
function afterRename(intoLive) {
  if (!intoLive) return;
  swapped = true;
  if (step === "live-swapped") die();
}
// links-installed: the store lists the versions to prune once every link is in place.
function beforeReaddir(path) {
  if (swapped && step === "links-installed" && String(path).endsWith("/.certctl/versions")) die();
}

fs.renameSync = function (from, to, ...rest) {
  const intoLive = beforeRename(to);
  const result = renameSync.call(this, from, to, ...rest);
  afterRename(intoLive);
  return result;
};
fs.rename = function (from, to, ...rest) {
  const intoLive = beforeRename(to);
  const done = rest.pop();
  return renameCallback.call(this, from, to, ...rest, (error) => {
    if (!error) afterRename(intoLive);
    done(error);
  });
};
fs.promises.rename = async function (from, to, ...rest) {
  const intoLive = beforeRename(to);
  const result = await rename.call(this, from, to, ...rest);
  afterRename(intoLive);
  return result;
};
fs.readdirSync = function (path, ...rest) {
  beforeReaddir(path);
  return readdirSync.call(this, path, ...rest);
};
fs.promises.readdir = async function (path, ...rest) {
  beforeReaddir(path);
  return readdir.call(this, path, ...rest);
};
syncBuiltinESMExports();
