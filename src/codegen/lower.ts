// Lowering: the step shared by the code generators (src/codegen/*) and the compiled evaluator
// (compile.ts). The roots (f, its gradients, later Hessians: any shapes) form one hash-consed
// DAG, so a common subexpression is one node and is computed once. What lowering adds is the order of
// matrix products: every product chain A₁A₂⋯A_k becomes a tree of binary products chosen by the
// matrix-chain-order dynamic programme (fewest flops), with three twists that make the gradients of
// deep networks cost what backpropagation costs:
// - an interval of a chain that is already computed (in this or an earlier chain, directly or as its
//   transpose: Xᵀ W₁ᵀ is (W₁X)ᵀ) costs nothing;
// - chains are lowered cheapest first (after the chains inside their factors);
// - between orders of equal flops, the one whose products other chains can reuse wins: each interval's
//   flops are shared among the chains not yet lowered that contain it (its peers: a chain that uses
//   this one's value will find whatever this one computed, so it is not counted), and the shared cost
//   breaks the tie.
// For the gradients of L layers this finds backpropagation: the forward products W_l⋯W₁X, then the last
// layer's E(W_{L-1}⋯W₁X)ᵀ, then W_Lᵀ E reused by the layer below, and so on — 3L − 1 products in all,
// not L²/2 (test/codegen.test.ts counts them).
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

/**
 * Chains are ordered by exact costs when there are few of them (the gradients of 64 layers: 66 chains) or
 * the planning work (Σ n³ × chains) is small; otherwise by possibly stale costs (see associateProducts).
 */
const EXACT_ORDER_CHAINS = 100;
const EXACT_ORDER_WORK = 1e8;

/** Dimension sizes for planning: given ones where known, TYPICAL_SIZE for the other symbols. */
export function planningSizes(given: ReadonlyMap<string, number> = new Map()): SizeModel {
  return (d) => d.syms.reduce((v, s) => v * (given.get(s) ?? TYPICAL_SIZE), d.coef);
}

/** Node of the transpose, with Aᵀᵀ = A (scalars are their own transpose). */
function transposed(e: Expr): Expr {
  if (isScalarShape(e.shape)) return e;
  return isOp(e, 'transpose') ? e.args[0] : op('transpose', [e]);
}

/** Keys of a factor and of its transpose, for recognising (W₁X)ᵀ in XᵀW₁ᵀ (a transpose node's key is its argument's key and a prime). */
function factorKeys(f: Expr): [string, string] {
  if (isOp(f, 'transpose')) return [`${f.args[0].id}'`, String(f.args[0].id)];
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

interface Chain {
  readonly node: OpNode;
  readonly parts: Product;
  /** chains inside its factors: they are lowered first */
  readonly deps: readonly Chain[];
  /** chains that use this one's value (directly or not) */
  readonly users: Set<Chain>;
  readonly intervals: readonly (readonly Interval[])[];
  /** factor i is dims[i] × dims[i+1] */
  readonly dims: readonly number[];
}

/**
 * Re-associate every product chain of the roots into binary products (see the header). Other nodes are
 * kept; the result is a DAG over the same symbols with the same values.
 *
 * Chains are lowered greedily, the cheapest first given what is already computed (after the chains
 * inside its factors): for the gradients of a deep network that is the last layer's E·(W_{L-1}⋯W₁X)ᵀ,
 * then W_Lᵀ E reused by the next layer down, and so on — backpropagation's order, found rather than
 * written in.
 */
export function associateProducts(roots: readonly Expr[], size: SizeModel): Expr[] {
  // the chains: product nodes reached other than as a factor spliced into a longer chain
  const chains = new Map<Expr, Chain>();
  const inner = new Map<Expr, Chain[]>();
  const nearest = (e: Expr): Chain[] => {
    let out = inner.get(e);
    if (out) return out;
    if (e.kind !== 'op') out = [];
    else if (isOp(e, 'mul')) out = [chainAt(e)];
    else out = [...new Set(e.args.flatMap(nearest))];
    inner.set(e, out);
    return out;
  };
  const chainAt = (e: OpNode): Chain => {
    let c = chains.get(e);
    if (c) return c;
    const parts = flatProduct(e);
    const deps = [...new Set([...parts.scalars, ...parts.chain].flatMap(nearest))];
    const dims = parts.chain.length ? [size(parts.chain[0].shape.rows), ...parts.chain.map((f) => size(f.shape.cols))] : [];
    c = { node: e, parts, deps, users: new Set(), intervals: intervals(parts.chain), dims };
    chains.set(e, c);
    return c;
  };
  roots.forEach(nearest);
  const addUser = (c: Chain, user: Chain) => {
    for (const d of c.deps)
      if (!d.users.has(user)) {
        d.users.add(user);
        addUser(d, user);
      }
  };
  for (const c of chains.values()) addUser(c, c);

  // the chains that contain each interval
  const containing = new Map<string, Chain[]>();
  for (const c of chains.values())
    for (const k of new Set(c.intervals.flatMap((row, i) => row.slice(i + 1).map((iv) => iv.key)))) {
      if (!containing.has(k)) containing.set(k, []);
      containing.get(k)!.push(c);
    }
  const done = new Set<Chain>();
  const stale = new Set<Chain>();
  /** this chain and the peers still to be lowered that contain the interval */
  const open = new Map<string, number>([...containing].map(([k, cs]) => [k, cs.length]));
  let exact = true; // set below, from the size of the problem
  const sharers = (key: string, c: Chain) =>
    exact ? (containing.get(key) ?? []).filter((x) => x === c || (!done.has(x) && !c.users.has(x))).length : Math.max(1, open.get(key)!);
  // computed intervals: canonical key → node, and whether that node is the transpose of the canonical product
  const available = new Map<string, { node: Expr; transposed: boolean }>();

  /** The matrix-chain DP given what is available: flops, then shared flops; the splits. */
  const plan = (c: Chain) => {
    const n = c.parts.chain.length, iv = c.intervals, dims = c.dims;
    const flops: number[][] = [], shared: number[][] = [], split: number[][] = [];
    for (let i = 0; i < n; i++) {
      flops.push(new Array(n).fill(0));
      shared.push(new Array(n).fill(0));
      split.push(new Array(n).fill(-1));
    }
    const less = (f: number, s: number, bf: number, bs: number) => f < bf * (1 - 1e-9) || (f <= bf * (1 + 1e-9) && s < bs * (1 - 1e-9));
    for (let len = 1; len < n; len++)
      for (let i = 0; i + len < n; i++) {
        const j = i + len;
        if (available.has(iv[i][j].key)) continue; // costs nothing
        const share = sharers(iv[i][j].key, c);
        let bf = Infinity, bs = Infinity;
        // remaining ties go to the smallest k: right-to-left, A(B(Cx)), the order that keeps vectors vectors
        for (let k = i; k < j; k++) {
          const top = dims[i] * dims[k + 1] * dims[j + 1];
          const f = flops[i][k] + flops[k + 1][j] + top;
          const s = shared[i][k] + shared[k + 1][j] + top / share;
          if (less(f, s, bf, bs)) {
            [bf, bs] = [f, s];
            split[i][j] = k;
          }
        }
        flops[i][j] = bf;
        shared[i][j] = bs;
      }
    return { flops: n ? flops[0][n - 1] : 0, shared: n ? shared[0][n - 1] : 0, split, less };
  };

  const memo = new Map<Expr, Expr>();
  const lower = (e: Expr): Expr => {
    let out = memo.get(e);
    if (out) return out;
    if (e.kind !== 'op') out = e;
    else if (isOp(e, 'mul')) throw new Error('internal: a product lowered out of order');
    else out = withArgs(e, e.args.map(lower));
    memo.set(e, out);
    return out;
  };
  const associate = (c: Chain, split: number[][]): Expr => {
    const { parts, intervals: iv } = c;
    const front = [...(parts.coef !== 1 ? [num(parts.coef)] : []), ...parts.scalars.map(lower)];
    const low = parts.chain.map(lower);
    const build = (i: number, j: number): Expr => {
      if (i === j) return low[i];
      const { key, flipped } = iv[i][j];
      const hit = available.get(key);
      if (hit) return hit.transposed === flipped ? hit.node : transposed(hit.node);
      const k = split[i][j];
      const node = op('mul', [build(i, k), build(k + 1, j)]);
      available.set(key, { node, transposed: flipped });
      // the chains containing this interval now plan with it for free
      for (const x of containing.get(key) ?? []) stale.add(x);
      return node;
    };
    const args = [...front, ...(low.length ? [build(0, low.length - 1)] : [])];
    return args.length === 1 ? args[0] : op('mul', args);
  };

  // A chain's plan changes only when one of its intervals becomes available or a chain sharing one is
  // lowered (its peer count drops): plans are kept and recomputed only then, not for every chain at every
  // step (which made the Hessians of deep networks take minutes).
  const plans = new Map<Chain, ReturnType<typeof plan>>();
  const keysOf = new Map<Chain, string[]>();
  for (const c of chains.values()) keysOf.set(c, [...new Set(c.intervals.flatMap((row, i) => row.slice(i + 1).map((iv) => iv.key)))]);
  const pending = [...chains.values()];
  // Many chains (the Hessian blocks of a deep network) are ordered by possibly stale costs — availability
  // only lowers a cost — and only the chain chosen is re-planned.
  const work = pending.reduce((a, c) => a + c.parts.chain.length ** 3, 0) * pending.length;
  exact = pending.length <= EXACT_ORDER_CHAINS || work <= EXACT_ORDER_WORK;
  while (pending.length) {
    let best = -1, bestPlan: ReturnType<typeof plan> | undefined;
    pending.forEach((c, i) => {
      if (!c.deps.every((d) => done.has(d))) return;
      let p = plans.get(c);
      if (!p || (exact && stale.has(c))) {
        p = plan(c);
        plans.set(c, p);
        stale.delete(c);
      }
      if (!bestPlan || p.less(p.flops, p.shared, bestPlan.flops, bestPlan.shared)) [best, bestPlan] = [i, p];
    });
    const [c] = pending.splice(best, 1);
    if (stale.has(c)) bestPlan = plan(c);
    memo.set(c.node, associate(c, bestPlan!.split));
    done.add(c);
    // the peers of c's intervals have one sharer less: exact plans are redone
    for (const k of keysOf.get(c)!) {
      open.set(k, open.get(k)! - 1);
      if (exact) for (const x of containing.get(k) ?? []) stale.add(x);
    }
  }
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
