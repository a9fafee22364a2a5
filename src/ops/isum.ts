// Sums over an index range, sum(k = 1..l, B(k)) = Σ_{k=1}^{l} B(k); an empty range is zero. As with
// prod, sums of constant length are written out when built, so this node has a symbolic length.
// d Σ_k B(k) = Σ_i dB(i) over the terms i that contain a variable (the term k for W_k), or Σ_k dB(k) when
// every term contains it.
import { Expr } from '../expr/ast.js';
import { add, T } from '../expr/build.js';
import { bodyAt, sumOver, sumShape } from '../expr/families.js';
import { dependence, rangeLatex, rangeText, symbolicRange } from './range.js';
import { PREC, register } from './registry.js';

register({
  name: 'isum',
  precedence: PREC.add,
  textPrecedence: PREC.atom,
  shape: ([body], attrs) => sumShape(attrs.range!, body),
  differential(node, d, wrt) {
    const r = node.attrs.range!, body = node.args[0];
    const { positions, every } = dependence(node, wrt);
    // X in every term: d Σ_j B(j) = Σ_j dB(j), the variable of the sum still bound
    if (every) {
      const dB = d(body);
      return dB && sumOver(r, dB);
    }
    const terms: Expr[] = [];
    for (const i of positions) {
      const dB = d(bodyAt(r, body, i));
      if (dB) terms.push(dB);
    }
    return terms.length ? add(...terms) : null;
  },
  // linear in the body: what identification needs is done by src/calculus/identify.ts, which pulls the
  // body back with the sum's variable bound and sums the results
  evaluate: (n) => symbolicRange(n),
  text: (n, p) => `sum(${rangeText(n.attrs.range!)}, ${p(n.args[0])})`,
  latex: (n, p) => `\\sum${rangeLatex(n.attrs.range!)} ${p(n.args[0], PREC.mul)}`,
  transpose: (n) => sumOver(n.attrs.range!, T(n.args[0])),
});
