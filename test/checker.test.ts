// The checker must be able to fail: wrong claims of the usual kinds are rejected, right ones accepted.
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { checkDerivative } from '../src/check/derivative.js';

function verdict(f: string, decl: string, claims: Record<string, string>, kind: 'gradient' | 'vec-jacobian' = 'gradient') {
  const decls = parseDeclarations(decl);
  const fe = parseExpression(f, { decls });
  const vars = Object.keys(claims).map((n) => decls.symbols.get(n)!);
  return checkDerivative({
    f: fe,
    vars,
    claims: new Map(Object.entries(claims).map(([n, c]) => [n, parseExpression(c, { decls })])),
    kind,
    symbols: [...decls.symbols.values()],
    dims: decls.dims,
  });
}

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';
const F = '0.5*norm(W2*W1*X - Y)^2';

describe('the checker', () => {
  it('accepts the right gradient', () => {
    expect(verdict(F, NET, { W1: "W2'*(W2*W1*X - Y)*X'" }).passed).toBe(true);
  });
  it('rejects a factor of 2', () => {
    const v = verdict(F, NET, { W1: "2*W2'*(W2*W1*X - Y)*X'" });
    expect(v.passed).toBe(false);
    expect(v.maxError).toBeGreaterThan(0.1);
  });
  it('rejects a sign error', () => {
    expect(verdict(F, NET, { W1: "W2'*(Y - W2*W1*X)*X'" }).passed).toBe(false);
  });
  it('rejects a missing term', () => {
    expect(verdict("tr(X'*A*X)", 'X: n x m; A: n x n', { X: 'A*X' }).passed).toBe(false);
  });
  it('rejects the transpose when the variable is square (layout confusion)', () => {
    expect(verdict('tr(A*X)', 'A: n x n; X: n x n', { X: 'A' }).passed).toBe(false);
    expect(verdict('tr(A*X)', 'A: n x n; X: n x n', { X: "A'" }).passed).toBe(true);
  });
  it('rejects a wrong nonlinear derivative (σ for σ′)', () => {
    expect(verdict('sum(sigma(A*x))', 'A: m x n; x: n', { x: "A'*sigma(A*x)" }).passed).toBe(false);
  });
  it('uses symmetric directions for symmetric variables', () => {
    // on symmetric matrices, G and sym(G) are the same linear functional; G + G' - G∘I is not
    expect(verdict('tr(A*S)', 'A: n x n; S: n x n symmetric', { S: "A'" }).passed).toBe(true);
    expect(verdict('tr(A*S)', 'A: n x n; S: n x n symmetric', { S: "0.5*(A + A')" }).passed).toBe(true);
    expect(verdict('tr(A*S)', 'A: n x n; S: n x n symmetric', { S: "A + A' - A .* eye(n)" }).passed).toBe(false);
  });
  it('checks vec-Jacobians in denominator layout', () => {
    expect(verdict('A*x', 'A: m x n; x: n', { x: "A'" }, 'vec-jacobian').passed).toBe(true);
    expect(verdict('A*X*B', 'A: p x m; X: m x n; B: n x q', { X: "kron(B, A')" }, 'vec-jacobian').passed).toBe(true);
    expect(verdict('A*X*B', 'A: p x m; X: m x n; B: n x q', { X: "kron(A', B)" }, 'vec-jacobian').passed).toBe(false);
  });
  it('reports its method, points and sizes', () => {
    const v = verdict(F, NET, { W1: "W2'*(W2*W1*X - Y)*X'" });
    expect(v.points).toHaveLength(3);
    for (const p of v.points) {
      const sizes = Object.values(p.sizes);
      expect(new Set(sizes).size).toBe(sizes.length); // distinct sizes for distinct dimensions
      expect(p.entrywiseError).toBeDefined();
    }
    expect(v.evaluations).toBeGreaterThan(12);
  });
});
