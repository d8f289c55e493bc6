#!/usr/bin/env node
// Tiny shim: all behaviour lives in src/main.ts (compiled to dist/).
import { main } from "../dist/main.js";

process.exitCode = await main(process.argv.slice(2));
