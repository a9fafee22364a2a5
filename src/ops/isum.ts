// Sums over an index range, sum(k = 1..l, B(k)) = Σ_{k=1}^{l} B(k); an empty range is zero. As with
// prod, sums of constant length are written out when built, so this node has a symbolic length.
// d Σ_k B(k) = Σ_i dB(i) over the terms i that contain a variable (the term k for W_k).
import { Expr } from '../expr/ast.js';
import { add, T } from '../expr/build.js';
import { bodyAt, sumOver, sumShape } from '../expr/families.js';
import { dependentPositions, rangeLatex, rangeText, symbolicRange } from './range.js';
import { PREC, register } from './registry.js';

register({
  name: 'isum',
  precedence: PREC.add,
  textPrecedence: PREC.atom,
  shape: ([body], attrs) => sumShape(attrs.range!, body),
  differential(node, d, wrt) {
    const r = node.attrs.range!, body = node.args[0];
    const terms: Expr[] = [];
    for (const i of dependentPositions(node, wrt)) {
      const dB = d(bodyAt(r, body, i));
      if (dB) terms.push(dB);
    }
    return terms.length ? add(...terms) : null;
  },
  evaluate: (n) => symbolicRange(n),
  text: (n, p) => `sum(${rangeText(n.attrs.range!)}, ${p(n.args[0])})`,
  latex: (n, p) => `\\sum${rangeLatex(n.attrs.range!)} ${p(n.args[0], PREC.mul)}`,
  transpose: (n) => sumOver(n.attrs.range!, T(n.args[0])),
});
