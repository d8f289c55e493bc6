// Colour decision in one place: on only when the stream is a terminal; NO_COLOR and
// --no-color turn it off; FORCE_COLOR turns it on even in a pipe (https://no-color.org).
import { Chalk, type ChalkInstance } from "chalk";

export function colorLevel(opts: { color: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): 0 | 1 | 2 | 3 {
  if (!opts.color) return 0;
  if (opts.env.NO_COLOR !== undefined && opts.env.NO_COLOR !== "") return 0;
  const force = opts.env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (force === "2" || force === "3") return Number(force) as 2 | 3;
    return 1;
  }
  if (!opts.isTTY || opts.env.TERM === "dumb") return 0;
  return 1;
}

export function makeChalk(level: 0 | 1 | 2 | 3): ChalkInstance {
  return new Chalk({ level });
}
