// Conformance of every registered operator (issue #17): one row per operator (per function, for the
// entrywise table) gives an objective that uses it and an independent statement of its value. For each:
// - its derivative (gradient, and Hessian where it has one) agrees with finite differences in its domain;
// - its value agrees with an independent implementation: NumPy under /usr/bin/python3 (one process for
//   all rows), or a direct definition in matcalc's own language for the derivative and range operators;
// - every code generation target (NumPy, PyTorch, TypeScript) runs it: value and gradient equal the
//   engine's and central differences of the generated value;
// - the differential its rule states (d-<name>, in rules/ or in its module) equals the engine's.
// A test fails when an operator is registered without a row here, or a differentiable one without a rule.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Expr, SymNode, delta, isOp, substitute } from '../src/expr/ast.js';
import { runCodegen } from '../src/app/codegen.js';
import { runDerive, parseScope } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { differential } from '../src/calculus/differential.js';
import { verifyRule } from '../src/check/rule.js';
import { parseExpression } from '../src/lang/parse.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { Mat } from '../src/numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../src/numeric/random.js';
import { ELEMENTWISE } from '../src/ops/elementwise.js';
import { allOps } from '../src/ops/registry.js';
import { loadRules, statementsOf, type Rule } from '../src/rewrite/rules.js';
import { PYTHON, compare, job, run, targets, type Job } from './codegen-harness.js';

interface Row {
  /** the operator (for entrywise functions: ew:<name>) */
  readonly op: string;
  /** a scalar objective using it, differentiated and generated as code */
  readonly f: string;
  readonly decl: string;
  readonly wrt?: readonly string[];
  /** the operator applied, and the same value computed by NumPy from the same arrays (and sizes) */
  readonly expr?: string;
  readonly numpy?: string;
  /** or: the operator applied equals this expression of the language (a direct definition) */
  readonly equals?: string;
  /** entries drawn positive (domain x > 0) */
  readonly positive?: boolean;
  /** not run as code here: the reason */
  readonly noCode?: string;
  /** the targets refuse it (with a message) */
  readonly refused?: boolean;
  /** no Hessian check: the reason */
  readonly noHessian?: string;
}

const M = 'A: m x n';
/** the objective for an entrywise function: a weighted sum, so that its derivative is not summed away */
const ewRow = (name: string, numpy: string, more: Partial<Row> = {}): Row => ({
  op: `ew:${name}`, f: `sum(B .* ${name}(A))`, decl: `${M}; B: m x n`, wrt: ['A'], expr: `${name}(A)`, numpy, ...more,
});

const ROWS: readonly Row[] = [
  { op: 'add', f: 'norm(A + B - 2)^2', decl: 'A, B: m x n', expr: 'A + B - 2', numpy: 'A + B - 2' },
  { op: 'mul', f: "sum(A*B*C)", decl: 'A: m x n; B: n x p; C: p x q', expr: 'A*B*C', numpy: 'A @ B @ C' },
  { op: 'transpose', f: "sum(A' .* B)", decl: 'A: m x n; B: n x m', wrt: ['A'], expr: "A'", numpy: 'A.T' },
  { op: 'pow', f: 'tr(S)^3 + norm(A)^(-1)', decl: 'S: n x n; A: m x n', expr: 'tr(S)^3', numpy: 'np.trace(S)**3' },
  { op: 'mpow', f: 'sum(S^3 .* C)', decl: 'S, C: n x n', wrt: ['S'], expr: 'S^3', numpy: 'np.linalg.matrix_power(S, 3)' },
  { op: 'hadamard', f: 'sum(A .* B .* A)', decl: 'A, B: m x n', expr: 'A .* B', numpy: 'A * B' },
  { op: 'hpow', f: 'sum(B .* A.^3 + A.^(-0.5))', decl: 'A, B: m x n', wrt: ['A'], expr: 'A.^(-0.5)', numpy: 'A**-0.5', positive: true },
  { op: 'inv', f: 'tr(inv(S)*C)', decl: 'S, C: n x n', wrt: ['S'], expr: 'inv(S)', numpy: 'np.linalg.inv(S)' },
  { op: 'det', f: 'det(S)', decl: 'S: n x n', expr: 'det(S)', numpy: 'np.linalg.det(S)' },
  { op: 'logdet', f: 'logdet(S)', decl: 'S: n x n spd', expr: 'logdet(S)', numpy: 'np.linalg.slogdet(S)[1]' },
  { op: 'tr', f: 'tr(S*C)', decl: 'S, C: n x n', wrt: ['S'], expr: 'tr(S)', numpy: 'np.trace(S)' },
  { op: 'vec', f: "sum(vec(A) .* vec(B).^2)", decl: 'A, B: m x n', expr: 'vec(A)', numpy: "A.reshape(-1, 1, order='F')" },
  { op: 'unvec', f: 'sum(unvec(v, m, n) .* B)', decl: 'v: m*n; B: m x n', wrt: ['v'], expr: 'unvec(v, m, n)', numpy: "v.reshape((m, n), order='F')" },
  { op: 'kron', f: 'sum(kron(A, B) .* kron(B, A))', decl: 'A: m x n; B: p x q', expr: 'kron(A, B)', numpy: 'np.kron(A, B)' },
  { op: 'diag', f: "norm(diag(x)*S*diag(S))^2", decl: 'x: n; S: n x n', expr: 'diag(x)*diag(S)', numpy: 'np.diag(x[:, 0]) @ np.diag(S).reshape(-1, 1)' },
  { op: 'sum', f: 'sum(A .* A)', decl: M, expr: 'sum(A)', numpy: 'np.sum(A)' },
  { op: 'norm', f: 'norm(A*x)', decl: 'A: m x n; x: n', expr: 'norm(A)', numpy: 'np.linalg.norm(A)' },
  { op: 'inner', f: 'inner(A, B .* A)', decl: 'A, B: m x n', expr: 'inner(A, B)', numpy: 'np.sum(A * B)' },
  { op: 'eye', f: 'norm(S - eye(n))^2', decl: 'S: n x n', expr: 'eye(n)', numpy: 'np.eye(n)' },
  { op: 'zeros', f: 'norm(A + zeros(m, n))^2', decl: M, expr: 'zeros(m, n)', numpy: 'np.zeros((m, n))' },
  { op: 'ones', f: 'norm(ones(n, m)*A)^2', decl: M, expr: 'ones(n, m)*A', numpy: 'np.ones((n, m)) @ A' },
  { op: 'dimval', f: 'n*sum(A)/m', decl: M, expr: 'n*A/m', numpy: 'n * A / m' },
  {
    op: 'commutation', f: "sum((commutation(m, n)*vec(A)) .* vec(B))", decl: 'A: m x n; B: n x m', wrt: ['A'],
    expr: 'commutation(m, n)*vec(A)', numpy: "A.T.reshape(-1, 1, order='F')",
  },
  { op: 'softmax', f: 'sum(B .* softmax(A))', decl: 'A, B: m x n', wrt: ['A'], expr: 'softmax(A)', numpy: 'np.exp(A) / np.exp(A).sum(axis=0, keepdims=True)' },
  { op: 'logsumexp', f: 'sum(logsumexp(A) .* r)', decl: 'A: m x n; r: 1 x n', wrt: ['A'], expr: 'logsumexp(A)', numpy: 'np.log(np.exp(A).sum(axis=0, keepdims=True))' },
  { op: 'log_softmax', f: 'sum(B .* log_softmax(A))', decl: 'A, B: m x n', wrt: ['A'], expr: 'log_softmax(A)', numpy: 'A - np.log(np.exp(A).sum(axis=0, keepdims=True))' },
  // spectral functions: evaluated numerically, not differentiated (derive refuses them)
  { op: 'spectral', f: '', decl: 'S: n x n symmetric', expr: 'eigvals(S)', numpy: 'np.sort(np.linalg.eigvalsh(S))[::-1].reshape(-1, 1)' },
  { op: 'spectral', f: '', decl: 'A: m x n', expr: 'opnorm(A)', numpy: 'np.linalg.norm(A, 2)' },
  { op: 'spectral', f: '', decl: 'A: m x n', expr: 'pinv(A)', numpy: 'np.linalg.pinv(A)' },
  { op: 'spectral', f: '', decl: 'P: n x n spd', expr: 'sqrtm(P)', numpy: '(lambda w, V: V @ np.diag(np.sqrt(w)) @ V.T)(*np.linalg.eigh(P))' },
  // max and min of scalars: evaluated numerically, not differentiated
  { op: 'extremum', f: '', decl: 'A: m x n; a: scalar', expr: 'max(opnorm(A), a, 0.5) - min(norm(A), a)', numpy: 'max(np.linalg.norm(A, 2), a, 0.5) - min(np.linalg.norm(A), a)' },
  // blocks of columns and rows
  { op: 'slice', f: 'norm(cols(A, 2, 3))^2 + sum(rows(A, 1, 2) .^ 3)', decl: 'A: 4 x 5', expr: 'cols(A, 2, 3)*rows(A, 1, 2)', numpy: 'A[:, 1:3] @ A[0:2, :]' },
  // derivative operators: evaluated by finite differences, equal to the engine's derivative
  { op: 'grad', f: '', decl: 'A: m x n; x: n', expr: 'grad(sum(exp(A*x)), x)', equals: "A'*exp(A*x)" },
  { op: 'jac', f: '', decl: 'A: m x n; x: n', expr: 'jac(tanh(A*x), x)', equals: "A'*diag(1 - tanh(A*x).^2)" },
  { op: 'diff', f: '', decl: 'S, V: n x n', expr: 'diff(inv(S), S, V)', equals: '-inv(S)*V*inv(S)' },
  { op: 'hess', f: '', decl: 'x: n; S: n x n', expr: "hess(x'*S*x, x, x)", equals: "S + S'" },
  // on the unit sphere: the Riemannian gradient and Hessian of x'Sx (Ma §2.3), by differences along geodesics
  { op: 'rgrad', f: '', decl: 'x: n unit; S: n x n symmetric', expr: "rgrad(x'*S*x, x)", equals: "2*(S*x - (x'*S*x)*x)" },
  {
    op: 'rhess', f: '', decl: 'x: n unit; S: n x n symmetric', expr: "rhess(x'*S*x, x)",
    equals: "2*((eye(n) - x*x')*S*(eye(n) - x*x') - (x'*S*x)*(eye(n) - x*x'))",
  },
  // products and sums over an index range (families at a fixed depth here; any depth in families.test.ts)
  {
    op: 'prod', f: 'tr(prod(j = 3..1, W[j])*C)', decl: 'W[k = 1..3]: d x d; C: d x d', wrt: ['W[2]'],
    expr: 'prod(j = 3..1, W[j])', equals: 'W[3]*W[2]*W[1]', noCode: 'members are arguments W_1, W_2, …: families.test.ts runs their code', noHessian: 'families: families.test.ts',
  },
  {
    op: 'isum', f: 'sum(j = 1..3, norm(W[j])^2)', decl: 'W[k = 1..3]: d x d', wrt: ['W[2]'],
    expr: 'sum(j = 1..3, W[j])', equals: 'W[1] + W[2] + W[3]', noCode: 'members are arguments W_1, W_2, …: families.test.ts runs their code', noHessian: 'families: families.test.ts',
  },
  // one row per entrywise function
  ewRow('exp', 'np.exp(A)'),
  ewRow('log', 'np.log(A)', { positive: true }),
  ewRow('log1p', 'np.log1p(A)', { positive: true }),
  ewRow('expm1', 'np.expm1(A)'),
  ewRow('sqrt', 'np.sqrt(A)', { positive: true }),
  ewRow('sin', 'np.sin(A)'),
  ewRow('cos', 'np.cos(A)'),
  ewRow('tanh', 'np.tanh(A)'),
  ewRow('cosh', 'np.cosh(A)'),
  ewRow('sinh', 'np.sinh(A)'),
  ewRow('sigmoid', '1 / (1 + np.exp(-A))'),
  ewRow('softplus', 'np.log(1 + np.exp(A))'),
  ewRow('relu', 'np.maximum(A, 0)'),
  ewRow('step', '(A > 0) * 1.0', { f: 'sum(step(A) .* A .* B)' }),
  { ...ewRow('lrelu', 'np.where(A > 0, A, 0.1 * A)'), f: 'sum(B .* lrelu(A, 0.1))', expr: 'lrelu(A, 0.1)' },
  { ...ewRow('dlrelu', 'np.where(A > 0, 1.0, 0.1)'), f: 'sum(B .* A .* dlrelu(A, 0.1))', expr: 'dlrelu(A, 0.1)' },
  ewRow('abs', 'np.abs(A)'),
  ewRow('sign', 'np.sign(A)', { f: 'sum(sign(A) .* A .* B)' }),
  // the generic σ: its documented numerical surrogate sin(x + 1) + x/2
  ewRow('sigma', 'np.sin(A + 1) + A / 2', { noCode: 'σ stands for any function', refused: true }),
];

const SEED = 17;

/** The declared scope of a row, and a random point of it (positive entries on request). */
function pointOf(row: Row, exprs: readonly Expr[]) {
  const { decls, defs } = parseScope(row.decl);
  const rng = new Rng(SEED);
  const sizes = randomSizes(decls.dims, rng);
  const symbols = new Map<string, SymNode>();
  const visit = (e: Expr) => {
    if (e.kind === 'sym' && !e.delta) symbols.set(e.name, e);
    if (e.kind === 'op') e.args.forEach(visit);
  };
  exprs.forEach(visit);
  const values = new Map([...symbols.values()].map((s) => [s.name, randomValue(s, sizes, rng, row.positive ? 'positive' : 'gaussian')]));
  return { decls, defs, sizes, values };
}

describe('every registered operator has a conformance row', () => {
  it('one row per operator and per entrywise function', () => {
    const covered = new Set(ROWS.map((r) => r.op.replace(/^ew:.*/, 'ew')));
    expect(allOps().map((d) => d.name).filter((n) => !covered.has(n))).toEqual([]);
    const ew = new Set(ROWS.filter((r) => r.op.startsWith('ew:')).map((r) => r.op.slice(3)));
    expect(ELEMENTWISE.map((f) => f.name).filter((n) => !ew.has(n))).toEqual([]);
  });
});

describe('derivatives agree with finite differences inside the domain', () => {
  for (const row of ROWS.filter((r) => r.f))
    it(`${row.op}: ${row.f}`, () => {
      const out = runDerive({ expr: row.f, decl: row.decl, wrt: row.wrt });
      expect(out.verdict!.passed, JSON.stringify(out.verdict)).toBe(true);
      if (row.noHessian) return;
      const h = runHessian({ expr: row.f, decl: row.decl, wrt: row.wrt });
      expect(h.verdict!.passed, JSON.stringify(h.verdict)).toBe(true);
    });
});

describe('values agree with an independent implementation', () => {
  const withNumpy = ROWS.filter((r) => r.numpy);
  it(`NumPy, for the ${withNumpy.length} operators it has (one python3 process)`, () => {
    const cases = withNumpy.map((row) => {
      const { decls, defs, sizes, values } = pointOf(row, [parseExpression(row.expr!, parseScope(row.decl))]);
      const e = parseExpression(row.expr!, { decls, defs });
      const ours = new Evaluator({ sizes, values }).eval(e);
      const args = Object.fromEntries([...values].map(([n, v]) => [n, { rows: v.rows, cols: v.cols, data: [...v.data] }]));
      return { row, ours, job: { numpy: row.numpy, args, sizes: Object.fromEntries(sizes) } };
    });
    const script = `
import json, sys
import numpy as np
out = []
for c in json.load(sys.stdin):
    env = {'np': np, **c['sizes']}
    for n, v in c['args'].items():
        env[n] = np.array(v['data'], dtype=float).reshape(v['cols'], v['rows']).T
    r = np.atleast_2d(np.asarray(eval(c['numpy'], env), dtype=float))
    out.append({'shape': list(r.shape), 'data': r.reshape(-1, order='F').tolist()})
print(json.dumps(out))`;
    const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(cases.map((c) => c.job)), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    const theirs: { shape: number[]; data: number[] }[] = JSON.parse(r.stdout);
    cases.forEach(({ row, ours }, k) => {
      expect(theirs[k].shape, `${row.op}: shape`).toEqual([ours.rows, ours.cols]);
      const err = Math.max(...ours.data.map((x, i) => Math.abs(x - theirs[k].data[i]) / Math.max(1, Math.abs(x))));
      expect(err, `${row.op}: ${row.expr} against ${row.numpy}`).toBeLessThan(1e-10);
    });
  });

  for (const row of ROWS.filter((r) => r.equals))
    it(`${row.op}: ${row.expr} = ${row.equals}`, () => {
      const scope = parseScope(row.decl);
      const [a, b] = [parseExpression(row.expr!, scope), parseExpression(row.equals!, scope)];
      const { sizes, values } = pointOf(row, [a, b]);
      const ev = new Evaluator({ sizes, values });
      const [x, y] = [ev.eval(a), ev.eval(b)];
      expect([x.rows, x.cols]).toEqual([y.rows, y.cols]);
      const err = Math.max(...x.data.map((v, i) => Math.abs(v - y.data[i]))) / Math.max(1, ...y.data.map(Math.abs));
      // derivative operators are finite differences: their error is that of the differences
      expect(err).toBeLessThan(row.op === 'prod' || row.op === 'isum' ? 1e-12 : 1e-6);
    });
});

describe.each(targets)('every operator runs in the generated $label code', ({ target, python, skip, note }) => {
  const rows = ROWS.filter((r) => r.f && !r.noCode);
  it.skipIf(skip)(`${rows.length} operators: value and gradient = engine = central differences${note}`, async () => {
    const jobs: Job[] = rows.map((row) => job(runCodegen({ expr: row.f, decl: row.decl, wrt: row.wrt, target, check: false }), SEED));
    const results = await run(target, jobs, python);
    jobs.forEach((j, k) => compare(target, j, results[k], `${rows[k].op}: ${rows[k].f}`));
  });
  it('the generic σ is refused with a message', () => {
    for (const row of ROWS.filter((r) => r.refused))
      expect(() => runCodegen({ expr: row.f, decl: row.decl, wrt: row.wrt, target, check: false }), row.op).toThrow(/cannot express the generic function sigma/);
  });
});

describe('each differential rule states the engine’s differential', () => {
  /** the operator a rule differentiates: the top of F in diff(F, X, V) (ew for an entrywise function) */
  const opOf = (r: Rule) => (r.lhs as { args: readonly Expr[] }).args[0] as Expr;
  // d²f = d(df) defines the second differential (a rule of calculus.rules, checked by finite differences in
  // rules.test.ts): the engine does not differentiate a differential
  const rules = [...loadRules().values()].filter((r) => r.lhs.kind === 'op' && r.lhs.op === 'diff' && !isOp(opOf(r), 'diff'));

  it('every differentiable operator has one', () => {
    const stated = new Set(rules.map((r) => opOf(r)).filter((f) => f.kind === 'op').map((f) => (f as { op: string }).op));
    // constants have no differential; derivative operators are inert; ranges are rules of families.rules' kind;
    // spectral functions and max/min are not differentiated (their differential is refused with a message)
    const exempt = new Set(['eye', 'zeros', 'ones', 'dimval', 'commutation', 'grad', 'jac', 'diff', 'hess', 'rgrad', 'rhess', 'prod', 'isum', 'spectral', 'extremum']);
    expect(allOps().map((d) => d.name).filter((n) => !exempt.has(n) && !stated.has(n))).toEqual([]);
  });

  for (const rule of rules)
    it(`${rule.name} (${rule.file})`, () => {
      // a rule for every exponent k: at each exponent it is verified at
      for (const statement of statementsOf(rule)) {
        const [F, X, V] = (statement.lhs as { args: readonly Expr[] }).args as [Expr, SymNode, Expr];
        const instances = new Map<Expr, Expr>(statement.check.map(([name, value]) => [statement.decls.symbols.get(name)!, value]));
        const dF = differential(substitute(F, instances), [X]);
        // dC = 0: the engine finds no differential of a constant, and the rule says it vanishes
        if (!dF && isOp(statement.rhs, 'zeros')) continue;
        expect(dF, `${rule.name}: the engine finds no differential`).not.toBeNull();
        const engine = substitute(dF!, new Map([[delta(X), V]]));
        const v = verifyRule({ ...statement, name: `${rule.name} (engine)`, lhs: engine });
        expect(v.passed, v.message).toBe(true);
      }
    });
});
