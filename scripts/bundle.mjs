// Bundles the compiled command line (and the library) into a few files: one module to load instead of
// a hundred, and of mathjs only the parser. Each command's code is a chunk loaded when it runs; KaTeX
// stays a package of its own, loaded only to render. Run after tsc (npm run build).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const entries = { cli: 'dist/src/cli/main.js', index: 'dist/src/index.js', 'serve-worker': 'dist/src/serve/worker.js', 'check-worker': 'dist/src/app/check-worker.js' };

rmSync('dist/bundle', { recursive: true, force: true });
const result = await build({
  entryPoints: entries,
  outdir: 'dist/bundle',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  external: ['katex'],
  logLevel: 'warning',
  // commander is CommonJS and requires node's modules
  banner: { js: "import { createRequire as __matcalcRequire } from 'node:module'; const require = __matcalcRequire(import.meta.url);" },
  metafile: process.argv.includes('--analyze'),
});
if (result.metafile) console.log(await (await import('esbuild')).analyzeMetafile(result.metafile));
