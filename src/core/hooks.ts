// Hooks: the deploy hook, a shell command run once per renewed directory after its files are in
// place (usually to reload a service), and the pre/post hooks run once per renew run. It gets the paths and the new serial in its
// environment — never certctl's secrets — and is killed with its whole process group when it
// outlives its timeout, so a `reload` that hangs cannot keep a 3 a.m. cron run alive forever.
import type { Writable } from "node:stream";

/**
 * Variables a hook never sees. A hook is a reload command, not a login: nothing that authenticates
 * to Infisical or to a cloud platform reaches it (a hook that prints `env` into a log would leak
 * it). Every INFISICAL_* variable is dropped except the few that are settings, not credentials,
 * so a credential variable added later is stripped without anyone remembering this list.
 */
const SECRET_ENV = new Set([
  "CERTCTL_P12_PASSWORD",
  // AWS: the secret half of a key pair and the session tokens (the key id and region are not secrets).
  "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  // GitHub Actions: whoever holds the request token and URL can mint OIDC tokens for the job.
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_RUNTIME_TOKEN",
  // Azure App Service managed identity: the header is the credential (MSI_SECRET in older builds).
  "IDENTITY_HEADER", "MSI_SECRET",
]);
/** INFISICAL_* settings that name a server or an identity but prove nothing: a hook may use them. */
const INFISICAL_SETTINGS = new Set([
  "INFISICAL_DOMAIN", "INFISICAL_API_URL", "INFISICAL_CACERT", "INFISICAL_AUTH_METHOD", "INFISICAL_MACHINE_IDENTITY_ID",
  "INFISICAL_AUTH_ORGANIZATION_SLUG", "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID",
]);

/** True for a variable that authenticates someone and so never reaches a hook. */
export function isSecretVariable(name: string): boolean {
  if (SECRET_ENV.has(name)) return true;
  if (name.startsWith("INFISICAL_")) return !INFISICAL_SETTINGS.has(name);
  return false;
}

/** After SIGTERM on timeout, how long the group gets before SIGKILL. */
const KILL_GRACE_MS = 3_000;

export interface HookVariables {
  dir: string;
  cert: string;
  key?: string;
  chain: string;
  fullchain: string;
  serialNumber: string;
  notAfter: string;
}

export interface HookParams {
  command: string;
  /** A deploy hook's directory and files; absent for --pre-hook/--post-hook. */
  variables?: HookVariables;
  /** "deploy hook", "pre-hook", "post-hook": how failures read. */
  label?: string;
  /** Where a hook without variables runs. */
  cwd?: string;
  timeoutMs: number;
  /** certctl's environment; the hook inherits it minus the secrets. */
  env: NodeJS.ProcessEnv;
  /** Where the hook's stdout and stderr go (certctl's stderr: stdout is for results). */
  output: Writable;
  signal?: AbortSignal;
}

export interface HookResult {
  ok: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** One line saying what went wrong, for the directory's result. */
  reason?: string;
}

export function hookEnvironment(env: NodeJS.ProcessEnv, vars: HookVariables | undefined): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (!isSecretVariable(name)) out[name] = value;
  if (vars === undefined) return out;
  out.CERTCTL_DIR = vars.dir;
  out.CERTCTL_CERT_FILE = vars.cert;
  out.CERTCTL_KEY_FILE = vars.key ?? "";
  out.CERTCTL_CHAIN_FILE = vars.chain;
  out.CERTCTL_FULLCHAIN_FILE = vars.fullchain;
  out.CERTCTL_SERIAL = vars.serialNumber;
  out.CERTCTL_NOT_AFTER = vars.notAfter;
  return out;
}

export async function runDeployHook(params: HookParams): Promise<HookResult> {
  const label = params.label ?? "deploy hook";
  // Loaded when a hook runs: node:child_process costs ~9 ms at a start that runs none.
  const { spawn } = await import("node:child_process");
  return new Promise((resolve) => {
    // detached: the hook leads its own process group, so a timeout kills `sh` and everything it started.
    const child = spawn("/bin/sh", ["-c", params.command], {
      cwd: params.variables?.dir ?? params.cwd ?? process.cwd(),
      env: hookEnvironment(params.env, params.variables),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout.pipe(params.output, { end: false });
    child.stderr.pipe(params.output, { end: false });
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    const stop = () => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, params.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    params.signal?.addEventListener("abort", onAbort, { once: true });

    let settled = false;
    const finish = (result: HookResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      params.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    child.on("error", (error) => {
      finish({ ok: false, exitCode: null, signal: null, timedOut: false, reason: `could not start the ${label}: ${error.message}` });
    });
    // Completion is the hook's own exit: a daemon it started may keep the pipes open for days.
    // Output still in the pipes gets a moment to arrive, then the pipes are dropped.
    child.on("exit", (exitCode, signal) => {
      const done = () => {
        child.stdout.unpipe(params.output);
        child.stderr.unpipe(params.output);
        child.stdout.destroy();
        child.stderr.destroy();
        finish(outcome(exitCode, signal));
      };
      const grace = setTimeout(done, 500);
      child.once("close", () => {
        clearTimeout(grace);
        done();
      });
    });
    const outcome = (exitCode: number | null, signal: NodeJS.Signals | null): HookResult => {
      if (timedOut) {
        return { ok: false, exitCode, signal, timedOut, reason: `${label} timed out after ${formatSeconds(params.timeoutMs)} and was killed` };
      }
      if (aborted) return { ok: false, exitCode, signal, timedOut, reason: `${label} stopped: certctl was interrupted` };
      if (exitCode === 0) return { ok: true, exitCode, signal, timedOut };
      const how = signal ? `was killed by ${signal}` : `exited with status ${exitCode}`;
      return { ok: false, exitCode, signal, timedOut, reason: `${label} ${how}` };
    };
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
