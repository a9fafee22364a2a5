// The layers (issue #17): the AST knows no operator (src/expr imports only itself); an operator module
// knows the AST and the numeric kernels, never the printers' callers, the rewriting or the engine; and
// every operator module is registered by src/ops/index.ts.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = new URL('../src/', import.meta.url).pathname;
const files = (dir: string) => readdirSync(join(SRC, dir)).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
/** The directories a module imports from, by its relative import specifiers ('.' for its own). */
function importedLayers(file: string): Set<string> {
  const text = readFileSync(join(SRC, file), 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]);
  return new Set(specs.filter((s) => s.startsWith('.')).map((s) => (s.startsWith('../') ? s.split('/')[1] : '.')));
}

describe('layers', () => {
  it('src/expr imports nothing outside src/expr', () => {
    const leaks = files('expr').flatMap((f) => [...importedLayers(f)].filter((l) => l !== '.').map((l) => `${f} → ${l}`));
    expect(leaks).toEqual([]);
  });
  it('src/ops imports only src/expr and src/numeric', () => {
    const leaks = files('ops').flatMap((f) => [...importedLayers(f)].filter((l) => !['.', 'expr', 'numeric'].includes(l)).map((l) => `${f} → ${l}`));
    expect(leaks).toEqual([]);
  });
  it('src/ops/index.ts registers every operator module', () => {
    const index = readFileSync(join(SRC, 'ops/index.ts'), 'utf8');
    const modules = files('ops').filter((f) => /\bregister\(\{/.test(readFileSync(join(SRC, f), 'utf8')));
    expect(modules.length).toBeGreaterThan(20);
    expect(modules.filter((f) => !index.includes(`'./${f.slice(4).replace(/\.ts$/, '.js')}'`))).toEqual([]);
  });
});
