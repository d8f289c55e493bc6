// A failed attempt runs the certificate's recorded deploy hook with CERTCTL_EVENT=failed (the
// hook decides what a failure means: page someone, or nothing), with the variables of the
// certificate still in place. Issued/renewed events get their hook from the issue/renew core.
import type { Writable } from "node:stream";
import { metadataPaths, readMetadata } from "../../store/metadata.js";
import { runDeployHook, type HookResult } from "../hooks.js";

export interface FailureHookParams {
  dir: string;
  /** Why the attempt failed, for CERTCTL_MESSAGE (never a secret: it is the error's message). */
  message: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  output: Writable;
  signal: AbortSignal;
}

/** Undefined when the directory records no hook (or no readable certctl.json). */
export async function runFailureHook(params: FailureHookParams): Promise<HookResult | undefined> {
  const meta = await readMetadata(params.dir).catch(() => undefined);
  if (!meta?.deployHook) return undefined;
  const paths = metadataPaths(params.dir, meta);
  return runDeployHook({
    command: meta.deployHook,
    variables: {
      dir: params.dir, cert: paths.cert, chain: paths.chain, fullchain: paths.fullchain, key: paths.key,
      serialNumber: meta.serialNumber ?? "", notAfter: meta.notAfter ?? "",
    },
    timeoutMs: params.timeoutMs,
    env: { ...params.env, CERTCTL_EVENT: "failed", CERTCTL_MESSAGE: params.message },
    output: params.output,
    signal: params.signal,
  });
}
