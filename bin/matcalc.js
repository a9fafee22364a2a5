#!/usr/bin/env node
// Entry point: the compiled CLI (built by `npm ci` / `npm run build` into dist/).
import { main } from '../dist/bundle/cli.js';

// a closed pipe (matcalc … | head) ends the output quietly
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2));
