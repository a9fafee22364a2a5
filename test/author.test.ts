// Printed forms authors write (issue #13): each example of the issue prints the author's form, and the
// printed form is still checked numerically (the derive pipeline checks what it prints). The presentation
// search never changes a value: property test over random well-typed expressions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runDerive } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { authorForm } from '../src/rewrite/author.js';
import { simplify } from '../src/rewrite/simplify.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { verifyChain } from '../src/check/equality.js';
import { toText } from '../src/render/print.js';
import { DECL, matrix, scalar } from './generators.js';
import { GRADIENTS } from './battery.js';
import { HESSIANS } from './hessians.js';
import { SHORT_FORMS } from './shortest.js';

function gradient(expr: string, decl: string, wrt: string): { text: string; passed: boolean } {
  const out = runDerive({ expr, decl, wrt: [wrt] });
  return { text: toText(out.results[0].display), passed: out.verdict!.passed };
}

describe('the issue’s examples print the author’s form, checked', () => {
  it('logdet(S) + tr(inv(S)*C), S spd, C symmetric → inv(S) - inv(S)*C*inv(S)', () => {
    const g = gradient('logdet(S) + tr(inv(S)*C)', 'S: n x n spd; C: n x n symmetric', 'S');
    expect(g.text).toBe('inv(S) - inv(S)*C*inv(S)');
    expect(g.passed).toBe(true);
  });
  it('logistic cross-entropy with sigmoid → X\'*(sigmoid(X*w) - y)', () => {
    const g = gradient("-y'*log(sigmoid(X*w)) - (ones(m,1)-y)'*log(ones(m,1)-sigmoid(X*w))", 'X: m x n; w: n; y: m', 'w');
    expect(g.text).toBe("X'*(sigmoid(X*w) - y)");
    expect(g.passed).toBe(true);
  });
  it('sum(log(1 + exp(-y .* (X*w)))) → a sigmoid form', () => {
    const g = gradient('sum(log(ones(m,1) + exp(-y .* (X*w))))', 'X: m x n; w: n; y: m', 'w');
    expect(g.text).toBe("-X'*(sigmoid(-((X*w) .* y)) .* y)");
    expect(g.passed).toBe(true);
  });
  it('norm(kron(A, X))^2 → 2*norm(A)^2*X, either factor', () => {
    for (const f of ['norm(kron(A, X))^2', 'norm(kron(X, A))^2']) {
      const g = gradient(f, 'A: p x q; X: m x n', 'X');
      expect(g.text, f).toBe('2*norm(A)^2*X');
      expect(g.passed).toBe(true);
    }
  });
  it('Kronecker objectives: no vec/unvec/commutation left where a matrix form exists', () => {
    const cases: [string, string, string, string][] = [
      ['sum(kron(X, B))', 'X: n x m; B: k x p', 'X', 'sum(B)*ones(n, m)'],
      ['sum(kron(A, X))', 'X: n x m; A: k x p', 'X', 'sum(A)*ones(n, m)'],
      ['sum(kron(X, X))', 'X: n x m', 'X', '2*sum(X)*ones(n, m)'],
      ["sum(kron(x', B))", 'x: n; B: k x p', 'x', 'sum(B)*ones(n, 1)'],
      ["sum(kron(x, x'))", 'x: n', 'x', '2*sum(x)*ones(n, 1)'],
      ['sum(kron(X*A, B))', 'X: n x m; A: m x q; B: k x p', 'X', "sum(B)*ones(n, q)*A'"],
      ['sum(kron(exp(X), B))', 'X: n x m; B: k x p', 'X', 'sum(B)*exp(X)'],
      ['tr(kron(X, B))', 'X: n x n; B: k x k', 'X', 'tr(B)*eye(n)'],
      ['norm(kron(X, B))^2', 'X: n x m; B: k x p', 'X', '2*norm(B)^2*X'],
      ['logdet(kron(X, B))', 'X: n x n; B: k x k', 'X', "k*inv(X')"],
      ['logdet(kron(X, B))', 'X: n x n spd; B: k x k spd', 'X', 'k*inv(X)'],
    ];
    for (const [f, decl, wrt, want] of cases) {
      const g = gradient(f, decl, wrt);
      expect(g.text, f).toBe(want);
      expect(g.passed, f).toBe(true);
    }
  });
  it('cosine similarity: norm(y) cancelled, quotients as quotients', () => {
    const g = gradient("x'*y/(norm(x)*norm(y))", 'x: n; y: n', 'x');
    expect(g.text).toBe("(y/norm(y) - x'*y*x/(norm(x)^2*norm(y)))/norm(x)");
    expect(g.passed).toBe(true);
  });
  it("ones(N, 1), not ones(1, N)'", () => {
    const decls = parseDeclarations('x: n');
    expect(toText(simplify(parseExpression("ones(1, n)'", { decls })))).toBe('ones(n, 1)');
    const g = gradient("sum(x)*ones(1, n)*x", 'x: n', 'x');
    expect(g.text).not.toContain("ones(1, n)'");
    expect(g.passed).toBe(true);
  });
  it('Hessian of tr(inv(X)) without double negation', () => {
    const h = runHessian({ expr: 'tr(inv(X))', decl: 'X: n x n', wrt: ['X'] });
    expect(toText(h.hessian.blocks[0][0])).toBe("commutation(n, n)*(kron(inv(X'), inv(X)^2) + kron(inv(X')^2, inv(X)))");
    expect(h.verdict!.passed).toBe(true);
  });
  it('Hessians of sums of entrywise functions: the diagonal terms combined into one diag', () => {
    // before: A'*(diag(…) + diag(…) - diag(…))*A, and -2*(diag(a) - diag(b)) - diag(c)
    for (const [expr, decl] of [
      ['sum(exp(A*x)) + sum(log(ones(m,1) + exp(A*x)))', 'A: m x n; x: n'],
      ['sum(log(sigmoid(A*x))) - 2*sum(sigmoid(A*x)) + sum(exp(A*x)) - 4*sum(tanh(A*x))', 'A: m x n; x: n'],
      ['sum(log(sigmoid(x))) - 2*sum(sigmoid(x))', 'x: n'],
    ]) {
      const h = runHessian({ expr, decl, wrt: ['x'] });
      const text = toText(h.hessian.blocks[0][0]);
      expect(text.match(/diag\(/g)?.length, `${expr} → ${text}`).toBe(1);
      expect(h.verdict!.passed).toBe(true);
    }
  });
  it('Hessians through diag(x) of the variable: the diagonal selection back to matrix form', () => {
    const cases: [string, string, string][] = [
      ["sum(exp(x)) + x'*diag(x)*x", 'x: n', 'diag(exp(x) + 6*x)'],
      ["x'*diag(x)*A*x", 'A: n x n; x: n', "2*(A'*diag(x) + diag(A*x) + diag(x)*A)"],
      ["0.5*norm(M - x*x')^2", 'M: n x n symmetric; x: n', "2*(x'*x)*eye(n) + 4*x*x' - 2*M"],
    ];
    for (const [expr, decl, want] of cases) {
      const h = runHessian({ expr, decl, wrt: ['x'] });
      expect(toText(h.hessian.blocks[0][0]), expr).toBe(want);
      expect(h.verdict!.passed).toBe(true);
    }
  });
  it('a two-layer sigmoid network’s Hessian names sigmoid(W1*x) instead of repeating it', () => {
    const h = runHessian({ expr: 'sum(sigmoid(W2*sigmoid(W1*x)))', decl: 'W1: h x d; W2: k x h; x: d', wrt: ['W1', 'W2'] });
    const z = h.named.find((n) => toText(n.value) === 'sigmoid(W1*x)');
    expect(z, h.named.map((n) => `${n.name} = ${toText(n.value)}`).join('; ')).toBeDefined();
    for (const row of h.display.blocks) for (const b of row) expect(toText(b)).not.toContain('sigmoid(W1*x)');
    expect(h.verdict!.passed).toBe(true);
  });
});

describe('everyday objectives print as an author writes them, checked', () => {
  // [f, declarations, --wrt, the printed gradients (with the names given) joined by "; "]
  const cases: [string, string, string, string][] = [
    ['0.5*norm(X*W - Y)^2 + 0.5*lambda*norm(W)^2', 'X: n x d; W: d x k; Y: n x k; lambda: scalar', 'W', "X'*(X*W - Y) + lambda*W"],
    ["0.5*(X*w - y)'*D*(X*w - y)", 'X: n x d; w: d; y: n; D: n x n symmetric', 'w', "X'*D*(X*w - y)"],
    ['-sum(Y .* log(softmax(W*X)))', 'W: k x d; X: d x n; Y: k x n stochastic', 'W', "(softmax(W*X) - Y)*X'"],
    ["-y'*log(softmax(W*x))", 'W: k x d; x: d; y: k', 'W', "(sum(y)*softmax(W*x) - y)*x'"],
    ["0.5*(x - mu)'*inv(S)*(x - mu)", 'x: d; mu: d; S: d x d spd', 'mu', 'inv(S)*(mu - x)'],
    ["0.5*(x - mu)'*P*(x - mu) - 0.5*logdet(P)", 'x: d; mu: d; P: d x d spd', 'P', "1/2*((x - mu)*(x - mu)' - inv(P))"],
    ["0.5*norm(U*V' - M)^2 + 0.5*lambda*(tr(U'*U) + tr(V'*V))", 'U: m x r; V: n x r; M: m x n; lambda: scalar', 'U,V', "E*V + lambda*U; E'*U + lambda*V; E = U*V' - M"],
    ['tr(C*X) - logdet(X)', 'C: n x n symmetric; X: n x n spd', 'X', 'C - inv(X)'],
    ['sum(softplus(X*w - y) + softplus(y - X*w))', 'X: n x d; w: d; y: n', 'w', "X'*(sigmoid(X*w - y) - sigmoid(y - X*w))"],
    ["-tr(W'*S*W)", 'W: d x k; S: d x d symmetric', 'W', '-2*S*W'],
    ['sum(exp(X*w) - y .* (X*w))', 'X: n x d; w: d; y: n', 'w', "X'*(exp(X*w) - y)"],
    ["(x - y)'*M*(x - y)", 'x: d; y: d; M: d x d', 'M', "(x - y)*(x - y)'"],
    ['0.5*norm(X - W2*W1*X)^2', 'X: d x n; W1: k x d; W2: d x k', 'W1,W2', "W2'*E*X'; E*X'*W1'; E = W2*W1*X - X"],
    ['tr(S*P) - logdet(P) + 0.5*lambda*norm(P)^2', 'S: d x d symmetric; P: d x d spd; lambda: scalar', 'P', 'lambda*P + S - inv(P)'],
    ['0.5*norm(A*x - b)^2 + lambda*sum(softplus(x) + softplus(-x))', 'A: m x n; x: n; b: m; lambda: scalar', 'x', "A'*(A*x - b) + lambda*(sigmoid(x) - sigmoid(-x))"],
  ];
  for (const [f, decl, wrt, want] of cases)
    it(`${f} → ${want}`, () => {
      const out = runDerive({ expr: f, decl, wrt: wrt.split(',') });
      const shown = [...out.results.map((r) => toText(r.display)), ...out.named.map((n) => `${n.name} = ${toText(n.value)}`)];
      expect(shown.join('; ')).toBe(want);
      expect(out.verdict!.passed).toBe(true);
    });
});

describe('rules/simplify.rules at work on single expressions (each result equal to its input)', () => {
  const decls = parseDeclarations('a, b, c, d: n; A, B, C: m x m; D: n x n; p: scalar');
  const cases: [string, string][] = [
    ['diag(a) - 2*(diag(b) + diag(c) - 4*diag(d)) - 2*diag(b)', 'diag(a + 8*d - 4*b - 2*c)'],
    ['kron(A, B) + 2*kron(A, C)', 'kron(A, B + 2*C)'],
    ['-A*(-B - C)', 'A*(B + C)'],
    ['2*(3*A - 3*B)/6', 'A - B'],
    ['p*A*B - p*B*A', 'p*(A*B - B*A)'],
    ["A*(A'*B'*C' - B')", "A*(C*B*A - B)'"],
    ["(a - b)*(a' - b')", "(a - b)*(a - b)'"],
    ["a' - b'", "a' - b'"],
    ['-inv(D)*(a - b)', 'inv(D)*(b - a)'],
    ["-(a - b)*(a - b)'*D", "-(a - b)*(a - b)'*D"],
    ['(ones(n, n)*a) .* b', 'sum(a)*b'],
    ['exp(a) ./ (ones(n, 1) + exp(a))', 'sigmoid(a)'],
    ['ones(n, 1) - sigmoid(a)', 'sigmoid(-a)'],
    ['log(ones(n, 1) + exp(a))', 'softplus(a)'],
    ['p^2*a/(p*norm(a))^3', 'a/(p*norm(a)^3)'],
    ["kron(A, a')*kron(B, b)", "(a'*b)*A*B"],
    ["D*(kron(eye(n), a') + kron(a', eye(n)))*kron(b, eye(n))", "D*b*a' + a'*b*D"],
    ["(a*b') .* eye(n)", 'diag(a .* b)'],
  ];
  for (const [input, want] of cases)
    it(`${input} → ${want}`, () => {
      const e = parseExpression(input, { decls });
      const out = authorForm(e);
      expect(toText(out)).toBe(want);
      expect(verifyChain([e, out], { symbols: [...decls.symbols.values()], dims: decls.dims }).passed).toBe(true);
    });
});

describe('property: the presentation search keeps the value', () => {
  it('random matrix and scalar expressions', () => {
    const decls = parseDeclarations(DECL);
    fc.assert(
      fc.property(fc.oneof(matrix('mn', 3), scalar(3)), (text) => {
        const e = parseExpression(text, { decls });
        const out = authorForm(e);
        const v = verifyChain([simplify(e), out], { symbols: [...decls.symbols.values()], dims: decls.dims }, { points: 2 });
        expect(v.passed, `${text} → ${toText(out)}`).toBe(true);
      }),
      { numRuns: 60, seed: 13 },
    );
  });
});

describe('the hand-written short forms the bench compares against are equal to what matcalc derives', () => {
  for (const s of SHORT_FORMS)
    it(`${s.kind}: ${s.name}`, () => {
      const c = (s.kind === 'gradient' ? GRADIENTS : HESSIANS).find((x) => x.name === s.name)!;
      expect(c, s.name).toBeDefined();
      const decls = parseDeclarations(c.decl);
      const engine =
        s.kind === 'gradient'
          ? runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check: false }).results.map((r) => r.value)
          : runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, check: false }).hessian.blocks.flat();
      expect(s.forms.length).toBe(engine.length);
      s.forms.forEach((text, i) => {
        const hand = parseExpression(text, { decls });
        const v = verifyChain([engine[i], hand], { symbols: [...decls.symbols.values()], dims: decls.dims });
        expect(v.passed, `${s.name} [${i}]: ${text}`).toBe(true);
      });
    });
});
