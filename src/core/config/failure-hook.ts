// A failed attempt (apply or an agent cycle) runs the entry's `failure-hook` with
// CERTCTL_EVENT=failed and CERTCTL_MESSAGE (the hook decides what a failure means: page someone,
// or nothing). It gets the variables of the certificate still in place when there is one, like
// the deploy hook, so it can say which certificate and how long it has left; a first issue that
// failed has none, and the hook then runs where certctl was started. A request still pending
// approval is not a failure: no hook runs for it. Issued/renewed events get the deploy hook.
import { existsSync } from "node:fs";
import type { Writable } from "node:stream";
import { metadataPaths, readMetadata } from "../../store/metadata.js";
import { runDeployHook, type HookResult, type HookVariables } from "../hooks.js";

export interface FailureHookParams {
  command: string;
  /** The entry's name, for CERTCTL_NAME. */
  name: string;
  dir: string;
  /** Why the attempt failed, for CERTCTL_MESSAGE (never a secret: it is the error's message). */
  message: string;
  /** Where the hook runs when the directory does not exist yet. */
  cwd: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  output: Writable;
  signal: AbortSignal;
}

export async function runFailureHook(params: FailureHookParams): Promise<HookResult> {
  const meta = await readMetadata(params.dir).catch(() => undefined);
  let variables: HookVariables | undefined;
  if (meta) {
    const paths = metadataPaths(params.dir, meta);
    variables = {
      dir: params.dir, cert: paths.cert, chain: paths.chain, fullchain: paths.fullchain,
      ...(meta.files.key !== undefined ? { key: paths.key } : {}),
      serialNumber: meta.serialNumber ?? "", notAfter: meta.notAfter ?? "",
    };
  }
  return runDeployHook({
    command: params.command,
    label: "failure hook",
    ...(variables ? { variables } : { cwd: existsSync(params.dir) ? params.dir : params.cwd }),
    timeoutMs: params.timeoutMs,
    env: { ...params.env, CERTCTL_EVENT: "failed", CERTCTL_NAME: params.name, CERTCTL_DIR: params.dir, CERTCTL_MESSAGE: params.message },
    output: params.output,
    signal: params.signal,
  });
}
