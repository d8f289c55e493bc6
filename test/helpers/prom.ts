// A strict reader of the Prometheus text exposition format (version 0.0.4), enough to hold
// certctl's textfile to the rules node_exporter's parser enforces: every sample line parses
// (metric name, label names, quoted label values with only \\, \" and \n escapes, a float value),
// HELP and TYPE at most once per family and before its samples, a family's samples contiguous,
// and no two samples with the same name and labels.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  help: Map<string, string>;
  type: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parseExposition(text: string): Exposition {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  const finished = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  const enter = (family: string, lineNo: number) => {
    if (family === current) return;
    if (finished.has(family)) throw new Error(`line ${lineNo}: ${family} appears again after other metrics (a family must be contiguous)`);
    if (current !== undefined) finished.add(current);
    current = family;
  };
  text.split("\n").slice(0, -1).forEach((line, index) => {
    const lineNo = index + 1;
    if (line.trim() === "") return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, family, rest] = meta as unknown as [string, "HELP" | "TYPE", string, string];
      if (!NAME.test(family) || NAME.exec(family)![0] !== family) throw new Error(`line ${lineNo}: bad metric name ${family}`);
      enter(family, lineNo);
      const map = kind === "HELP" ? help : type;
      if (map.has(family)) throw new Error(`line ${lineNo}: second ${kind} for ${family}`);
      if (kind === "TYPE" && samples.some((s) => s.name === family)) throw new Error(`line ${lineNo}: TYPE after samples of ${family}`);
      if (kind === "TYPE" && !["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) throw new Error(`line ${lineNo}: bad type ${rest}`);
      if (kind === "HELP" && /\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) throw new Error(`line ${lineNo}: bad escape in HELP`);
      map.set(family, rest);
      return;
    }
    if (line.startsWith("#")) return; // a comment
    const sample = parseSample(line, lineNo);
    enter(sample.name, lineNo);
    const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seen.has(key)) throw new Error(`line ${lineNo}: duplicate sample ${key}`);
    seen.add(key);
    samples.push(sample);
  });
  return { samples, help, type };
}

function parseSample(line: string, lineNo: number): Sample {
  let rest = line;
  const name = NAME.exec(rest)?.[0];
  if (!name) throw new Error(`line ${lineNo}: no metric name in ${JSON.stringify(line)}`);
  rest = rest.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    rest = rest.slice(1);
    while (!rest.startsWith("}")) {
      const label = LABEL_NAME.exec(rest)?.[0];
      if (!label) throw new Error(`line ${lineNo}: bad label name at ${JSON.stringify(rest)}`);
      rest = rest.slice(label.length);
      if (!rest.startsWith('="')) throw new Error(`line ${lineNo}: expected =" after ${label}`);
      rest = rest.slice(2);
      let value = "";
      for (;;) {
        const ch = rest[0];
        if (ch === undefined) throw new Error(`line ${lineNo}: unterminated label value`);
        rest = rest.slice(1);
        if (ch === '"') break;
        if (ch === "\\") {
          const next = rest[0];
          rest = rest.slice(1);
          if (next === "\\") value += "\\";
          else if (next === '"') value += '"';
          else if (next === "n") value += "\n";
          else throw new Error(`line ${lineNo}: bad escape \\${String(next)} in a label value`);
        } else value += ch;
      }
      if (label in labels) throw new Error(`line ${lineNo}: label ${label} twice`);
      labels[label] = value;
      if (rest.startsWith(",")) rest = rest.slice(1);
      else if (!rest.startsWith("}")) throw new Error(`line ${lineNo}: expected , or } at ${JSON.stringify(rest)}`);
    }
    rest = rest.slice(1);
  }
  const parts = rest.split(" ");
  if (parts[0] !== "" || parts.length < 2 || parts.length > 3) throw new Error(`line ${lineNo}: expected one space, a value and an optional timestamp: ${JSON.stringify(line)}`);
  const valueText = parts[1]!;
  const value = valueText === "NaN" ? NaN : valueText === "+Inf" ? Infinity : valueText === "-Inf" ? -Infinity : Number(valueText);
  if (valueText === "" || (Number.isNaN(value) && valueText !== "NaN")) throw new Error(`line ${lineNo}: bad value ${valueText}`);
  if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2])) throw new Error(`line ${lineNo}: bad timestamp ${parts[2]}`);
  return { name, labels, value };
}

/** The one sample of `name` whose labels include `match`. */
export function sampleOf(exposition: Exposition, name: string, match: Record<string, string>): Sample | undefined {
  return exposition.samples.find((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
