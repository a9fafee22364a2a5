// The spectral functions of the language (src/ops/spectral.ts), cols/rows (src/ops/slice.ts), the
// properties orthogonal and unit, and rgrad/rhess on the sphere (src/ops/riemannian.ts): values against
// their definitions at random points, the errors a user meets, derivatives refused where they must be
// and derived (and checked) where the function is linear, and their LaTeX.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { Mat, add, frob, matmul, scale, transpose } from '../src/numeric/mat.js';
import { Rng, randomValue } from '../src/numeric/random.js';
import { toLatex, toText } from '../src/render/print.js';
import { runDerive } from '../src/app/derive.js';
import { checkMath } from '../src/render/prose.js';
import { UnsupportedError } from '../src/expr/errors.js';

const DECL = 'S: n x n symmetric; P: n x n spd; A: m x n; B: n x n; U: n x n orthogonal; Q: m x n orthogonal; x: n unit; y: n';

function at(decl: string, sizes: Record<string, number>, seed: number) {
  const decls = parseDeclarations(decl);
  const rng = new Rng(seed);
  const sz = new Map(Object.entries(sizes));
  const values = new Map([...decls.symbols.values()].map((s) => [s.name, randomValue(s, sz, rng)] as const));
  const ev = new Evaluator({ sizes: sz, values });
  return { decls, values, value: (src: string) => ev.eval(parseExpression(src, { decls })) };
}
const diff = (a: Mat, b: Mat) => frob(add(a, scale(b, -1)));
const arbSizes = fc.record({ m: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 2, max: 6 }), seed: fc.integer({ min: 1, max: 1 << 30 }) });

describe('spectral functions: values against their definitions', () => {
  it('eigval/eigvec/eigvals/eigvecs: S v_i = λ_i v_i, descending, unit; lambda_min/max the ends', () => {
    fc.assert(
      fc.property(arbSizes, ({ m, n, seed }) => {
        const { value } = at(DECL, { m, n }, seed);
        const S = value('S'), V = value('eigvecs(S)'), l = value('eigvals(S)');
        for (let i = 1; i <= n; i++) {
          const v = value(`eigvec(S, ${i})`), li = value(`eigval(S, ${i})`).data[0];
          expect(diff(matmul(S, v), scale(v, li))).toBeLessThan(1e-10 * Math.max(1, frob(S)));
          expect(Math.abs(frob(v) - 1)).toBeLessThan(1e-12);
          expect(li).toBeCloseTo(l.data[i - 1], 12);
          expect(diff(v, new Mat(n, 1, V.data.slice((i - 1) * n, i * n)))).toBe(0);
        }
        expect(value('lambda_max(S)').data[0]).toBe(l.data[0]);
        expect(value('lambda_min(S)').data[0]).toBe(l.data[n - 1]);
        expect(value('eigval(S, n)').data[0]).toBe(l.data[n - 1]);
        // tr S = Σλ, an identity the functions do not use
        expect(Math.abs(l.data.reduce((s, x) => s + x, 0) - value('tr(S)').data[0])).toBeLessThan(1e-10 * Math.max(1, frob(S)));
      }),
      { numRuns: 60 },
    );
  });

  it("svdvals/svdU/svdV: the thin SVD A = svdU(A)*diag(svdvals(A))*svdV(A)'; opnorm = sigma_max = norm(A, 2); sigma_min", () => {
    fc.assert(
      fc.property(arbSizes, ({ m, n, seed }) => {
        const { value } = at(DECL, { m, n }, seed);
        const B = value('B');
        const rebuilt = value("svdU(B)*diag(svdvals(B))*svdV(B)'");
        expect(diff(rebuilt, B)).toBeLessThan(1e-10 * frob(B));
        const s = value('svdvals(B)').data;
        expect(value('opnorm(B)').data[0]).toBe(s[0]);
        expect(value('norm(B, 2)').data[0]).toBe(s[0]);
        expect(value('sigma_max(B)').data[0]).toBe(s[0]);
        expect(value('sigma_min(B)').data[0]).toBe(s[n - 1]);
        expect(value(`svdval(A, 1)`).data[0]).toBeCloseTo(value("sqrt(lambda_max(A'*A))").data[0], 10);
        // σ(A)² are the eigenvalues of AᵀA (the first min(m, n) of them)
        const k = Math.min(m, n);
        for (let i = 1; i <= k; i++) expect(value(`svdval(A, ${i})^2`).data[0]).toBeCloseTo(value(`eigval(A'*A, ${i})`).data[0], 8);
      }),
      { numRuns: 60 },
    );
  });

  it('pinv is the Moore–Penrose inverse; sqrtm(P)² = P; P^(-1/2) P P^(-1/2) = I; S^(1/2) is sqrtm', () => {
    fc.assert(
      fc.property(arbSizes, ({ m, n, seed }) => {
        const { value } = at(DECL, { m, n }, seed);
        const A = value('A'), Ap = value('pinv(A)');
        expect(diff(matmul(matmul(A, Ap), A), A)).toBeLessThan(1e-9 * frob(A));
        expect(diff(value('A*pinv(A)'), transpose(value('A*pinv(A)')))).toBeLessThan(1e-9);
        expect(diff(value('sqrtm(P)*sqrtm(P)'), value('P'))).toBeLessThan(1e-9 * frob(value('P')));
        expect(diff(value('P^(-1/2)*P*P^(-1/2)'), Mat.eye(n))).toBeLessThan(1e-9);
        expect(diff(value('P^(1/2)'), value('sqrtm(P)'))).toBe(0);
        expect(diff(value('inv(P)'), value('P^(-1/2)*P^(-1/2)'))).toBeLessThan(1e-9 * frob(value('inv(P)')));
      }),
      { numRuns: 60 },
    );
  });

  it('is undefined (NaN, never evidence) off its domain: a non-symmetric argument, an index beyond n, a square root of an indefinite matrix', () => {
    const { value } = at('B: n x n; S: n x n symmetric; r: scalar', { n: 3 }, 1);
    expect(value("eigval(B + B', 1)").data.every(Number.isFinite)).toBe(true);
    expect(value("lambda_max(B + 2*B')").data.every(Number.isNaN)).toBe(true);
    expect(value('sqrtm(S - 100*eye(n))').data.every(Number.isNaN)).toBe(true);
    const big = at('S: n x n symmetric; k: scalar', { n: 2 }, 1);
    expect(big.value('eigval(S, 2)').data.every(Number.isFinite)).toBe(true);
    const { value: v2 } = at('S: n x n symmetric; U: n x r', { n: 2, r: 3 }, 1);
    expect(v2('cols(U, 1, r)').data.every(Number.isFinite)).toBe(true);
    expect(v2("cols(U', 1, r)").data.every(Number.isNaN)).toBe(true); // U' has 2 columns, r = 3
  });
});

describe('cols and rows', () => {
  it('take the blocks of columns and rows, with integer or dimension bounds', () => {
    const { value } = at('A: m x n; U: n x n', { m: 3, n: 4 }, 5);
    const A = value('A');
    expect(value('cols(A, 2, 3)').data).toEqual(A.data.slice(3, 9));
    expect(value('cols(A, 1, n)').data).toEqual(A.data);
    expect(value('rows(A, 2, 2)').toRows()).toEqual([A.toRows()[1]]);
    expect(value("rows(A', 1, n)").data).toEqual(transpose(A).data);
    expect(value('cols(A, n, n)').data).toEqual(A.data.slice(9, 12));
  });

  it('are linear: the engine derives through them, and the result passes its numerical check', () => {
    // (the sizes are drawn at random: bounds beyond them need declared constraints, so these stay inside)
    for (const [expr, decl] of [
      ['0.5*norm(cols(A, 1, 2)*x - y)^2', 'A: m x n; x: 2; y: m'],
      ['sum(exp(rows(W, 2, 3)*X))', 'W: 4 x q; X: q x k'],
      ["tr(cols(U, 1, 1)'*S*cols(U, n, n))", 'U: n x n; S: n x n symmetric'],
      ["log(1 + norm(rows(cols(A', 1, 1), 1, 1))^2)", 'A: m x n'],
    ] as const) {
      const out = runDerive({ expr, decl });
      expect(out.verdict?.passed, `${expr}: ${JSON.stringify(out.verdict)}`).toBe(true);
    }
  });

  it('refuse blocks whose length is not a dimension, and bounds beyond the operand', () => {
    const decls = parseDeclarations('A: m x n; B: 3 x 4');
    expect(() => parseExpression('cols(A, 2, n)', { decls })).toThrow(/n − 1 columns, which is not a dimension/);
    expect(() => parseExpression('cols(B, 1, 5)', { decls })).toThrow(/only 4 columns/);
  });
});

describe('properties orthogonal and unit', () => {
  it('are honoured by the random values: QᵀQ = I (tall), QQᵀ = I (wide), ‖x‖ = 1', () => {
    const decls = parseDeclarations('U: n x n orthogonal; Q: m x n orthogonal; W: n x m orthogonal; x: n unit; X: m x n unit');
    const rng = new Rng(3);
    const sizes = new Map([['m', 5], ['n', 3]]);
    const v = (name: string) => randomValue(decls.symbols.get(name)!, sizes, rng);
    const U = v('U'), Q = v('Q');
    expect(diff(matmul(transpose(U), U), Mat.eye(3))).toBeLessThan(1e-13);
    expect(diff(matmul(transpose(Q), Q), Mat.eye(3))).toBeLessThan(1e-13);
    const W = v('W');
    expect(diff(matmul(W, transpose(W)), Mat.eye(3))).toBeLessThan(1e-13);
    expect(Math.abs(frob(v('x')) - 1)).toBeLessThan(1e-14);
    expect(Math.abs(frob(v('X')) - 1)).toBeLessThan(1e-14);
  });
  it('orthogonal and unit need a matrix or vector; a scalar is refused', () => {
    expect(() => parseDeclarations('a: scalar unit')).toThrow(/needs a vector or a matrix/);
  });
});

describe('rgrad and rhess on the unit sphere', () => {
  // a non-polynomial f: its Euclidean gradient and Hessian are checked by the existing operators
  const DECL_SPHERE = 'x: d unit; M: d x d symmetric; a: d';
  const F = "log(1 + (x'*M*x)^2) + exp(a'*x)";

  it('match Ma §2.3: grad f = P∇f̄ and Hess f = P∇²f̄P − (xᵀ∇f̄)P, in every direction along geodesics', () => {
    for (const seed of [1, 2, 3]) {
      const { value } = at(DECL_SPHERE, { d: 4 }, seed);
      const P = 'eye(d) - x*x\'';
      const rg = value(`rgrad(${F}, x)`), rh = value(`rhess(${F}, x)`);
      const g = value(`(${P})*grad(${F}, x)`);
      const h = value(`(${P})*hess(${F}, x, x)*(${P}) - (x'*grad(${F}, x))*(${P})`);
      expect(diff(rg, g)).toBeLessThan(1e-7 * frob(g));
      expect(diff(rh, h)).toBeLessThan(1e-6 * frob(h));
      // vanish on the normal direction, and the Hessian is symmetric
      expect(frob(value(`x'*rgrad(${F}, x)`))).toBeLessThan(1e-12);
      expect(frob(value(`rhess(${F}, x)*x`))).toBeLessThan(1e-10);
      expect(diff(rh, transpose(rh))).toBeLessThan(1e-12);
    }
  });

  it('without the curvature term −(xᵀ∇f̄)P the Hessian is wrong (the check can fail)', () => {
    const { value } = at(DECL_SPHERE, { d: 4 }, 7);
    const P = 'eye(d) - x*x\'';
    expect(diff(value(`rhess(${F}, x)`), value(`(${P})*hess(${F}, x, x)*(${P})`))).toBeGreaterThan(1e-3);
  });

  it('need x declared unit; off the sphere they are undefined', () => {
    const decls = parseDeclarations('y: n; x: n unit');
    expect(() => parseExpression("rgrad(y'*y, y)", { decls })).toThrow(/declare y as a unit vector/);
    const rng = new Rng(1);
    const sizes = new Map([['n', 3]]);
    const ev = new Evaluator({ sizes, values: new Map([['x', Mat.fill(3, 1, 1)], ['y', randomValue(decls.symbols.get('y')!, sizes, rng)]]) });
    expect(ev.eval(parseExpression("rgrad(sum(x.^4), x)", { decls })).data.every(Number.isNaN)).toBe(true);
  });
});

describe('derivatives through spectral functions', () => {
  it('are refused with a message that says what to do (exit 2 on the command line)', () => {
    expect(() => runDerive({ expr: 'lambda_max(S)', decl: 'S: n x n symmetric' })).toThrow(UnsupportedError);
    expect(() => runDerive({ expr: 'opnorm(A)^2', decl: 'A: m x n' })).toThrow(/evaluated numerically only: matcalc does not differentiate through spectral functions/);
    expect(() => runDerive({ expr: 'tr(P^(-1/2))', decl: 'P: n x n spd' })).toThrow(/the matrix power S\^\(-1\/2\) is evaluated numerically only/);
  });
  it('eigenvalues need a symmetric argument: a plain symbol not declared so is an error', () => {
    const decls = parseDeclarations('A: n x n');
    expect(() => parseExpression('eigval(A, 1)', { decls })).toThrow(/not declared symmetric/);
    expect(() => parseExpression('eigval(A + A\', 3)', { decls })).not.toThrow();
    expect(() => parseExpression('svdvals(B)', { decls: parseDeclarations('B: m x n') })).toThrow(/depends on which is smaller/);
  });
});

describe('printing', () => {
  it('text round-trips, LaTeX is the papers\' notation and passes the renderers\' whitelist', () => {
    const decls = parseDeclarations(DECL + '; r: scalar; W2: n x n');
    const cases: [string, string][] = [
      ['lambda_min(S)', '\\lambda_{\\min}(\\boldsymbol{S})'],
      ['sigma_max(A)', '\\sigma_{\\max}(\\boldsymbol{A})'],
      ['opnorm(A)', '\\|\\boldsymbol{A}\\|_2'],
      ['pinv(A)', '\\boldsymbol{A}^{\\dagger}'],
      ['sqrtm(P)', '\\boldsymbol{P}^{1/2}'],
      ['P^(-1/2)', '\\boldsymbol{P}^{-1/2}'],
      ['eigval(S, 2)', '\\lambda_{2}(\\boldsymbol{S})'],
      ['eigvec(S, n)', '\\boldsymbol{v}_{n}(\\boldsymbol{S})'],
      ['svdval(A, 1)', '\\sigma_{1}(\\boldsymbol{A})'],
      ['cols(W2, 1, 2)', '{\\boldsymbol{W}_{2}}_{:,1{:}2}'],
      ["rows(A', 1, 1)", '{(\\boldsymbol{A}^\\top)}_{1,:}'],
      ['sum(eigvals(S))', '\\sum_{i} \\lambda_{i}(\\boldsymbol{S})'],
      ['sum(svdvals(S))', '\\sum_{i} \\sigma_{i}(\\boldsymbol{S})'],
      ['rgrad(sum(x.^4), x)', '\\operatorname{grad}_{\\boldsymbol{x}} \\operatorname{sum}(\\boldsymbol{x}^{\\circ 4})'],
    ];
    for (const [src, latex] of cases) {
      const e = parseExpression(src, { decls });
      expect(toText(e)).toBe(src);
      expect(toLatex(e)).toBe(latex);
      expect(() => checkMath(toLatex(e))).not.toThrow();
      expect(parseExpression(toText(e), { decls })).toBe(e);
    }
  });
});
