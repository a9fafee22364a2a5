// Canonical simplification: bottom-up, each operator's local `simplify` hook applied to a fixpoint.
// The hooks encode the algebra people do silently (transposes to the leaves, scalars collected, like
// terms merged, identities dropped); results are cached per node, so shared subexpressions are
// simplified once.
import { Expr, withArgs } from '../expr/ast.js';
import { opDef } from '../ops/registry.js';

// keyed weakly: an entry lives as long as its expression (a long-running process does not accumulate them)
let cache = new WeakMap<Expr, Expr>();
const MAX_REWRITES = 200;

/** Forget cached simplifications (benchmarks time cold derivations). */
export function clearSimplifyCache(): void {
  cache = new WeakMap();
}

export function simplify(e: Expr): Expr {
  return simp(e, 0);
}

function simp(e: Expr, depth: number): Expr {
  if (e.kind !== 'op') return e;
  const hit = cache.get(e);
  if (hit) return hit;
  if (depth > MAX_REWRITES) throw new Error(`simplification did not terminate at ${e.op}`);
  const rebuilt = withArgs(e, e.args.map((a) => simp(a, depth)));
  const hook = opDef(rebuilt.op).simplify;
  const next = hook ? hook(rebuilt) : rebuilt;
  // a hook that changed the node may have built new unsimplified parts: simplify the result again
  const out = next === rebuilt ? rebuilt : simp(next, depth + 1);
  cache.set(e, out);
  if (rebuilt !== e) cache.set(rebuilt, out);
  return out;
}
