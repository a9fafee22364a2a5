// Rules as data: every rule in rules/ is verified numerically on random instances of its own variables
// (a wrong rule cannot be added: it names itself); the rule-file parser reports malformed rules with
// their line; the matcher works modulo associativity and commutativity and checks side conditions.
import { describe, expect, it } from 'vitest';
import { instancesIn, loadRules, parseRules, statementsOf } from '../src/rewrite/rules.js';
import { verifyRule } from '../src/check/rule.js';
import { rewriteOnce, NO_BINDINGS } from '../src/rewrite/match.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { toText } from '../src/render/print.js';
import { simplify } from '../src/rewrite/simplify.js';

const RULES = loadRules();

describe('every rule in rules/ holds numerically', () => {
  it('the library covers the identities the issue lists', () => {
    for (const name of ['vec-kron', 'vec-transpose', 'trace-vec', 'vec-hadamard', 'vec-outer', 'kron-transpose', 'kron-mixed-product', 'kron-inverse', 'transpose-product', 'trace-cyclic', 'trace-transpose', 'trace-sum', 'diag-hadamard', 'd-inverse', 'd-logdet', 'd-det', 'd-entrywise', 'd-kron', 'd-hadamard', 'd-vec', 'd-trace', 'd-frobenius', 'first-identification', 'second-identification', 'jac-chain', 'jac-product', 'jac-linear'])
      expect(RULES.has(name), name).toBe(true);
    expect(RULES.size).toBeGreaterThanOrEqual(50);
  });
  for (const rule of RULES.values())
    it(`${rule.name} (${rule.file}:${rule.line})`, () => {
      // a rule for every integer exponent, at several exponents
      for (const statement of statementsOf(rule)) {
        const v = verifyRule(statement);
        expect(v.passed, v.message).toBe(true);
      }
    });
  it('a rule for every exponent is checked at each: the power rule with k − 2 for k − 1 fails at some k', () => {
    const [wrong] = parseRules('rule wrong-power\n  exponent: k\n  lhs: diff(U .^ k, X, V)\n  rhs: k*(U .^ (k-2)) .* V\n  where: U: m x n; X: m x n; V: m x n\n  check: U = 2*ones(m, n) + sin(X)\n', 'bad.rules');
    expect(statementsOf(wrong).some((s) => !verifyRule(s).passed)).toBe(true);
    // matched at the exponent it meets
    const e = parseExpression('diff(X .^ 5, X, X)', { decls: parseDeclarations('X: m x n') });
    expect(instancesIn(wrong, e).map((r) => toText(r.lhs))).toContain('diff(U.^5, X, V)');
  });
});

describe('a wrong rule names itself', () => {
  it('a Kronecker product in the wrong order', () => {
    const [wrong] = parseRules('rule vec-kron-swapped\n  lhs: vec(A*X*B)\n  rhs: kron(A, B\')*vec(X)\n  where: A: m x m; X: m x m; B: m x m\n', 'bad.rules');
    const v = verifyRule(wrong);
    expect(v.passed).toBe(false);
    expect(v.message).toContain('vec-kron-swapped');
    expect(v.message).toContain('bad.rules:1');
  });
  it('a missing factor 2 in a derivative rule', () => {
    const [wrong] = parseRules('rule d-frobenius-half\n  lhs: diff(norm(X)^2, X, V)\n  rhs: inner(X, V)\n  where: X: m x n; V: m x n\n', 'bad.rules');
    expect(verifyRule(wrong).passed).toBe(false);
  });
  it('a rule whose instance makes both sides vanish is not accepted as verified', () => {
    const [trivial] = parseRules('rule empty\n  lhs: jac(u\'*u, X)\n  rhs: 2*jac(u, X)*u\n  where: u: p; X: m x n\n', 'bad.rules');
    const v = verifyRule(trivial);
    expect(v.passed).toBe(false);
    expect(v.message).toContain('vanish');
  });
});

describe('rule files: clear errors with line numbers', () => {
  const bad = (src: string, ...fragments: string[]) => {
    let msg = '';
    try {
      parseRules(src, 'x.rules');
    } catch (e) {
      msg = (e as Error).message;
    }
    for (const f of fragments) expect(msg).toContain(f);
  };
  it('a field before any rule', () => bad('lhs: A\n', 'x.rules:1', 'expected "rule NAME"'));
  it('an unknown field', () => bad('rule r\n  lhs: A\n  rhs: A\n  where: A: n x n\n  proof: trivial\n', 'x.rules:5', 'proof: trivial'));
  it('a missing side', () => bad('rule r\n  lhs: A\n  where: A: n x n\n', 'x.rules:1', 'no "rhs:"'));
  it('a rule defined twice', () => bad('rule r\n  lhs: A\n  rhs: A\n  where: A: n x n\nrule r\n', 'x.rules:5', 'defined twice'));
  it('a syntax error inside a side', () => bad('rule r\n  lhs: tr(A\n  rhs: A\n  where: A: n x n\n', 'x.rules:2', 'lhs', 'syntax error'));
  it('sides of different shapes', () => bad("rule r\n  lhs: A\n  rhs: A'\n  where: A: m x n\n", 'x.rules:3', 'm×n', 'n×m'));
  it('an unknown condition', () => bad('rule r\n  lhs: A\n  rhs: A\n  where: A: n x n\n  if: small(A)\n', 'x.rules:5', 'unknown condition'));
});

describe('the matcher', () => {
  const decls = parseDeclarations('W1, W2, W3: d x d; X, Y: d x n; S: d x d symmetric; A: d x d; Z: d*d x d*d');
  const e = (s: string) => simplify(parseExpression(s, { decls }));
  it('works modulo associativity: vec(W3 W2 W1 X) with X := W2 is ((W1X)ᵀ ⊗ W3) vec(W2)', () => {
    const rule = RULES.get('vec-kron')!;
    const pre = { ...NO_BINDINGS, exprs: new Map([['X', decls.symbols.get('W2')!]]) };
    const r = rewriteOnce(rule, e('vec(W3*W2*W1*X)'), pre)!;
    expect(toText(r.result)).toBe("kron((W1*X)', W3)*vec(W2)");
    expect(toText(r.site.before)).toBe('vec(W3*W2*W1*X)');
  });
  it('finds a match inside a longer product and reports where it applied', () => {
    const r = rewriteOnce(RULES.get('kron-mixed-product')!, e('Z*kron(W1, W2)*kron(W3, A)*Z'))!;
    expect(toText(r.site.before)).toBe('kron(W1, W2)*kron(W3, A)');
    expect(toText(r.result)).toBe('Z*kron(W1*W3, W2*A)*Z');
  });
  it('works modulo commutativity of sums', () => {
    const rule = parseRules('rule r\n  lhs: A + B\'\n  rhs: B\' + A\n  where: A: m x n; B: n x m\n')[0];
    expect(rewriteOnce(rule, e("W2' + W1"))).toBeDefined();
  });
  it('checks side conditions: Sᵀ = S only for symmetric S', () => {
    const rule = RULES.get('transpose-symmetric')!;
    expect(rewriteOnce(rule, parseExpression("S'", { decls }))).toBeDefined();
    expect(rewriteOnce(rule, parseExpression("A'", { decls }))).toBeUndefined();
  });
  it('checks free(M, X): ∇_x Ax = Aᵀ only when A does not depend on x', () => {
    const rule = RULES.get('jac-linear')!;
    expect(rewriteOnce(rule, parseExpression("jac(kron(X', W1)*vec(W2), W2)", { decls }))).toBeDefined();
    expect(rewriteOnce(rule, parseExpression("jac(kron(X', W2)*vec(W2), W2)", { decls }))).toBeUndefined();
  });
});
