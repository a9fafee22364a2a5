#!/usr/bin/env node
// Entry point: the compiled CLI (built by `npm ci` / `npm run build` into dist/).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2));
