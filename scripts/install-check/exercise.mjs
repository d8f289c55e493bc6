// The run an installed certctl must survive, whatever form it was installed in (the npm package,
// the single executable, the container's root filesystem): --version, the bash completion,
// a dev server started from the installation, issue against it, renew --force, inspect.
// Every step must exit 0 with nothing on stderr (a warning from Node or npm is a failure).
// The caller says how to run the installation (`command`: argv prefix, e.g. a chroot wrapper),
// with which environment, and how paths it writes map to paths here (`hostPath`).
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";

export class CheckFailed extends Error {}

export function check(ok, what) {
  if (!ok) throw new CheckFailed(what);
  process.stderr.write(`  ok  ${what}\n`);
}

/** Run to completion; fail with its output if it exits non-zero or writes to stderr. */
export function run(command, args, { env, cwd, label = args.join(" "), allowStderr = false } = {}) {
  const [file, ...pre] = command;
  const r = spawnSync(file, [...pre, ...args], { env, cwd, encoding: "utf8", timeout: 60_000 });
  if (r.error) throw new CheckFailed(`${label}: ${r.error.message}`);
  if (r.status !== 0) throw new CheckFailed(`${label}: exit ${r.status ?? r.signal}\n${r.stdout}${r.stderr}`);
  if (!allowStderr && r.stderr !== "") throw new CheckFailed(`${label}: wrote to stderr:\n${r.stderr}`);
  return r.stdout;
}

/**
 * @param {object} o
 * @param {string[]} o.command   argv prefix that runs the installed certctl
 * @param {Record<string,string>} o.env  the whole environment (no INFISICAL_* from the caller's shell)
 * @param {string} o.cwd
 * @param {string} o.workDir     a directory the installation can write, as the installation sees it
 * @param {(p: string) => string} [o.hostPath]  that path as this process sees it
 * The expected `--version` and `completion bash` outputs are the source tree's (package.json,
 * completions/certctl.bash): what was installed must match what was built.
 */
export async function exercise({ command, env, cwd, workDir, hostPath = (p) => p }) {
  const version = JSON.parse(repoFile("package.json")).version;
  const completionBash = repoFile("completions/certctl.bash");
  const opts = { env, cwd };
  check(run(command, ["--version"], opts) === `${version}\n`, `certctl --version prints ${version}`);
  check(run(command, ["completion", "bash"], opts) === completionBash, "certctl completion bash equals completions/certctl.bash");

  const server = await startDevServer(command, opts);
  try {
    const serverEnv = { ...env, INFISICAL_DOMAIN: server.info.url, INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: server.info.clientId, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: server.info.clientSecret };
    const dir = `${workDir}/issued`;
    const issued = JSON.parse(run(command, ["issue", "--profile", server.info.profileId, "--cn", "install.localhost", "--dns", "install.localhost", "--out-dir", dir, "--json"], { ...opts, env: serverEnv }));
    check(issued.status === "issued" && /^[0-9a-f]+$/.test(issued.serialNumber), `certctl issue against the dev server (serial ${issued.serialNumber})`);
    const subject = spawnSync("openssl", ["x509", "-noout", "-subject", "-in", hostPath(`${dir}/cert.pem`)], { encoding: "utf8" }).stdout;
    check(/CN\s*=\s*install\.localhost/.test(subject), `openssl reads the issued certificate (${subject.trim()})`);

    run(command, ["renew", "--force", "--quiet", dir], { ...opts, env: serverEnv });
    const inspected = JSON.parse(run(command, ["inspect", `${dir}/cert.pem`, "--json"], opts));
    const leaf = inspected.certificates[0];
    check(leaf.subject === "CN=install.localhost" && leaf.serialNumber !== issued.serialNumber && inspected.chainLinked === true,
      `certctl renew --force replaced it and certctl inspect reads the new one (serial ${leaf.serialNumber})`);
  } finally {
    await server.stop();
  }
  check(server.stderr() === "", "the dev server wrote nothing to stderr");
}

/** `certctl dev-server --port 0 --json`: resolves once it has printed its first line (the URL and credentials). */
function startDevServer(command, { env, cwd }) {
  const [file, ...pre] = command;
  const child = spawn(file, [...pre, "dev-server", "--port", "0", "--json"], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    exited.then((code) => reject(new CheckFailed(`dev-server exited ${code} before it was ready:\n${stderr}`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      resolve({
        info: JSON.parse(line),
        stderr: () => stderr,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

export const repoFile = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/**
 * A check script's body, with the temporary directory it made: "<name> passed", or "<name> FAILED:
 * why" and exit code 1. The directory is removed either way.
 */
export async function runCheck(name, tmp, body) {
  try {
    await body();
    process.stderr.write(`${name} passed\n`);
  } catch (error) {
    process.stderr.write(`${name} FAILED: ${error instanceof CheckFailed ? error.message : error.stack}\n`);
    process.exitCode = 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
