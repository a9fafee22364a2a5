// Differentials in the Magnus–Neudecker style: d(e) with respect to the chosen variables, built from
// each operator's differential rule. Variables not chosen are constants. The result is linear in the
// differentials dX (symbols with delta = true).
import { Expr, SymNode, delta } from '../expr/ast.js';
import { opDef } from '../ops/registry.js';

export function differential(e: Expr, wrt: ReadonlySet<string>): Expr | null {
  const memo = new Map<Expr, Expr | null>();
  const d = (x: Expr): Expr | null => {
    if (memo.has(x)) return memo.get(x)!;
    let out: Expr | null;
    if (x.kind === 'num') out = null;
    else if (x.kind === 'sym') out = !x.delta && wrt.has(x.name) ? delta(x as SymNode) : null;
    else if (![...x.vars].some((v) => wrt.has(v))) out = null;
    else out = opDef(x.op).differential(x, d);
    memo.set(x, out);
    return out;
  };
  return d(e);
}
