// Dimension constraints ("d2 >= d1") are honoured by every command that checks at random points —
// identities and inequalities (verify --claim), gradient claims (verify --f), derive's check and
// documents — and a bound that would constrain nothing ("N >= 3" where no type uses N) is an error with
// its place, not dropped. Each claim below is true exactly when the constraint holds, so a path that
// dropped it would report a failure.
import { describe, expect, it } from 'vitest';
import { derive, verify } from '../src/api/api.js';
import { parseDocument } from '../src/doc/format.js';
import { checkDocument } from '../src/doc/check.js';
import { formatRelationText, verifyRelation } from '../src/app/relation.js';
import { declarationsText } from '../src/render/derive-output.js';
import { parseDeclarations } from '../src/lang/decl.js';

const doc = (text: string) => checkDocument(parseDocument(text, 'test.matcalc'));

describe('dimension constraints are honoured everywhere', () => {
  it('verify --claim: an identity and an inequality that need d2 >= d1', () => {
    // A A⁺ = I needs full row rank, so at least as many columns as rows
    expect(verify({ decl: 'A: d1 x d2; d2 >= d1', claim: 'A*pinv(A) = eye(d1)' }).verdict).toBe('HOLDS');
    expect(verify({ decl: 'A: d1 x d2', claim: 'A*pinv(A) = eye(d1)' }).verdict).toBe('FALSE');
    const bound = verify({ decl: 'A: d1 x d2; d2 >= d1 + 1', claim: 'norm(ones(d2, 1))^2 >= norm(ones(d1, 1))^2 + 1' });
    expect(bound.verdict).toBe('HOLDS');
    const broken = verify({ decl: 'A: d1 x d2', claim: 'norm(ones(d2, 1))^2 >= norm(ones(d1, 1))^2 + 1' });
    expect(broken.verdict).toBe('FALSE');
  });

  it('verify --f and derive: ∇ log det(AAᵀ) = 2(AAᵀ)⁻¹A where AAᵀ is invertible', () => {
    const claim = { f: "logdet(A*A')", wrt: 'A', claim: "2*inv(A*A')*A" };
    const constrained = verify({ decl: 'A: d1 x d2; d2 >= d1', ...claim });
    expect(constrained.verdict).toBe('VERIFIED');
    expect(constrained.numerical!.points.every((p) => p.sizes.d2 >= p.sizes.d1)).toBe(true);
    // without the constraint, sizes with d1 > d2 are drawn too: AAᵀ is singular there, logdet and the
    // inverse are rounding noise, and such a point decides nothing (it is replaced), so the claim is
    // verified where it is defined — from points that satisfy d2 >= d1 only, with a note that some were replaced
    const free = verify({ decl: 'A: d1 x d2', ...claim });
    expect(free.numerical!.points.every((p) => p.sizes.d2 >= p.sizes.d1)).toBe(true);
    expect(free.numerical!.notes.join(' ')).toMatch(/could not decide were replaced/);
    const d = derive({ f: "logdet(A*A')", decl: 'A: d1 x d2; d2 >= d1' });
    expect(d.check?.passed).toBe(true);
    for (const p of d.check!.points) expect(p.sizes.d2).toBeGreaterThanOrEqual(p.sizes.d1);
  });

  it('the outputs say which constraints the sizes were drawn under', () => {
    const text = formatRelationText(verifyRelation({ decl: 'A: d1 x d2; d2 >= d1', claim: 'A*pinv(A) = eye(d1)' }));
    expect(text).toMatch(/^ {2}with A: d1×d2; d2 >= d1$/m);
    // derive, --hessian and verify --f share this line
    expect(declarationsText(parseDeclarations('X: q x n; x: n; q >= n + 1; n >= 3'))).toBe('X: q×n, x: n×1; q >= n + 1, n >= 3');
  });

  it('documents: the claim holds with the constraint, fails without it', () => {
    expect(doc('decl: A: d1 x d2; d2 >= d1\nclaim: A*pinv(A) = eye(d1)\n').passed).toBe(true);
    expect(doc('decl: A: d1 x d2\nclaim: A*pinv(A) = eye(d1)\n').passed).toBe(false);
  });
});

describe('a bound on a name nothing uses is an error, not dropped', () => {
  const message = /declaration at column 11: N is neither a dimension \(no type uses it\) nor a depth that a range or an expression uses: this bound would constrain nothing \(the dimensions are m, n\)/;
  it('in verify, derive and documents, with the place', () => {
    expect(() => verify({ decl: 'A: m x n; N >= 3', claim: 'norm(A) >= 0' })).toThrow(message);
    expect(() => verify({ decl: 'A: m x n; N >= 3', f: 'norm(A)^2', wrt: 'A', claim: '2*A' })).toThrow(message);
    expect(() => derive({ f: 'norm(A)^2', decl: 'A: m x n; N >= 3' })).toThrow(message);
    expect(() => derive({ f: 'norm(A)^2', decl: 'A: m x n; N >= 3', hessian: true })).toThrow(message);
    expect(() => doc('decl: A: m x n; N >= 3\nclaim: norm(A) >= 0\n')).toThrow(/test\.matcalc:1: declaration at column 11: N is neither a dimension/);
  });
  it('a depth bound that a range or only an expression uses is still a depth bound', () => {
    expect(derive({ f: '0.5*norm(prod(j = l..1, W)*X - Y)^2', decl: 'W: d x d; X, Y: d x n; l >= 1', wrt: ['W'] }).check?.passed).toBe(true);
    expect(doc('decl: W[k = 1..l]: d x d; l >= 2; h in 1..l\nclaim: grad(norm(W[h])^2, W[h]) = 2*W[h]\n').passed).toBe(true);
  });
});
