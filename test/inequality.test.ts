// Inequality claims: in documents, and on the command line (matcalc verify --claim "LHS <= RHS", no --f).
// The search must find violations that random points almost never hit (planted below); true bounds —
// tight ones too — must hold; a strict inequality that is an equality cannot be decided by numbers; a
// claim whose sides are nowhere defined has no verdict.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDocument, splitRelation } from '../src/doc/format.js';
import { checkDocument } from '../src/doc/check.js';
import { formatRelationText, verifyRelation } from '../src/app/relation.js';
import { checkInequality } from '../src/search/inequality.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { verify } from '../src/api/api.js';
import { documentJson } from '../src/api/json.js';

const BIN = new URL('../bin/matcalc.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
const doc = (text: string) => checkDocument(parseDocument(text, 'test.matcalc'));

function inequality(decl: string, left: string, relation: '<=' | '<' | '>=' | '>', right: string, seed = 1) {
  const decls = parseDeclarations(decl);
  const p = (s: string) => parseExpression(s, { decls });
  return checkInequality({ left: p(left), relation, right: p(right), symbols: [...decls.symbols.values()], dims: decls.dims }, { seed, points: 12, searches: 4, budget: 200 });
}

describe('relations in text', () => {
  it('split at the top-level relation: <=, <, >=, >, ≤, ≥, or =', () => {
    expect(splitRelation('norm(A*B) <= opnorm(A)*norm(B)')).toEqual({ lhs: 'norm(A*B)', relation: '<=', rhs: 'opnorm(A)*norm(B)' });
    expect(splitRelation('a ≥ b')).toEqual({ lhs: 'a', relation: '>=', rhs: 'b' });
    expect(splitRelation('lambda_min(H) < 0')?.relation).toBe('<');
    expect(splitRelation("grad(f, x) = 2*x")).toEqual({ lhs: 'grad(f, x)', relation: '=', rhs: '2*x' });
    expect(splitRelation('a < b < c')).toBeUndefined();
  });
  it('a document may not cite a rule for an inequality', () => {
    expect(() => parseDocument('decl: x: n\nclaim: norm(x) <= sum(abs(x)) by frobenius-vec\n', 't')).toThrow(/an inequality cannot cite a rule/);
  });
});

describe('the search finds planted violations that random points miss', () => {
  for (const [decl, l, r] of [
    ['x: 5', 'sum(x)', '0.99*sqrt(5)*norm(x)'], // Cauchy–Schwarz sharpened: only within ~8° of the ones vector
    ['S: 4 x 4 symmetric', 'lambda_max(S)', '0.99*norm(S)'], // only near a positive rank-one S
    ['u, v: 6 unit', "abs(u'*v)", '0.995'], // only for nearly parallel unit vectors
    // a bound 1% of λ₂² above PCA's global minimum ½Σ_{i≥2}λᵢ²: only near ±√λ₁v₁ (Ma, Thm 4.1)
    ['M: 5 x 5 spd; z: 5', '0.5*(norm(eigvals(M))^2 - eigval(M, 1)^2) + 0.01*eigval(M, 2)^2', "0.5*norm(M - z*z')^2"],
  ] as const)
    it(`${l} <= ${r}`, () => {
      for (const seed of [1, 2]) {
        const v = inequality(decl, l, '<=', r, seed);
        expect(v.status, `seed ${seed}`).toBe('fails');
        expect(v.counterexample!.foundBy).toBe('search');
        expect(v.counterexample!.left).toBeGreaterThan(v.counterexample!.right);
      }
    });
});

describe('verdicts', () => {
  it('true bounds hold, tight ones too, with the evidence counted', () => {
    const v = inequality('A: m x n; B: n x p', 'norm(A*B)', '<=', 'opnorm(A)*norm(B)');
    expect(v.status).toBe('holds');
    expect([v.points, v.searches]).toEqual([12, 4]);
    expect(v.evaluations).toBeGreaterThan(12);
    expect(inequality('x, y: n', "abs(x'*y)", '<=', 'norm(x)*norm(y)').status).toBe('holds');
    // the PCA minimum itself, which the search reaches (the planted violation above is 1% beneath it)
    const pca = inequality('M: n x n spd; z: n', '0.5*(norm(eigvals(M))^2 - eigval(M, 1)^2)', '<=', "0.5*norm(M - z*z')^2");
    expect(pca.status).toBe('holds');
    expect(pca.closest).toBeGreaterThan(-1e-4);
    expect(inequality('S: n x n symmetric', 'lambda_min(S)', '<=', 'tr(S)/n').status).toBe('holds');
    // >= reads right to left
    expect(inequality('A: m x n', 'norm(A)', '>=', 'opnorm(A)').status).toBe('holds');
    expect(inequality('A: m x n', 'opnorm(A)', '>=', 'norm(A)').status).toBe('fails');
  });

  it('a strict inequality that is an equality at the points tried has no verdict; a false one fails', () => {
    const tight = inequality('x: n', "x'*x", '<', 'norm(x)^2');
    expect(tight.status).toBe('unchecked');
    expect(tight.reason).toMatch(/equal to within rounding/);
    expect(inequality('M: n x n spd', 'lambda_min(M)', '>', '0').status).toBe('holds');
    expect(inequality('S: n x n symmetric', 'lambda_min(S)', '>', '0').status).toBe('fails');
  });

  it('the search keeps every property: unit, orthogonal, spd and stochastic values stay what they are declared', () => {
    // each bound is true exactly on its manifold (so a search that left it would "find" a violation)
    expect(inequality('x: n unit', 'norm(x)', '<=', '1').status).toBe('holds');
    expect(inequality('Q: n x n orthogonal; A: n x n', 'norm(Q*A)', '<=', 'norm(A)').status).toBe('holds');
    expect(inequality('P: n x n spd', '0', '<', 'lambda_min(P)').status).toBe('holds');
    expect(inequality('Y: n x m stochastic', 'sum(Y)', '<=', 'm').status).toBe('holds');
    expect(inequality('Y: n x m stochastic', 'm', '<=', 'sum(Y)').status).toBe('holds');
    expect(inequality('Y: n x m stochastic', 'sum(abs(Y) - Y)', '<=', '0').status).toBe('holds');
  });

  it('sides that are nowhere defined give no verdict; matrix sides are refused', () => {
    const v = inequality('x: n', 'log(-norm(x))', '<=', '0');
    expect(v.status).toBe('unchecked');
    expect(v.reason).toMatch(/no point was found where the expressions compared are finite/);
    expect(() => inequality('A: n x n', 'A', '<=', "A'")).toThrow(/compares two scalars/);
  });

  it('finite-difference noise under λ_min is not a counterexample: a Hessian with a zero eigenvalue is PSD', () => {
    // ½‖W2W1 − Y‖² at a global minimum W2W1 = Y: the Hessian has zero eigenvalues (W1 → A⁻¹W1, W2 → W2A)
    const v = verifyRelation({ decl: 'W1, W2, Y: n x n; D: n x n', claim: 'diff(diff(0.5*norm(W2*W1 - Y)^2, W1, D), W1, D) >= 0', at: ['Y = W2*W1'], seed: 3 });
    expect(v.status).toBe('holds');
  });
});

describe('in documents', () => {
  it('a claim holds with its evidence; a refuted printed bound needs (and shows) a counterexample', () => {
    const r = doc(`decl: A, B: n x n; C: n x p
claim: norm(A*C) <= opnorm(A)*norm(C)
refute: norm(A*B) <= opnorm(A)*opnorm(B)
`);
    expect(r.passed).toBe(true);
    const [c, f] = r.results;
    expect(c.kind === 'claim' && c.inequality?.status).toBe('holds');
    const json = documentJson(r).items[1];
    expect(json).toMatchObject({ kind: 'refute', relation: '<=', holds: false, passed: true, inequality: { status: 'fails', relation: '<=' } });
    expect(f.kind === 'claim' && f.inequality?.counterexample?.left).toBeGreaterThan(f.kind === 'claim' ? f.inequality!.counterexample!.right : 0);
  });
  it('a false claim fails the document at its line; a refuted bound that holds fails it too', () => {
    const bad = doc('decl: A: m x n\nclaim: opnorm(A) >= norm(A)\n');
    expect(bad.passed).toBe(false);
    expect(bad.firstFailure!.line).toBe(2);
    expect(bad.firstFailure!.message).toMatch(/claim is false: a counterexample: the left side is/);
    const wrong = doc('decl: A: m x n\nrefute: opnorm(A) <= norm(A)\n');
    expect(wrong.passed).toBe(false);
    expect(wrong.firstFailure!.message).toMatch(/refute: the inequality holds \(no counterexample in \d+ random points and \d+ local searches/);
  });
  it('counterexamples honour the declared dimension constraints', () => {
    const r = doc('decl: x: n; t: s; n >= 3; s <= n; s >= 2\nrefute: sum(ones(n, 1)) = 2\nrefute: norm(cols(eye(n), 1, s)*sign(t))^2 = 1\n');
    expect(r.passed, JSON.stringify(r.firstFailure)).toBe(true);
    for (const x of r.results) {
      const sizes = x.kind === 'claim' ? x.counterexample!.sizes : {};
      expect(sizes.n).toBeGreaterThanOrEqual(3);
      if ('s' in sizes) expect(sizes.s >= 2 && sizes.s <= sizes.n).toBe(true);
    }
  });

  it('the noise of finite differences is not a counterexample to a tight bound', () => {
    // the curvature along v is ‖v‖² exactly, but the two large terms that cancel leave the second
    // differences an error of ~1e-2 (which they estimate): without that estimate this "fails"
    const claim = 'diff(diff(1e7*sum(x.^4) - 1e7/81*sum((3*x).^4) + 0.5*norm(x)^2, x, v), x, v) <= norm(v)^2';
    for (const seed of [1, 2]) expect(verifyRelation({ decl: 'x, v: n', claim, seed }).status).toBe('holds');
  });

  it('at: points built from spectral functions: the PCA saddle and its curvature', () => {
    const r = doc(`decl: M: d x d spd; x: d
at: x = sqrt(eigval(M, 2))*eigvec(M, 2)
claim: lambda_min(hess(0.5*norm(M - x*x')^2, x, x)) = 2*(eigval(M, 2) - eigval(M, 1))
refute: lambda_min(hess(0.5*norm(M - x*x')^2, x, x)) = eigval(M, 2) - eigval(M, 1)
claim: lambda_min(hess(0.5*norm(M - x*x')^2, x, x)) <= 0
`);
    expect(r.passed, JSON.stringify(r.firstFailure)).toBe(true);
  });
});

describe('members of a family of any depth named by constant indices (W[1], W[2])', () => {
  // the declarations cannot list them (l is open); they were an internal error ("no value for W[1]")
  it('are drawn, with sizes for their dimensions: identities, inequalities, counterexamples, documents', () => {
    const fam = 'W[k = 1..l]: n[k] x n[k-1]; l >= 2';
    expect(verify({ decl: fam, claim: "norm(W[1])^2 = tr(W[1]'*W[1])" }).verdict).toBe('HOLDS');
    expect(verify({ decl: fam, claim: 'norm(W[2]*W[1]) <= opnorm(W[2])*norm(W[1])' }).verdict).toBe('HOLDS');
    const no = verify({ decl: fam, claim: 'norm(W[2]*W[1]) <= opnorm(W[2])*opnorm(W[1])' });
    expect(no.verdict).toBe('FALSE');
    expect(Object.keys(no.evidence!.counterexample!.sizes).sort()).toEqual(['n[0]', 'n[1]', 'n[2]']);
    const eq = verify({ decl: 'W[k = 1..l]: d x d; l >= 2', claim: 'norm(W[1])^2 = tr(W[1]*W[1])' });
    expect(eq.verdict).toBe('FALSE');
    expect(eq.counterexample).toBeTruthy();
    const r = doc(`decl: ${fam}
claim: norm(W[2]*W[1]) <= opnorm(W[2])*norm(W[1])
refute: norm(W[2]*W[1]) <= opnorm(W[2])*opnorm(W[1])
claim: norm(W[1])^2 = tr(W[1]'*W[1])
`);
    expect(r.passed, JSON.stringify(r.firstFailure)).toBe(true);
  });
});

describe('inequalities for any depth l and any layer h', () => {
  it('are checked at the instances of their indices; a counterexample names the depth and the layer', () => {
    const fam = 'W[k = 1..l]: n[k] x n[k-1]; l >= 1; h in 1..l';
    const ok = verifyRelation({ decl: fam, claim: 'norm(prod(j = l..1, W[j])) <= prod(j = l..2, opnorm(W[j]))*norm(W[1])' });
    expect(ok.status).toBe('holds');
    expect(ok.inequality!.points).toBeGreaterThanOrEqual(30);
    expect(formatRelationText(ok)).toMatch(/^ {2}with W\[k\]: n\[k\]×n\[k-1\] for k = 1\.\.l$/m);
    // false only where the layer h has ‖W_h‖₂ < 1: the search shrinks it
    const no = verifyRelation({ decl: fam, claim: 'norm(prod(j = l..1, W[j])) <= opnorm(W[h])*norm(prod(j = l..1, W[j]))' });
    expect(no.status).toBe('fails');
    const c = no.inequality!.counterexample!;
    expect(c.sizes.l).toBeGreaterThanOrEqual(1);
    expect(c.sizes.h).toBeLessThanOrEqual(c.sizes.l);
    expect(c.left).toBeGreaterThan(c.right);
    // in a document too
    const r = doc(`decl: ${fam}
claim: norm(prod(j = l..1, W[j])) <= prod(j = l..2, opnorm(W[j]))*norm(W[1])
refute: norm(prod(j = l..1, W[j])) <= prod(j = l..1, opnorm(W[j]))
`);
    expect(r.passed, JSON.stringify(r.firstFailure)).toBe(true);
  });
});

describe('matcalc verify --claim without --f', () => {
  it('exits 0 for a bound that holds, 1 with a counterexample for one that does not', () => {
    const ok = run('verify', '--decl', 'A: m x n; B: n x p', '--claim', 'norm(A*B) <= opnorm(A)*norm(B)');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^HOLDS \(evidence, not proof\): norm\(A\*B\) <= opnorm\(A\)\*norm\(B\)/);
    expect(ok.stdout).toMatch(/no counterexample in 30 random points and 6 local searches/);
    const bad = run('verify', '--decl', 'A, B: n x n', '--claim', 'norm(A*B) <= opnorm(A)*opnorm(B)');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FALSE: /);
    expect(bad.stdout).toMatch(/left side {2}norm\(A\*B\) = /);
    expect(bad.stdout).toMatch(/it fails by /);
  });
  it('identities: HOLDS, or FALSE with a small integer counterexample; JSON says which', () => {
    const id = run('verify', '--decl', 'A: m x n', '--claim', "opnorm(A) = opnorm(A')", '--format', 'json');
    expect(id.status).toBe(0);
    expect(JSON.parse(id.stdout)).toMatchObject({ kind: 'identity', verdict: 'HOLDS', status: 'holds' });
    const no = run('verify', '--decl', 'S: n x n symmetric', '--claim', 'lambda_max(S) = norm(S)');
    expect(no.status).toBe(1);
    expect(no.stdout).toMatch(/counterexample \(n = \d; integer entries\)/);
    const j = run('verify', '--decl', 'A, B: n x n', '--claim', 'norm(A*B) <= opnorm(A)*opnorm(B)', '--format', 'json');
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ kind: 'inequality', verdict: 'FALSE', claim: { relation: '<=' } });
    expect(out.evidence.counterexample.left).toBeGreaterThan(out.evidence.counterexample.right);
    // the library returns the same object
    const lib = verify({ decl: 'A, B: n x n', claim: 'norm(A*B) <= opnorm(A)*opnorm(B)' });
    expect(lib).toEqual(out);
    expect(verify({ decl: 'A: m x n; B: n x p', claim: 'norm(A*B) <= opnorm(A)*norm(B)' }).verdict).toBe('HOLDS');
  });
  it('bad input exits 2 with a message: matrix sides, derivatives through spectral functions, --kind', () => {
    const m = run('verify', '--decl', 'A: n x n', '--claim', "A <= A'");
    expect(m.status).toBe(2);
    expect(m.stderr).toMatch(/compares two scalars/);
    const d = run('derive', 'lambda_max(S)', '--decl', 'S: n x n symmetric');
    expect(d.status).toBe(2);
    expect(d.stderr).toMatch(/evaluated numerically only/);
    expect(d.stderr).not.toMatch(/at .*\.js:\d+/);
    const k = run('verify', '--decl', 'A: n x n', '--claim', 'opnorm(A) <= norm(A)', '--kind', 'grad');
    expect(k.status).toBe(2);
  });
});
