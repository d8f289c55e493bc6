#!/usr/bin/env node
// Writes completions/certctl.{bash,zsh,fish} from the built command tree (dist/), the same way
// `certctl completion <shell>` prints them. Run `npm run build` first; test/e2e/completion.test.ts
// fails when the committed files fall behind the commands and flags.
import { mkdirSync, writeFileSync } from "node:fs";
import { Writable, Readable } from "node:stream";
import { buildProgram } from "../dist/program.cjs";
import { generateCompletion } from "../dist/completion.cjs";

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const io = {
  stdout: discard(), stderr: discard(), stdin: Readable.from([]), env: {}, cwd: process.cwd(),
  stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false,
};
const program = buildProgram(io, new AbortController().signal, { exitCode: 0 });
const dir = new URL("../completions/", import.meta.url);
mkdirSync(dir, { recursive: true });
for (const shell of ["bash", "zsh", "fish"]) {
  const file = new URL(`certctl.${shell}`, dir);
  writeFileSync(file, generateCompletion(program, shell));
  console.log(`wrote completions/certctl.${shell}`);
}
