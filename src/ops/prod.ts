// Ordered products over an index range, prod(j = l..k+1, W[j]) = W_l⋯W_{k+1}: leftmost factor first; an
// empty range is the identity (ZL l.159: "W_lW_{l+1} should be understood as identity"). Products of
// constant length are written out when built (src/expr/families.ts), so this node always has a
// symbolic length and is evaluated only after its indices are instantiated.
// d(B_a⋯B_b) = Σ_i (B_a⋯B_{i+1}) dB_i (B_{i−1}⋯B_b) over the factors i that contain a variable: for
// W_k with symbolic k that is one split at k, as Zhou & Liang App. B (95) writes it; for a matrix in every
// factor (tied weights: prod(j = l..1, W) = W^l) it is a sum over i.
import { Expr, OpNode, type SymNode } from '../expr/ast.js';
import { add, mul } from '../expr/build.js';
import { bodyAt, freeIndexVars, freshIndexName, productShape, subProduct, sumOver } from '../expr/families.js';
import { Idx, idxOf, idxPlus, idxSub, indexVar } from '../expr/indices.js';
import { dependence, idxLatex, rangeLatex, rangeText, symbolicRange } from './range.js';
import { PREC, register } from './registry.js';
import { symLatex } from '../expr/names.js';

/** W_l ⋯ W_{k+1}: the first and last factor, when the factors are members of a family (as the papers write it). */
function dotted(n: OpNode): [SymNode, SymNode] | undefined {
  const r = n.attrs.range!, body = n.args[0];
  if (body.kind !== 'sym' || !body.member || !freeIndexVars([body]).has(r.v)) return undefined;
  const first = bodyAt(r, body, r.from), last = bodyAt(r, body, r.to);
  return first.kind === 'sym' && last.kind === 'sym' ? [first, last] : undefined;
}

register({
  name: 'prod',
  precedence: PREC.mul,
  textPrecedence: PREC.atom,
  shape: ([body], attrs) => productShape(attrs.range!, body),
  differential(node, d, wrt) {
    const r = node.attrs.range!, body = node.args[0];
    const step = r.down ? 1 : -1;
    const around = (i: Idx, dB: Expr) => mul(subProduct(r, body, r.from, idxPlus(i, step)), dB, subProduct(r, body, idxPlus(i, -step), r.to));
    const { positions, every } = dependence(node, wrt);
    if (every) {
      // X in every factor (tied weights, W^l): Σ_i B_a⋯B_{i+1} dB_i B_{i−1}⋯B_b
      const [lo, hi] = r.down ? [r.to, r.from] : [r.from, r.to];
      const v = indexVar(freshIndexName(node), lo, hi, true);
      const i = idxOf(v);
      const dB = d(bodyAt(r, body, i));
      return dB && sumOver({ v, from: lo, to: hi, down: false }, around(i, dB));
    }
    const terms: Expr[] = [];
    for (const i of positions) {
      const dB = d(bodyAt(r, body, i));
      if (dB) terms.push(around(i, dB));
    }
    return terms.length ? add(...terms) : null;
  },
  evaluate: (n) => symbolicRange(n),
  text: (n, p) => `prod(${rangeText(n.attrs.range!)}, ${p(n.args[0])})`,
  latex(n: OpNode, p) {
    const r = n.attrs.range!, body = n.args[0];
    // the same factor throughout (tied weights): a power, W^{l-i}
    if (!freeIndexVars([body]).has(r.v)) {
      const count = idxPlus(r.down ? idxSub(r.from, r.to) : idxSub(r.to, r.from), 1);
      return `${p(body, PREC.postfix + 0.5)}^{${idxLatex(count)}}`;
    }
    const ends = dotted(n);
    if (ends) return `${symLatex(ends[0])} \\cdots ${symLatex(ends[1])}`;
    return `\\prod${rangeLatex(r)} ${p(body, PREC.postfix)}`;
  },
  // W_{k−1}⋯W_1X, not (W_{k−1}⋯W_1)X
  juxtaposed: (n) => dotted(n) !== undefined,
});
