// `certctl inspect <file|->`: read the bytes, summarise them (src/core/inspect/inspect.ts), print the
// summary as text or as one JSON document.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { inspect } from "../../core/inspect/inspect.js";
import { FileError, UsageError } from "../../model/errors.js";
import { fileProblem } from "../shared/wording.js";
import { renderInspect } from "../../ui/inspect.js";
import { createOutput } from "../../ui/output.js";

export interface InspectCommandParams {
  /** A path, or "-" for standard input. */
  file: string;
}

/** A certificate bundle is kilobytes; refuse to buffer something that cannot be one. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export function inspectParams(command: Command): InspectCommandParams {
  return { file: String(command.args[0]) };
}

export async function run(ctx: CommandContext, command: Command): Promise<number> {
  const params = inspectParams(command);
  const output = createOutput(ctx);
  const stdin = params.file === "-";
  const bytes = stdin ? await readStream(ctx.io.stdin) : await readInputFile(resolve(ctx.io.cwd, params.file), params.file);
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new UsageError(`'${stdin ? "standard input" : params.file}' is ${bytes.length} bytes, too large to be a certificate, chain or CSR`);
  }
  const doc = await inspect({ bytes, source: stdin ? "standard input" : params.file, now: new Date() });
  for (const label of doc.skippedBlocks) output.warn(`skipped a ${label} block (only certificates and CSRs are shown)`);
  output.result(doc, () => renderInspect(doc, output.style));
  return 0;
}

async function readInputFile(path: string, shown: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new FileError(`cannot read '${shown}': ${fileProblem(error)}`);
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
