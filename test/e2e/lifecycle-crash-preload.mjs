// Loaded with `node --import` by the crash test only: kills the certctl process with SIGKILL at
// one step of the file swap (CRASH_AT_STEP), by watching the renames the store makes. The
// shipped command has no crash seam; this file is the whole of it.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const step = process.env.CRASH_AT_STEP;
const { rename, readdir } = fs.promises;
let swapped = false;
const die = () => process.kill(process.pid, "SIGKILL");

fs.promises.rename = async function (from, to, ...rest) {
  const intoLive = String(to).endsWith("/.certctl/live");
  // version-written: the new version folder is complete, `live` still points at the old one.
  if (intoLive && step === "version-written") die();
  const result = await rename.call(this, from, to, ...rest);
  if (intoLive) {
    swapped = true;
    if (step === "live-swapped") die();
  }
  return result;
};
// links-installed: the store lists the versions to prune once every link is in place.
fs.promises.readdir = async function (path, ...rest) {
  if (swapped && step === "links-installed" && String(path).endsWith("/.certctl/versions")) die();
  return readdir.call(this, path, ...rest);
};
syncBuiltinESMExports();
