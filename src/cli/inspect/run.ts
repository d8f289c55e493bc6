// `certctl inspect <file|->`: read the bytes, summarise them (src/core/inspect/inspect.ts), print the
// summary as text or as one JSON document.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { inspect } from "../../core/inspect/inspect.js";
import { FileError, UsageError, fileError } from "../../model/errors.js";
import { invalidValue } from "../shared/wording.js";
import { renderInspect } from "../../ui/inspect.js";
import { createOutput } from "../../ui/output.js";

export interface InspectParams {
  /** An absolute path, or "-" for standard input. */
  file: string;
  /** How messages name the input: the path as typed, or "standard input". */
  source: string;
}

/** A certificate bundle is kilobytes; refuse to buffer something that cannot be one. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** The wiring: the <file> argument → params. */
export function parseInspectFlags(file: string, cwd: string): InspectParams {
  if (file.trim() === "") throw invalidValue("<file>", file, "expected a file path, or - for standard input");
  return file === "-" ? { file, source: "standard input" } : { file: resolve(cwd, file), source: file };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = parseInspectFlags(String(command.args[0] ?? ""), ctx.io.cwd);
  const output = createOutput(ctx);
  const bytes = params.file === "-" ? await readStream(ctx.io.stdin) : await readInputFile(params.file, params.source);
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new UsageError(`'${params.source}' is ${bytes.length} bytes, too large to be a certificate, chain or CSR`);
  }
  const password = await inspectPassword(command.opts<{ passwordFile?: string }>().passwordFile, ctx.io.cwd, ctx.io.env);
  const doc = await inspect({
    bytes, source: params.source, now: new Date(), ...(password !== undefined ? { password } : {}),
    passwordHint: "Pass --password-file <file> (its first line is the password), or set CERTCTL_P12_PASSWORD.",
  });
  for (const label of doc.skippedBlocks) output.warn(`skipped a block labelled ${label} (only certificates and CSRs are shown)`);
  output.result(doc, () => renderInspect(doc, output.style));
  return 0;
}

async function readInputFile(path: string, shown: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw fileError("read", `'${shown}'`, error);
  }
}

async function readStream(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(buffer);
      size += buffer.length;
      if (size > MAX_INPUT_BYTES) break;
    }
  } catch (error) {
    throw new FileError(`cannot read standard input: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks);
}

/** --password-file, else $CERTCTL_P12_PASSWORD when set; never argv. */
async function inspectPassword(file: string | undefined, cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { readPassword, P12_PASSWORD_ENV } = await import("../../core/formats/passwords.js");
  if (file !== undefined) return readPassword({ file: resolve(cwd, file) }, "--password-file", env);
  return (env[P12_PASSWORD_ENV] ?? "") !== "" ? env[P12_PASSWORD_ENV] : undefined;
}
