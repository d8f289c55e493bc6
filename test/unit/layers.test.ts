// The import rules of docs/architecture.md, checked on every source file: a folder may import
// only the folders below it. A type-only import (`import type`) carries no code and no load
// order, so the result types of core may be named by ui; a value import may not cross upward.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** The layer a source file belongs to: its first folder, with core split into its rooms. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split(/[\\/]/);
  return parts[0] ?? "";
}

/** Which layers each layer may import values from (itself always allowed). */
const VALUE_IMPORTS: Record<string, readonly string[]> = {
  util: [],
  model: ["util"],
  api: ["model", "util"],
  store: ["model", "util"],
  core: ["model", "util", "api", "store"],
  ui: ["model", "util"],
  devserver: ["model", "util", "core"],
  cli: ["model", "util", "api", "store", "core", "ui", "devserver"],
};
/** Type-only imports may also name these (result and progress types a renderer reads). */
const TYPE_IMPORTS: Record<string, readonly string[]> = {
  ui: ["core", "store", "api"],
  core: [],
  api: [],
  store: [],
  model: [],
  util: [],
  devserver: ["api"],
  cli: [],
};
/** Packages that belong to one layer only: the terminal to ui, the command parser to cli. */
const PACKAGE_OWNERS: Record<string, readonly string[]> = {
  chalk: ["ui"],
  ora: ["ui"],
  commander: ["cli"],
};

interface Edge {
  from: string;
  spec: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, "utf8");
  const edges: Edge[] = [];
  const statics = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms;
  for (const m of text.matchAll(statics)) edges.push({ from: file, spec: m[3]!, typeOnly: m[2] !== undefined });
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) edges.push({ from: file, spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) edges.push({ from: file, spec: m[1]!, typeOnly: false });
  return edges;
}

function violations(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = layerOf(file);
    for (const edge of importsOf(file)) {
      const where = relative(SRC, file);
      if (!edge.spec.startsWith(".")) {
        const pkg = edge.spec.startsWith("@") ? edge.spec.split("/").slice(0, 2).join("/") : edge.spec.split("/")[0]!;
        const owners = PACKAGE_OWNERS[pkg];
        if (owners && !owners.includes(layer) && !edge.typeOnly) found.push(`${where} imports ${pkg}, which only ${owners.join(", ")}/ may use`);
        continue;
      }
      const target = layerOf(resolve(dirname(file), edge.spec));
      if (target === layer) continue;
      const allowed = [...(VALUE_IMPORTS[layer] ?? []), ...(edge.typeOnly ? (TYPE_IMPORTS[layer] ?? []) : [])];
      if (!allowed.includes(target)) found.push(`${where} imports ${edge.typeOnly ? "types from " : ""}${target}/ (${edge.spec})`);
    }
  }
  return found;
}

describe("the import rules of docs/architecture.md", () => {
  it("every layer is known", () => {
    const layers = new Set(sourceFiles(SRC).map(layerOf));
    expect([...layers].filter((layer) => !(layer in VALUE_IMPORTS))).toEqual([]);
  });

  it("no folder imports one it must not", () => {
    expect(violations()).toEqual([]);
  });
});
