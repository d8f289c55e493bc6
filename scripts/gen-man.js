#!/usr/bin/env node
// Writes man/certctl.1 from the built command tree (dist/), like gen-completions.js does for the
// shell scripts. Run `npm run build` first; test/e2e/man.test.ts fails when man/certctl.1 falls
// behind the commands and flags.
import { mkdirSync, writeFileSync } from "node:fs";
import { manPageText } from "../dist/man.cjs";

mkdirSync(new URL("../man/", import.meta.url), { recursive: true });
writeFileSync(new URL("../man/certctl.1", import.meta.url), manPageText());
console.log("wrote man/certctl.1");
