// The derivative table of the entrywise functions, cross-checked against nerdamer's symbolic
// differentiation of the same scalar formulas (an independent derivation), at many points.
import { describe, expect, it } from 'vitest';
import nerdamer from 'nerdamer';
import 'nerdamer/Calculus.js';
import { num, sym } from '../src/expr/ast.js';
import { ew } from '../src/expr/build.js';
import { elementwise } from '../src/ops/elementwise.js';
import { simplify } from '../src/rewrite/simplify.js';
import { evaluate } from '../src/numeric/evaluate.js';
import { Mat } from '../src/numeric/mat.js';
import { SCALAR } from '../src/expr/shape.js';

const FORMULAS: Record<string, string> = {
  exp: 'exp(x)',
  log: 'log(x)',
  sin: 'sin(x)',
  cos: 'cos(x)',
  tanh: 'tanh(x)',
  sigmoid: '1/(1+exp(-x))',
  sqrt: 'sqrt(x)',
  sigma: 'sin(x+1)+x/2', // the documented numerical surrogate of a generic σ
};

describe('entrywise derivatives agree with nerdamer', () => {
  const x = sym('x', SCALAR);
  for (const [name, formula] of Object.entries(FORMULAS)) {
    it(name, () => {
      const d = nerdamer.diff(formula, 'x');
      const ours = simplify(elementwise(name).derivative(x, 0));
      for (const v of [0.3, 0.7, 1.9, 2.6]) {
        const expected = Number(d.evaluate({ x: String(v) }).text('decimals'));
        const got = evaluate(ours, { sizes: new Map(), values: new Map([['x', Mat.scalar(v)]]) }).data[0];
        expect(got).toBeCloseTo(expected, 10);
        // and the value itself matches the formula
        const fv = Number(nerdamer(formula).evaluate({ x: String(v) }).text('decimals'));
        expect(evaluate(ew(name, num(v), name === 'sigma' ? 0 : undefined), { sizes: new Map(), values: new Map() }).data[0]).toBeCloseTo(fv, 10);
      }
    });
  }
  // nerdamer rewrites d/dx log(1+exp(x)) with rational approximations of e (error ~1e-6), so softplus′
  // is checked against central differences instead
  it('softplus (against central differences)', () => {
    const sp = elementwise('softplus');
    const x = sym('x', SCALAR);
    const d = simplify(sp.derivative(x, 0));
    for (const v of [-2.1, 0.3, 1.9]) {
      const h = 1e-5;
      const fd = (sp.f(v + h, 0) - sp.f(v - h, 0)) / (2 * h);
      expect(evaluate(d, { sizes: new Map(), values: new Map([['x', Mat.scalar(v)]]) }).data[0]).toBeCloseTo(fd, 8);
    }
  });
  it('the generic sigma derivatives chain: σ″ is the derivative of σ′', () => {
    const s1 = elementwise('sigma');
    for (const v of [0.2, 1.1]) {
      const h = 1e-5;
      const fd = (s1.f(v + h, 1) - s1.f(v - h, 1)) / (2 * h);
      expect(s1.f(v, 2)).toBeCloseTo(fd, 8);
    }
  });
});
