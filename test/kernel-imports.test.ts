// The checking kernel (src/check/ and src/numeric/) does not trust the engine: nothing it imports,
// directly or through other modules, and types included, comes from the calculus, the rewriting, the
// derivations, the app layer, the diagnosis of claims, the code generators or the adversarial search for
// counterexamples (src/search/: it proposes points, the kernel judges them). Operators reach it only
// through its table of numeric meanings (src/numeric/meanings.ts), which they fill.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = ['calculus', 'rewrite', 'derivation', 'app', 'verify', 'codegen', 'search'];
const KERNEL = ['check', 'numeric'];

/** Every module of src/ and the modules it imports (static, re-exports, side effects, dynamic; types too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of readdirSync('src', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name))
    for (const file of readdirSync(join('src', dir)).filter((f) => f.endsWith('.ts'))) {
      const path = join('src', dir, file);
      const source = readFileSync(path, 'utf8');
      const specs = [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
      graph.set(path, specs.map((s) => normalize(join(dirname(path), s)).replace(/\.js$/, '.ts')));
    }
  return graph;
}

/** The modules reachable from `roots`, each with the chain of imports that reaches it. */
function reachable(graph: Map<string, string[]>, roots: string[]): Map<string, string[]> {
  const paths = new Map(roots.map((r) => [r, [r]]));
  const queue = [...roots];
  while (queue.length) {
    const m = queue.shift()!;
    for (const next of graph.get(m) ?? []) {
      if (paths.has(next)) continue;
      paths.set(next, [...paths.get(m)!, next]);
      queue.push(next);
    }
  }
  return paths;
}

const area = (path: string) => path.split('/')[1];

describe('the kernel does not import the engine', () => {
  const graph = importGraph();
  const kernel = [...graph.keys()].filter((p) => KERNEL.includes(area(p)));

  it('no module the kernel reaches is part of the engine', () => {
    expect(kernel.length).toBeGreaterThan(5);
    const offending = [...reachable(graph, kernel)].filter(([p]) => ENGINE.includes(area(p))).map(([, chain]) => chain.join(' → '));
    expect(offending).toEqual([]);
  });

  it('the rule can fail: the app layer does reach the calculus and the search', () => {
    const app = [...graph.keys()].filter((p) => area(p) === 'app');
    expect([...reachable(graph, app).keys()].some((p) => area(p) === 'calculus')).toBe(true);
    expect([...reachable(graph, app).keys()].some((p) => area(p) === 'search')).toBe(true);
  });

  it('the kernel imports no operator module: the operators import the kernel, never the reverse', () => {
    const fromKernel = kernel.flatMap((m) => graph.get(m)!.filter((t) => area(t) === 'ops').map((t) => `${m} → ${t}`));
    expect(fromKernel).toEqual([]);
  });

  it('the imports are read: every import of a kernel module resolves to a module of src/', () => {
    for (const m of kernel) for (const target of graph.get(m)!) expect(graph.has(target), `${m} imports ${target}`).toBe(true);
  });
});
