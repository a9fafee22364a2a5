#!/usr/bin/env node
// Entry point: the compiled CLI, bundled by `npm ci` / `npm run build` into dist/bundle/.
import { statSync } from 'node:fs';

// After a bare `tsc` (without `npm run build`) the bundle is older than tsc's output: run that instead
// (slower to start, but not stale). An installed package has only the bundle.
const mtime = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -Infinity;
  }
};
const entry = mtime('../dist/src/cli/main.js') > mtime('../dist/bundle/cli.js') ? '../dist/src/cli/main.js' : '../dist/bundle/cli.js';
const { main } = await import(entry);

// a closed pipe (matcalc … | head) ends the output quietly
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2));
