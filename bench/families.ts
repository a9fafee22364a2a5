// Benchmark of indexed families (issue 6): the gradient with respect to every layer of an L-layer linear
// network, L = 2 … 64, two ways:
//   concrete  — W[1..L] declared, prod(j = L..1, W[j]) written out, derive with respect to W[1], …, W[L];
//   symbolic  — derive once with respect to W[k] at symbolic depth l, then instantiate l = L, k = 1 … L.
// Output size: distinct nodes of the shared expression graph of all L gradients, their edges (the sum of
// the arities: an n-ary product of L factors is one node but L edges), and the binary matrix products
// after lowering (what evaluating the gradients costs; backpropagation needs 3L − 1). Prints the log-log
// slope of each against L: 1 is linear, 2 quadratic.
import { runDerive } from '../src/app/derive.js';
import { dagSize, type Expr } from '../src/expr/ast.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { idxConst } from '../src/expr/indices.js';
import { reindex } from '../src/expr/families.js';
import { associateProducts, planningSizes, productCount } from '../src/codegen/lower.js';
import { clearSimplifyCache } from '../src/rewrite/simplify.js';
import { clearAuthorCache } from '../src/rewrite/author.js';
import { simplify } from '../src/rewrite/simplify.js';

const DEPTHS = [2, 4, 8, 16, 32, 64];
const LOSS = (L: string) => `0.5*norm(prod(j = ${L}..1, W[j])*X - Y)^2`;

function edges(roots: readonly Expr[]): number {
  const seen = new Set<Expr>();
  let n = 0;
  const stack = [...roots];
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.kind === 'op') {
      n += e.args.length;
      stack.push(...e.args);
    }
  }
  return n;
}

function medianMs(run: () => unknown, reps = 9): number {
  run();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    clearSimplifyCache();
    clearAuthorCache();
    const t0 = process.hrtime.bigint();
    run();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t.sort((a, b) => a - b)[t.length >> 1];
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length, my = ly.reduce((a, b) => a + b) / ly.length;
  let num = 0, den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * (ly[i] - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

interface Row {
  L: number;
  concreteMs: number;
  symbolicMs: number;
  nodes: number;
  edges: number;
  products: number;
  symbolicNodes: number;
}

function sizes(grads: readonly Expr[]) {
  const size = planningSizes();
  return { nodes: dagSize(grads), edges: edges(grads), products: productCount(associateProducts(grads, size), size).products };
}

export function benchFamilies(): { rows: Row[]; slopes: Record<string, number> } {
  const rows: Row[] = [];
  for (const L of DEPTHS) {
    const wrt = Array.from({ length: L }, (_, i) => `W[${i + 1}]`);
    const concreteInput = { expr: LOSS(String(L)), decl: `W[1..${L}]: d x d; X, Y: d x m`, wrt, check: false };
    const concreteMs = medianMs(() => runDerive(concreteInput));
    const grads = runDerive(concreteInput).results.map((r) => r.value);
    // symbolic: one derivation for any depth, then L instances
    const symbolicInput = { expr: LOSS('l'), decl: 'W[j = 1..l]: d x d; X, Y: d x m; k in 1..l', wrt: ['W[k]'], check: false };
    const instantiate = () => {
      const out = runDerive(symbolicInput);
      const g = out.results[0].value;
      const decls = parseDeclarations(symbolicInput.decl);
      const [l, k] = [decls.indices.get('l')!, decls.indices.get('k')!];
      return Array.from({ length: L }, (_, i) => simplify(reindex(g, new Map([[l, idxConst(L)], [k, idxConst(i + 1)]]))));
    };
    const symbolicMs = medianMs(instantiate);
    const symbolicGrads = instantiate();
    const s = sizes(grads);
    rows.push({ L, concreteMs, symbolicMs, ...s, symbolicNodes: sizes(symbolicGrads).nodes });
  }
  const L = rows.map((r) => r.L);
  const slopes = {
    concreteMs: logLogSlope(L, rows.map((r) => r.concreteMs)),
    symbolicMs: logLogSlope(L, rows.map((r) => r.symbolicMs)),
    nodes: logLogSlope(L, rows.map((r) => r.nodes)),
    edges: logLogSlope(L, rows.map((r) => r.edges)),
    products: logLogSlope(L, rows.map((r) => r.products)),
    symbolicNodes: logLogSlope(L, rows.map((r) => r.symbolicNodes)),
  };
  const head = ['L', 'derive all L (ms)', 'symbolic + L instances (ms)', 'DAG nodes', 'DAG edges', 'binary products', 'products / (3L−1)'];
  const cells = [head, ...rows.map((r) => [r.L, r.concreteMs.toFixed(2), r.symbolicMs.toFixed(2), r.nodes, r.edges, r.products, (r.products / (3 * r.L - 1)).toFixed(2)].map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((c) => c[i].length)));
  console.log('\nGradients of an L-layer linear network with respect to every layer (families, issue 6)');
  for (const c of cells) console.log(c.map((x, i) => (i === 0 ? x.padEnd(width[i]) : x.padStart(width[i]))).join('  '));
  console.log(
    `log-log slopes against L: derive time ${slopes.concreteMs.toFixed(2)}, symbolic + instances ${slopes.symbolicMs.toFixed(2)}, ` +
      `DAG nodes ${slopes.nodes.toFixed(2)}, edges ${slopes.edges.toFixed(2)}, binary products ${slopes.products.toFixed(2)} ` +
      `(the instantiated symbolic gradients: ${slopes.symbolicNodes.toFixed(2)} nodes) — goal: output O(L), slope ≈ 1: ${slopes.products < 1.2 && slopes.nodes < 1.2 ? 'met' : 'NOT met'}`,
  );
  return { rows, slopes };
}

if (process.argv[1]?.endsWith('families.js')) benchFamilies();
