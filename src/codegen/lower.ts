// Lowering: the step shared by the code generators (src/codegen/*) and the compiled evaluator
// (src/numeric/compile.ts). The roots (f, its gradients, later Hessians: any shapes) form one hash-consed
// DAG, so a common subexpression is one node and is computed once. What lowering adds is the order of
// matrix products: every product chain A₁A₂⋯A_k becomes a tree of binary products chosen by the
// matrix-chain-order dynamic programme, with two twists that make the gradients of deep networks cost
// what backpropagation costs:
// - an interval of a chain that is already computed (in this or an earlier chain, directly or as its
//   transpose: Xᵀ W₁ᵀ is (W₁X)ᵀ) costs nothing;
// - an interval that occurs in several chains has its cost shared among them (the flops divided by the
//   number of chains that contain it), so that among equally cheap orders the one whose intermediate
//   products the other chains can reuse wins — for the gradients of L layers this picks the suffix
//   products W_{l+1}ᵀ⋯W_Lᵀ E and the prefix products W_{l-1}⋯W₁X (≈ 3L products in all, not L²).
//
// Sizes. The compiled evaluator knows the sizes and passes them. Generated code must be right for any
// sizes, and we chose to fix the association when the code is generated rather than decide it per call:
// the order is then visible in the code a person reads, common subproducts can be shared across chains
// (a per-call order would have to give that up), and a call pays nothing for planning. The order comes
// from typical sizes: every dimension symbol is taken to be TYPICAL_SIZE unless the user gives sizes
// (`matcalc codegen --sizes n=60000,d=784`); vectors and scalars keep their 1s, so matrix–vector orders
// (A(Bx), not (AB)x) are always found, and where only the sizes decide, the code states what it assumed.
import { Expr, OpNode, isOp, isScalar, num, op, withArgs } from '../expr/ast.js';
import { type Dim } from '../expr/dim.js';
import { isScalarShape } from '../expr/shape.js';
import type { Product } from '../ops/mul.js';

export type SizeModel = (d: Dim) => number;

export const TYPICAL_SIZE = 100;

/** Dimension sizes for planning: given ones where known, TYPICAL_SIZE for the other symbols. */
export function planningSizes(given: ReadonlyMap<string, number> = new Map()): SizeModel {
  return (d) => d.syms.reduce((v, s) => v * (given.get(s) ?? TYPICAL_SIZE), d.coef);
}

/** Node of the transpose, with Aᵀᵀ = A (scalars are their own transpose). */
function transposed(e: Expr): Expr {
  if (isScalarShape(e.shape)) return e;
  return isOp(e, 'transpose') ? e.args[0] : op('transpose', [e]);
}

/** Identity of a factor and of its transpose, for recognising (W₁X)ᵀ in XᵀW₁ᵀ. */
function factorKeys(f: Expr): [string, string] {
  if (isOp(f, 'transpose')) return [String(f.id), String(f.args[0].id)];
  const symmetric = f.kind === 'sym' && (f.props.has('symmetric') || f.props.has('spd'));
  return [String(f.id), symmetric ? String(f.id) : `${f.id}'`];
}

interface Interval {
  /** canonical key: the same for an interval and for the reversed, transposed interval */
  readonly key: string;
  /** this chain's orientation is the transposed one of the canonical key */
  readonly flipped: boolean;
}

function intervals(chain: readonly Expr[]): Interval[][] {
  const keys = chain.map(factorKeys);
  const out: Interval[][] = [];
  for (let i = 0; i < chain.length; i++) {
    out.push([]);
    for (let j = 0; j < chain.length; j++) {
      if (j < i) {
        out[i].push({ key: '', flipped: false });
        continue;
      }
      const fwd = keys.slice(i, j + 1).map((k) => k[0]).join(',');
      const rev = keys.slice(i, j + 1).map((k) => k[1]).reverse().join(',');
      out[i].push(rev < fwd ? { key: rev, flipped: true } : { key: fwd, flipped: false });
    }
  }
  return out;
}

/**
 * A product with nested matrix products spliced in (the parser builds (W2W1)X; a chain is W2, W1, X):
 * the coefficient, the scalar factors (a 1×1 product xᵀAx among them is one scalar), the matrix chain.
 */
function flatProduct(e: OpNode): Product {
  const out: Product = { coef: 1, scalars: [], chain: [] };
  const visit = (a: Expr, top: boolean) => {
    if (a.kind === 'num') out.coef *= a.value;
    else if (isOp(a, 'mul') && (top || !isScalar(a))) a.args.forEach((x) => visit(x, false));
    else if (isScalar(a)) out.scalars.push(a);
    else out.chain.push(a);
  };
  visit(e, true);
  return out;
}

/**
 * Re-associate every product chain of the roots into binary products (see the header). Other nodes are
 * kept; the result is a DAG over the same symbols with the same values.
 */
export function associateProducts(roots: readonly Expr[], size: SizeModel): Expr[] {
  // how many chains contain each interval (counted once per chain)
  const uses = new Map<string, number>();
  const seen = new Set<Expr>();
  const stack = [...roots];
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e) || e.kind !== 'op') continue;
    seen.add(e);
    if (!isOp(e, 'mul')) {
      stack.push(...e.args);
      continue;
    }
    // the spliced factors, not the nested products: a nested product is part of this chain
    const { scalars, chain } = flatProduct(e);
    stack.push(...scalars, ...chain);
    if (chain.length < 2) continue;
    const keys = new Set(intervals(chain).flatMap((row, i) => row.slice(i + 1).map((iv) => iv.key)));
    for (const k of keys) uses.set(k, (uses.get(k) ?? 0) + 1);
  }
  // computed intervals: canonical key → node, and whether that node is the transpose of the canonical product
  const available = new Map<string, { node: Expr; transposed: boolean }>();

  // top-down, so that a product spliced into a longer chain is not first lowered on its own
  const memo = new Map<Expr, Expr>();
  const lower = (e: Expr): Expr => {
    let out = memo.get(e);
    if (out) return out;
    if (e.kind !== 'op') out = e;
    else if (isOp(e, 'mul')) out = associate(e);
    else out = withArgs(e, e.args.map(lower));
    memo.set(e, out);
    return out;
  };
  const associate = (orig: OpNode): Expr => {
    const parts = flatProduct(orig);
    const chain = parts.chain;
    const front = () => [...(parts.coef !== 1 ? [num(parts.coef)] : []), ...parts.scalars.map(lower)];
    if (chain.length < 2) {
      const args = [...front(), ...chain.map(lower)];
      return args.length === 1 ? args[0] : op('mul', args);
    }
    const low = chain.map(lower);
    const n = chain.length;
    const dims = [size(chain[0].shape.rows), ...chain.map((f) => size(f.shape.cols))];
    const iv = intervals(chain);
    const cost: number[][] = [], split: number[][] = [];
    for (let i = 0; i < n; i++) {
      cost.push(new Array(n).fill(0));
      split.push(new Array(n).fill(-1));
    }
    for (let len = 1; len < n; len++)
      for (let i = 0; i + len < n; i++) {
        const j = i + len;
        if (available.has(iv[i][j].key)) continue; // cost 0
        const share = uses.get(iv[i][j].key) ?? 1;
        let best = Infinity;
        // ties go to the smallest k: right-to-left, A(B(Cx)), the order that keeps vectors vectors
        for (let k = i; k < j; k++) {
          const c = cost[i][k] + cost[k + 1][j] + (dims[i] * dims[k + 1] * dims[j + 1]) / share;
          if (c < best * (1 - 1e-12)) {
            best = c;
            split[i][j] = k;
          }
        }
        cost[i][j] = best;
      }
    const build = (i: number, j: number): Expr => {
      if (i === j) return low[i];
      const { key, flipped } = iv[i][j];
      const hit = available.get(key);
      if (hit) return hit.transposed === flipped ? hit.node : transposed(hit.node);
      const k = split[i][j];
      const node = op('mul', [build(i, k), build(k + 1, j)]);
      available.set(key, { node, transposed: flipped });
      return node;
    };
    const product = build(0, n - 1);
    const f = front();
    return f.length ? op('mul', [...f, product]) : product;
  };
  return roots.map(lower);
}

/** Number of binary matrix products (and their flops under `size`) in a lowered DAG: for tests and the benchmark's notes. */
export function productCount(roots: readonly Expr[], size: SizeModel): { products: number; flops: number } {
  const seen = new Set<Expr>();
  let products = 0, flops = 0;
  const visit = (e: Expr) => {
    if (seen.has(e) || e.kind !== 'op') return;
    seen.add(e);
    e.args.forEach(visit);
    if (!isOp(e, 'mul')) return;
    const chain = e.args.filter((a) => !isScalar(a));
    for (let i = 1; i < chain.length; i++) {
      products++;
      flops += size(chain[0].shape.rows) * size(chain[i - 1].shape.cols) * size(chain[i].shape.cols);
    }
  };
  roots.forEach(visit);
  return { products, flops };
}
