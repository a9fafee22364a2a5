// The compiled evaluator equals the tree-walking Evaluator: on random expressions (the property
// tests' grammar), on every operator, and in what it reports about kinks; and it reuses its buffers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Expr } from '../src/expr/ast.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { compile } from '../src/codegen/compile.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { Mat, frob, axpy } from '../src/numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../src/numeric/random.js';
import { runDerive } from '../src/app/derive.js';
import { DECL, matrix, scalar } from './generators.js';

function point(decl: string, seed: number) {
  const decls = parseDeclarations(decl);
  const rng = new Rng(seed);
  const sizes = randomSizes(decls.dims, rng);
  const values = new Map<string, Mat>();
  for (const s of decls.symbols.values()) values.set(s.name, randomValue(s, sizes, rng));
  return { decls, sizes, values };
}

function relErr(a: Mat, b: Mat): number {
  expect([a.rows, a.cols]).toEqual([b.rows, b.cols]);
  return frob(axpy(a, -1, b)) / Math.max(frob(a), frob(b), 1e-300);
}

/** Compile the expressions together, run at a point, compare each with the tree evaluator. */
function agree(decl: string, texts: readonly string[], seed = 1): { compiled: ReturnType<typeof compile>; tree: Evaluator } {
  const { decls, sizes, values } = point(decl, seed);
  const exprs: Expr[] = texts.map((t) => parseExpression(t, { decls }));
  const compiled = compile(exprs, sizes);
  const tree = new Evaluator({ sizes, values });
  const got = compiled.run(values);
  exprs.forEach((e, i) => {
    const want = tree.eval(e);
    const err = relErr(got[i], want);
    if (!(err <= 1e-12)) throw new Error(`${texts[i]}: compiled differs from the tree evaluator by ${err}`);
  });
  return { compiled, tree };
}

describe('compiled evaluator = tree evaluator', () => {
  it('on random scalar and matrix expressions', () => {
    const expr = fc.oneof(scalar(2), matrix('mn', 3), matrix('mm', 2), matrix('nm', 2));
    fc.assert(
      fc.property(expr, fc.integer({ min: 1, max: 1e6 }), (text, seed) => {
        agree(DECL, [text], seed);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('on every operator', () => {
    agree('A: m x n; B: p x q; X: n x n; S: n x n spd; x: n; v: m*n; a: scalar', [
      'kron(A, B)', 'vec(A)', "vec(A)'", 'unvec(v, m, n)', 'diag(x)', 'diag(X)', 'det(X)', 'logdet(S)', 'inv(X)',
      'X^3', 'X .^ 3', 'X ./ S', 'tr(X)', 'sum(A)', 'norm(A)', 'inner(X, S)', 'a^2', 'relu(A)', 'abs(A)', 'lrelu(A, 0.1)',
      'exp(A) .* sin(A)', 'sqrt(S .* S)', "x'*X*x", "x*x'", "A'*A*inv(X)*x", 'eye(n) + ones(n, n)', '2*a*X - 3*S',
    ]);
  });

  it('on the derived gradients of the battery-like network', () => {
    const out = runDerive({ expr: '0.5*norm(W3*tanh(W2*relu(W1*X)) - Y)^2', decl: 'W1: h x d; W2: k x h; W3: m x k; X: d x n; Y: m x n', check: false });
    const { sizes, values } = point(out.decls.source, 5);
    const roots = [out.f, ...out.results.map((r) => r.value)];
    const got = compile(roots, sizes).run(values);
    const tree = new Evaluator({ sizes, values });
    roots.forEach((r, i) => expect(relErr(got[i], tree.eval(r))).toBeLessThan(1e-12));
  });

  it('tracks kinks and domains like the tree evaluator', () => {
    for (const text of ['sum(relu(A))', 'sum(abs(A - B))', 'sum(log(A .* A))', 'logdet(X)', 'sum(sqrt(A .* A))']) {
      const { compiled, tree } = agree('A, B: m x n; X: n x n', [text], 3);
      expect(compiled.kinkDistance, text).toBe(tree.kinkDistance);
      expect(compiled.kinkDistance, text).toBeLessThan(Infinity);
    }
    expect(agree('A, B: m x n', ['sum(A .* B)']).compiled.kinkDistance).toBe(Infinity);
  });

  it('results are copies: a later run does not change an earlier result', () => {
    const { decls, sizes, values } = point('A: m x n', 1);
    const c = compile([parseExpression('2*A', { decls })], sizes);
    const [first] = c.run(values);
    const before = Float64Array.from(first.data);
    c.run(new Map([['A', Mat.fill(values.get('A')!.rows, values.get('A')!.cols, 7)]]));
    expect(first.data).toEqual(before);
  });

  it('reuses buffers and shares common subexpressions', () => {
    const { decls, sizes } = point('A: n x n', 1);
    const e = parseExpression('tr(tanh(tanh(tanh(A*A)*A)*A) + tanh(A*A))', { decls });
    const c = compile([e], sizes);
    // A*A is computed once; the temporaries share a few buffers
    expect(c.instructions).toBeLessThanOrEqual(9);
    expect(c.buffers).toBeLessThanOrEqual(c.instructions / 2);
  });

  it('refuses values of the wrong size', () => {
    const { decls, sizes, values } = point('A: m x n', 1);
    const c = compile([parseExpression('sum(A)', { decls })], sizes);
    const A = values.get('A')!;
    expect(() => c.run(new Map([['A', Mat.zeros(A.rows + 1, A.cols)]]))).toThrow(/compiled for/);
  });
});
