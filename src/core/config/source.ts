// A declarative file as read from disk: its data and, for every value, the line it is on, so an
// error can say `certctl.yaml:14:`. JSON is YAML too, so one parser serves both and keeps ranges.
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { LineCounter, isNode, parseDocument, type Document } from "yaml";
import { UsageError, fileError } from "../../model/errors.js";

/** A path into the data: keys and array indexes, as ajv's instancePath names them. */
export type DataPath = ReadonlyArray<string | number>;

export interface ConfigSource {
  /** Absolute path of the file. */
  path: string;
  /** What messages call it (the base name). */
  label: string;
  data: unknown;
  /** The line (1-based) of the value at `path`, or of its nearest ancestor that exists. */
  lineOf(path: DataPath): number;
}

export async function readConfigSource(path: string): Promise<ConfigSource> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw fileError("read", path, error);
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): ConfigSource {
  const label = basename(path);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line ?? lineCounter.linePos(problem.pos[0]).line;
    throw new UsageError(`${label}:${line}: not valid YAML or JSON: ${problem.message.split("\n")[0]}`);
  }
  const lineOf = (at: DataPath): number => nodeLine(doc, lineCounter, at);
  return { path, label, data: doc.toJS({ maxAliasCount: 100 }) as unknown, lineOf };
}

function nodeLine(doc: Document, lines: LineCounter, at: DataPath): number {
  for (let depth = at.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(at.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

/** `certificates[2].dns[1]` from ["certificates", 2, "dns", 1]. */
export function formatPath(at: DataPath): string {
  let text = "";
  for (const part of at) text += typeof part === "number" ? `[${part}]` : text === "" ? part : `.${part}`;
  return text;
}
