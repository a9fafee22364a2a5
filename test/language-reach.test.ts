// What researchers type (issue #17): a scalar added to a matrix broadcasts, as papers write 1 − σ(z);
// nothing else broadcasts. Each objective is derived and checked against finite differences.
import { describe, expect, it } from 'vitest';
import { runDerive, parseScope } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { parseExpression } from '../src/lang/parse.js';
import { toLatex, toText } from '../src/render/print.js';
import { simplify } from '../src/rewrite/simplify.js';
import { verifyClaim } from '../src/verify/claim.js';

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';

function derived(expr: string, decl: string, wrt: string[]) {
  const out = runDerive({ expr, decl, wrt });
  expect(out.verdict!.passed, JSON.stringify(out.verdict, null, 1)).toBe(true);
  return Object.fromEntries(out.results.map((r) => [r.variable.name, toText(r.display)]));
}

describe('scalar broadcasting', () => {
  it('logistic loss: 1 + exp(-y .* (X*w)) is derived and checked', () => {
    derived('sum(log(1 + exp(-y .* (X*w))))', 'X: m x n; y: m; w: n', ['w']);
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
    expect(toLatex(e)).toBe('1 - \\tanh\\left(\\boldsymbol{Z}\\right)^{\\circ 2}');
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
  it('tr(diag(x)*A*diag(x)*B): a column to a diagonal matrix', () => {
    hessianPasses('tr(diag(x)*A*diag(x)*B)', 'x: n; A, B: n x n', ['x']);
  });
  it('the Jacobian norm of a tanh layer, norm(diag(1 - tanh(W*x).^2)*W)^2, in x and in W', () => {
    hessianPasses('norm(diag(1 - tanh(W*x).^2)*W)^2', 'W: n x n; x: n', ['x']);
    hessianPasses('norm(diag(1 - tanh(W*x).^2)*W)^2', 'W: n x n; x: n', ['W', 'x']);
  });
  it('the diagonal of a square matrix: sum(diag(X*X\').^2)', () => {
    hessianPasses("sum(diag(X*X').^2)", 'X: n x m', ['X']);
  });
});
