// What researchers type (issue #17): a scalar added to a matrix broadcasts, as papers write 1 − σ(z);
// nothing else broadcasts. Each objective is derived and checked against finite differences.
import { describe, expect, it } from 'vitest';
import { runDerive, parseScope } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { parseExpression } from '../src/lang/parse.js';
import { toLatex, toText } from '../src/render/print.js';
import { simplify } from '../src/rewrite/simplify.js';
import { verifyClaim } from '../src/verify/claim.js';
import { evaluate } from '../src/numeric/evaluate.js';
import { Mat } from '../src/numeric/mat.js';

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';

function derived(expr: string, decl: string, wrt: string[]) {
  const out = runDerive({ expr, decl, wrt });
  expect(out.verdict!.passed, JSON.stringify(out.verdict, null, 1)).toBe(true);
  return Object.fromEntries(out.results.map((r) => [r.variable.name, toText(r.display)]));
}

describe('scalar broadcasting', () => {
  it('logistic loss: 1 + exp(-y .* (X*w)) is derived and checked, and eˣ/(1 + eˣ) reads as the sigmoid', () => {
    expect(derived('sum(log(1 + exp(-y .* (X*w))))', 'X: m x n; y: m; w: n', ['w']).w).toBe("-X'*(sigmoid(-((X*w) .* y)) .* y)");
  });

  it('a scalar on either side, subtracted or added, symbolic scalars too', () => {
    derived('norm(X - 10)^2', 'X: m x n', ['X']);
    derived('sum(log(a + exp(X)))', 'X: m x n; a: scalar', ['X', 'a']);
    derived("norm(2 - W*x)^2 + sum(x'*x - x)", 'W: m x n; x: n', ['W', 'x']);
  });

  it('prints back as written, in text and LaTeX, and the text reads back as the same expression', () => {
    const { decls, defs } = parseScope('Z: h x n');
    const e = simplify(parseExpression('1 - tanh(Z).^2', { decls, defs }));
    expect(toText(e)).toBe('1 - tanh(Z).^2');
    expect(toLatex(e)).toBe('1 - \\tanh(\\boldsymbol{Z})^{\\circ 2}');
    expect(simplify(parseExpression(toText(e), { decls, defs }))).toBe(e);
    // tanh′ in a gradient
    expect(derived('sum(tanh(W*x))', 'W: m x n; x: n', ['W']).W).toBe("(1 - tanh(W*x).^2)*x'");
  });

  it('a sum of broadcast constants alone keeps its shape: ones(m, n) is not printed as 1', () => {
    const { decls, defs } = parseScope('X: m x n; a: scalar');
    const e = simplify(parseExpression('(X + a) - X + 1', { decls, defs }));
    expect(toText(e)).toMatch(/ones\(m, n\)/);
    expect(simplify(parseExpression(toText(e), { decls, defs }))).toBe(e);
  });

  it('nothing else broadcasts: a column added to a matrix is a shape error with the usual message', () => {
    expect(() => runDerive({ expr: 'sum(x + A)', decl: 'x: m; A: m x n', wrt: ['A'] })).toThrow(
      /shape mismatch in a sum: x is m×1 but A is m×n; terms of a sum must have the same shape/,
    );
    expect(() => runDerive({ expr: 'sum(1 + x + A)', decl: 'x: m; A: m x n', wrt: ['A'] })).toThrow(/x is m×1 but A is m×n/);
  });

  it('verify accepts a claim that writes 1 - tanh(Z).^2 (the issue’s claim)', () => {
    const out = verifyClaim({
      decl: NET, f: '0.5*norm(W2*tanh(W1*X) - Y)^2', wrt: 'W1', defs: ['Z = W1*X', 'E = W2*tanh(Z) - Y'],
      claim: "((W2'*E) .* (1 - tanh(Z).^2))*X'",
    });
    expect(out.illTyped).toBeUndefined();
    expect(out.verified).toBe(true);
    // and still refutes the same claim with the wrong sign inside
    const wrong = verifyClaim({
      decl: NET, f: '0.5*norm(W2*tanh(W1*X) - Y)^2', wrt: 'W1', defs: ['Z = W1*X', 'E = W2*tanh(Z) - Y'],
      claim: "((W2'*E) .* (1 + tanh(Z).^2))*X'",
    });
    expect(wrong.verified).toBe(false);
    expect(wrong.counterexample).toBeDefined();
  });

  it('Hessian through a broadcast sum', () => {
    const h = runHessian({ expr: 'sum(log(1 + exp(A*x)))', decl: 'A: m x n; x: n', wrt: ['x'] });
    expect(h.verdict!.passed, JSON.stringify(h.verdict)).toBe(true);
  });
});

describe('Hessians through diag(·) (its vec-Jacobian, both ways)', () => {
  const hessianPasses = (expr: string, decl: string, wrt: string[]) => {
    const h = runHessian({ expr, decl, wrt });
    expect(h.verdict!.passed, JSON.stringify(h.verdict)).toBe(true);
    return h;
  };
  it("tr(diag(x)*A*diag(x)*B): a column to a diagonal matrix; the block reads A' .* B + A .* B'", () => {
    const h = hessianPasses('tr(diag(x)*A*diag(x)*B)', 'x: n; A, B: n x n', ['x']);
    expect(toText(h.display.blocks[0][0])).toBe("A' .* B + A .* B'");
  });
  it('the Jacobian norm of a tanh layer, norm(diag(1 - tanh(W*x).^2)*W)^2, in x and in W', () => {
    hessianPasses('norm(diag(1 - tanh(W*x).^2)*W)^2', 'W: n x n; x: n', ['x']);
    hessianPasses('norm(diag(1 - tanh(W*x).^2)*W)^2', 'W: n x n; x: n', ['W', 'x']);
  });
  it('the diagonal of a square matrix: sum(diag(X*X\').^2)', () => {
    hessianPasses("sum(diag(X*X').^2)", 'X: n x m', ['X']);
  });
});

describe("the issue's objectives: derived and checked", () => {
  it('softmax cross-entropy with stochastic labels: (softmax(W*X) - Y)*X\'', () => {
    const g = derived('-sum(Y .* log(softmax(W*X)))', 'W: k x d; X: d x n; Y: k x n stochastic', ['W']);
    expect(g.W).toBe("(softmax(W*X) - Y)*X'");
    // without the property the labels' column sums stay in the result
    expect(derived('-sum(Y .* log(softmax(W*X)))', 'W: k x d; X: d x n; Y: k x n', ['W']).W).toMatch(/ones\(k, k\)\*Y/);
    // log_softmax gives the same gradient
    expect(derived('-sum(Y .* log_softmax(W*X))', 'W: k x d; X: d x n; Y: k x n stochastic', ['W']).W).toBe("(softmax(W*X) - Y)*X'");
  });

  it("logsumexp(A*x): A'*softmax(A*x); of a matrix, column by column", () => {
    expect(derived('logsumexp(A*x)', 'A: m x n; x: n', ['x']).x).toBe("A'*softmax(A*x)");
    expect(derived('sum(logsumexp(W*X))', 'W: k x d; X: d x n', ['W']).W).toBe("softmax(W*X)*X'");
  });

  it("sum(log(cosh(A*x - b))) → A'*tanh(A*x - b)", () => {
    expect(derived('sum(log(cosh(A*x - b)))', 'A: m x n; x: n; b: m', ['x']).x).toBe("A'*tanh(A*x - b)");
  });

  it('logsumexp(x) --hessian: diag(softmax(x)) - softmax(x)*softmax(x)\'', () => {
    const h = runHessian({ expr: 'logsumexp(x)', decl: 'x: n', wrt: ['x'] });
    expect(h.verdict!.passed, JSON.stringify(h.verdict)).toBe(true);
    expect(toText(h.display.blocks[0][0])).toBe("diag(softmax(x)) - softmax(x)*softmax(x)'");
  });

  it('log1p, expm1, cosh, sinh in objectives, and their values where the naive formula fails', () => {
    derived('sum(log1p(exp(-y .* (X*w))))', 'X: m x n; y: m; w: n', ['w']);
    derived('sum(expm1(A*x) .* sinh(x\'*x))', 'A: m x n; x: n', ['x']);
    const { decls, defs } = parseScope('a: scalar');
    const at = (src: string, v: number) => evaluate(parseExpression(src, { decls, defs }), { sizes: new Map(), values: new Map([['a', Mat.scalar(v)]]) }).data[0];
    expect(at('log1p(a)', 1e-12)).toBe(1e-12 - 5e-25);
    expect(Math.abs(at('expm1(a)', 1e-12) / (1e-12 + 5e-25) - 1)).toBeLessThan(1e-15); // exp(a) - 1 is off by 1e-4
  });

  it('softmax and logsumexp are evaluated shifted by the maximum: no overflow at 1000', () => {
    const { decls, defs } = parseScope('z: n');
    const z = new Mat(3, 1, Float64Array.of(1000, 999, -1000));
    const at = (src: string) => evaluate(parseExpression(src, { decls, defs }), { sizes: new Map([['n', 3]]), values: new Map([['z', z]]) });
    expect(at('logsumexp(z)').data[0]).toBeCloseTo(1000 + Math.log(1 + Math.exp(-1)), 10);
    const s = at('softmax(z)').data;
    expect(s[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
    expect(s[2]).toBe(0);
    expect(at('log_softmax(z)').data[2]).toBeCloseTo(-2000 - Math.log(1 + Math.exp(-1)), 8);
  });

  it('stochastic is for data: the labels are not a variable', () => {
    const out = runDerive({ expr: '-sum(Y .* log(softmax(W*X)))', decl: 'W: k x d; X: d x n; Y: k x n stochastic' });
    expect(out.results.map((r) => r.variable.name)).toEqual(['W', 'X']);
    expect(() => runDerive({ expr: 'sum(Y .* W)', decl: 'W, Y: k x n stochastic', wrt: ['Y'] })).toThrow(/Y is declared stochastic/);
  });
});
