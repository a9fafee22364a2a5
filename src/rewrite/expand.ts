// Expansion: distribute every multilinear operator over sums — A(B + C) = AB + AC, tr(A + B) = tr A + tr B,
// (A + B) ⊗ C = A ⊗ C + B ⊗ C — so that two ways of writing the same polynomial in the matrices become
// the same sum of products, and `simplify` can merge or cancel their terms. The multilinear operators
// are those with an adjoint (the ones identification walks through); nonlinear ones (inv, exp, …) are
// expanded inside but not distributed over.
import { Expr, OpNode, isOp, mapDag, withArgs } from '../expr/ast.js';
import { add } from '../expr/build.js';
import { opDef } from '../ops/registry.js';
import { simplify } from './simplify.js';

/** Gives up (returns undefined) when a sum would exceed this many terms: expansion can be exponential. */
const MAX_TERMS = 400;

class TooLarge extends Error {}

function termsOf(e: Expr): readonly Expr[] {
  return isOp(e, 'add') ? e.args : [e];
}

/** Distribute a multilinear node over the sums among its arguments (already expanded). */
function distribute(node: OpNode, maxTerms: number): Expr {
  if (node.op === 'add' || !opDef(node.op).adjoint || !node.args.some((a) => isOp(a, 'add'))) return node;
  let combos: Expr[][] = [[]];
  for (const a of node.args) {
    const ts = termsOf(a);
    if (combos.length * ts.length > maxTerms) throw new TooLarge();
    combos = combos.flatMap((c) => ts.map((t) => [...c, t]));
  }
  return add(...combos.map((args) => withArgs(node, args)));
}

function expandOnce(e: Expr, maxTerms: number): Expr {
  return mapDag(e, (_orig, rebuilt) => {
    if (rebuilt.kind !== 'op') return rebuilt;
    const d = distribute(rebuilt, maxTerms);
    if (isOp(d, 'add') && d.args.length > maxTerms) throw new TooLarge();
    return d;
  });
}

/**
 * The expanded, simplified form of e, or undefined when it would be too large. Simplification may
 * create new sums to distribute over (it pushes transposes into them), so the two alternate to a fixpoint.
 */
export function expand(e: Expr, maxTerms = MAX_TERMS): Expr | undefined {
  try {
    let cur = simplify(e);
    for (let round = 0; round < 6; round++) {
      const next = simplify(expandOnce(cur, maxTerms));
      if (next === cur) return cur;
      cur = next;
    }
    return cur;
  } catch (err) {
    if (err instanceof TooLarge) return undefined;
    throw err;
  }
}
