// Benchmarks of code generation and the compiled evaluator (issue 7): the last part of `npm run bench`
// (into bench/results.json), or alone with `npm run bench:codegen` (into bench/codegen-results.json).
//   (a) cheap gradient: time of the generated `gradient` (every layer of an L-layer linear network) over
//       the time of `value`, NumPy (on each BLAS installed) and TypeScript targets, with glibc's heap
//       settings and with the freed heap kept; next to the plan's own ratio of multiply-adds. Goal ≤ 3.
//   (b) evaluator: the compiled evaluator vs mathjs (compiled expression, evaluated with a scope), vs
//       ml-matrix written by hand, vs a plain typed-array loop written by hand, on the same expressions
//       and values. Goals: ≥ 2× mathjs, within 1.3× of the plain loop.
//   (c) verification cost: function evaluations and time for the checker to verify the gradient of a
//       function of a 1000 × 1000 matrix variable. Goal ≤ 20 evaluations.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { create, all } from 'mathjs';
import { Matrix } from 'ml-matrix';
import { runCodegen } from '../src/app/codegen.js';
import { associateProducts, planningSizes, productCount } from '../src/codegen/lower.js';
import type { Expr } from '../src/expr/ast.js';
import { runDerive } from '../src/app/derive.js';
import { checkDerivative } from '../src/check/derivative.js';
import { parseDeclarations } from '../src/lang/decl.js';
import { parseExpression } from '../src/lang/parse.js';
import { compile } from '../src/codegen/compile.js';
import { Mat } from '../src/numeric/mat.js';
import { gemm } from '../src/ops/kernels.js';
import { Rng, randomMatrix } from '../src/numeric/random.js';
import { PYTHON, ROOT, timeInterleaved } from './common.js';

const quick = process.argv.includes('--quick');
const dir = mkdtempSync(join(tmpdir(), 'matcalc-bench-'));

const fmt = (s: number) => (s >= 1 ? `${s.toFixed(2)} s` : s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`);

function table(title: string, head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  console.log(`\n${title}\n${line(head)}\n${width.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of cells.slice(1)) console.log(line(r));
}

// ── (a) cheap gradient ──────────────────────────────────────────────────────────────────────────────
const WIDTHS = [128, 256, 64, 192];
const BATCH = 128;

function network(L: number) {
  const Ws = Array.from({ length: L }, (_, i) => `W${i + 1}`);
  const decl = Ws.map((w, i) => `${w}: d${i + 1} x d${i}`).join('; ') + `; X: d0 x n; Y: d${L} x n`;
  const sizes = new Map<string, number>([['n', BATCH], ...Array.from({ length: L + 1 }, (_, i) => [`d${i}`, WIDTHS[i % WIDTHS.length]] as [string, number])]);
  return { expr: `0.5*norm(${[...Ws].reverse().join('*')}*X - Y)^2`, decl, wrt: Ws, sizes };
}

const sizesText = (m: ReadonlyMap<string, number>) => [...m].map(([k, v]) => `${k}=${v}`).join(',');

function randomValues(decl: string, sizes: ReadonlyMap<string, number>, seed = 1): Map<string, Mat> {
  const rng = new Rng(seed);
  const values = new Map<string, Mat>();
  for (const s of parseDeclarations(decl).symbols.values()) {
    const r = sizes.get(s.shape.rows.syms[0]) ?? 1, c = sizes.get(s.shape.cols.syms[0]) ?? 1;
    const m = randomMatrix(r, c, rng);
    for (let i = 0; i < m.data.length; i++) m.data[i] /= Math.sqrt(c);
    values.set(s.name, m);
  }
  return values;
}

/** BLAS libraries NumPy can be pointed at (Debian installs each as a libblas.so.3 in its own directory). */
const BLAS = [
  { name: 'reference BLAS', dir: '/usr/lib/x86_64-linux-gnu/blas' },
  { name: 'OpenBLAS', dir: '/usr/lib/x86_64-linux-gnu/openblas-pthread' },
].filter((b) => existsSync(join(b.dir, 'libblas.so.3')));

/**
 * Two heap settings. With glibc's defaults, memory freed at the end of a call (the gradients are 1.4 MB
 * at L = 8) is given back to the kernel and page-faulted in afresh by the next call, which on this
 * virtual machine cost up to 40% of the gradient's time (L = 8). `kept` keeps the freed heap, as
 * a long-running training process does, and so measures the arithmetic.
 */
const HEAPS: { name: string; env: Record<string, string> }[] = [
  { name: 'glibc heap', env: {} },
  { name: 'heap kept', env: { MALLOC_TRIM_THRESHOLD_: String(2 ** 31), MALLOC_MMAP_THRESHOLD_: String(32 << 20) } },
];

interface CheapRow {
  target: string;
  blas?: string;
  heap: string;
  /** per L: seconds per call of value and of gradient, and their ratio */
  times: { L: number; value: number; gradient: number; ratio: number }[];
}

interface CheapResult {
  Ls: number[];
  /** multiply-adds of the lowered gradient over those of the lowered value, per L (the plan's own ratio) */
  plannedRatio: number[];
  numpy?: string;
  skipped?: string;
  rows: CheapRow[];
}

// The timers (bench/codegen_timer.py, bench/codegen-timer.ts) run in child processes, so that each can be
// given a BLAS library and a heap setting; each calls value and gradient in turn and reports medians.
const PY_TIMER = `${ROOT}bench/codegen_timer.py`;
const TS_TIMER = fileURLToPath(new URL('./codegen-timer.js', import.meta.url));

function childTimes(command: string, script: string, env: Record<string, string>, Ls: number[]): { value: number; gradient: number; ratio: number; L: number }[] {
  // one BLAS thread: the ratio compares two programs, not two thread schedules
  const r = spawnSync(command, [script, dir, join(dir, 'jobs.json'), quick ? '0.3' : '2'], {
    encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', ...env },
  });
  if (r.status !== 0) throw new Error(`${command} ${script}: ${r.stderr || r.error}`);
  const out = JSON.parse(r.stdout) as { times: { value: number; gradient: number }[] };
  return out.times.map((t, i) => ({ L: Ls[i], ...t, ratio: t.gradient / t.value }));
}

function cheapGradient(): CheapResult {
  const Ls = quick ? [2, 4, 8] : [2, 4, 8, 16, 32];
  // arguments go to the timers as raw float64 files: read as JSON lists, they would leave the timer's heap
  // full of number objects, and that changes how glibc's heap behaves (see HEAPS)
  const jobs: { module: string; args: Record<string, { rows: number; cols: number; file: string }> }[] = [];
  const plannedRatio: number[] = [];
  for (const L of Ls) {
    const net = network(L);
    const values = randomValues(net.decl, net.sizes, L);
    const input = { expr: net.expr, decl: net.decl, wrt: net.wrt, sizes: sizesText(net.sizes), check: false };
    const py = runCodegen({ ...input, target: 'numpy' });
    writeFileSync(join(dir, `net${L}.py`), py.code);
    const code = runCodegen({ ...input, target: 'ts' }).code;
    writeFileSync(join(dir, `net${L}.mjs`), ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText);
    const args = [...values].map(([name, m]) => {
      const file = join(dir, `net${L}.${name}.f64`);
      writeFileSync(file, new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      return [name, { rows: m.rows, cols: m.cols, file }] as const;
    });
    jobs.push({ module: `net${L}`, args: Object.fromEntries(args) });
    const size = planningSizes(net.sizes);
    const flops = (roots: Expr[]) => productCount(associateProducts(roots, size), size).flops;
    plannedRatio.push(flops(py.derived.results.map((r) => r.value)) / flops([py.derived.f]));
  }
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  const rows: CheapRow[] = [];
  const result: CheapResult = { Ls, plannedRatio, rows };
  const probe = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) result.skipped = `${PYTHON} with numpy not found (apt install python3-numpy)`;
  else {
    result.numpy = `numpy ${probe.stdout.trim()}`;
    for (const blas of BLAS)
      for (const heap of HEAPS)
        rows.push({ target: 'numpy', blas: blas.name, heap: heap.name, times: childTimes(PYTHON, PY_TIMER, { ...heap.env, LD_LIBRARY_PATH: blas.dir }, Ls) });
  }
  for (const heap of HEAPS) rows.push({ target: 'ts', heap: heap.name, times: childTimes(process.execPath, TS_TIMER, heap.env, Ls) });
  return result;
}

// ── (b) evaluator ───────────────────────────────────────────────────────────────────────────────────
const EVAL_DECL = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';
const EVAL_SIZES = new Map([['h', 128], ['d', 64], ['k', 32], ['n', 256]]);

type Product = (A: Float64Array, B: Float64Array, m: number, k: number, n: number, ta?: boolean, tb?: boolean) => Float64Array;

/** A column-major product into a fresh array with our gemm kernel: the plain loop's kernel. */
const kernelProduct: Product = (A, B, m, k, n, ta = false, tb = false) => {
  const C = new Float64Array(m * n);
  gemm(C, A, B, m, n, k, ta ? k : m, tb ? n : k, ta, tb);
  return C;
};

/** The textbook triple loop, C[i, j] = Σ_p op(A)[i, p] op(B)[p, j]: what a plain loop is without a kernel. */
const textbookProduct: Product = (A, B, m, k, n, ta = false, tb = false) => {
  const C = new Float64Array(m * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? A[i * k + p] : A[p * m + i]) * (tb ? B[p * n + j] : B[j * k + p]);
      C[j * m + i] = s;
    }
  return C;
};

interface EvalCase {
  readonly name: string;
  readonly expr: string;
  /** the same in mathjs's language, over scope names that are not units */
  readonly mathjs: string;
  readonly ml: (v: Record<string, Matrix>) => unknown;
  /** by hand over typed arrays, with the product `mm` */
  readonly plain: (v: Record<string, Float64Array>, mm: Product) => unknown;
}

const [h, d, k, n] = ['h', 'd', 'k', 'n'].map((x) => EVAL_SIZES.get(x)!);
const sumSq = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
};

const EVAL_CASES: EvalCase[] = [
  {
    name: 'deep linear loss',
    expr: '0.5*norm(W2*W1*X - Y)^2',
    mathjs: "0.5 * norm(Wtwo * Wone * Xin - Yout, 'fro')^2",
    ml: (v) => 0.5 * v.W2.mmul(v.W1).mmul(v.X).sub(v.Y).norm('frobenius') ** 2,
    // (W2 W1) X is the cheaper order at these sizes
    plain: (v, mm) => 0.5 * sumSq(mm(mm(v.W2, v.W1, k, h, d), v.X, k, d, n), v.Y),
  },
  {
    name: 'its gradient in W1',
    expr: "W2'*(W2*W1*X - Y)*X'",
    mathjs: "transpose(Wtwo) * (Wtwo * Wone * Xin - Yout) * transpose(Xin)",
    ml: (v) => v.W2.transpose().mmul(v.W2.mmul(v.W1).mmul(v.X).sub(v.Y)).mmul(v.X.transpose()),
    plain: (v, mm) => {
      const E = mm(mm(v.W2, v.W1, k, h, d), v.X, k, d, n);
      for (let i = 0; i < E.length; i++) E[i] -= v.Y[i];
      return mm(v.W2, mm(E, v.X, k, n, d, false, true), h, k, d, true, false);
    },
  },
  {
    name: 'one hidden layer, sigmoid',
    expr: '0.5*norm(W2*sigmoid(W1*X) - Y)^2',
    mathjs: "0.5 * norm(Wtwo * (1 ./ (1 + map(-(Wone * Xin), exp))) - Yout, 'fro')^2",
    ml: (v) => {
      const Z = v.W1.mmul(v.X).neg().exp().add(1);
      return 0.5 * v.W2.mmul(Matrix.div(Matrix.ones(Z.rows, Z.columns), Z)).sub(v.Y).norm('frobenius') ** 2;
    },
    plain: (v, mm) => {
      const Z = mm(v.W1, v.X, h, d, n);
      for (let i = 0; i < Z.length; i++) Z[i] = 1 / (1 + Math.exp(-Z[i]));
      return 0.5 * sumSq(mm(v.W2, Z, k, h, n), v.Y);
    },
  },
];

interface EvalRow {
  name: string;
  compiled: number;
  mathjs: number;
  mlMatrix: number;
  plain: number;
  textbook: number;
  vsMathjs: number;
  vsPlain: number;
  agree: boolean;
}

function evaluator(): EvalRow[] {
  const math = create(all);
  const values = randomValues(EVAL_DECL, EVAL_SIZES, 3);
  const decls = parseDeclarations(EVAL_DECL);
  const scope = new Map<string, unknown>([
    ['Wone', math.matrix(values.get('W1')!.toRows())],
    ['Wtwo', math.matrix(values.get('W2')!.toRows())],
    ['Xin', math.matrix(values.get('X')!.toRows())],
    ['Yout', math.matrix(values.get('Y')!.toRows())],
  ]);
  const ml = Object.fromEntries([...values].map(([name, m]) => [name, new Matrix(m.toRows())]));
  const raw = Object.fromEntries([...values].map(([name, m]) => [name, m.data]));
  return EVAL_CASES.map((c) => {
    const compiled = compile([parseExpression(c.expr, { decls })], EVAL_SIZES);
    const mathExpr = math.compile(c.mathjs);
    const first = (x: unknown): number => (typeof x === 'number' ? x : x instanceof Mat ? x.data[0] : x instanceof Matrix ? x.get(0, 0) : x instanceof Float64Array ? x[0] : (x as { get: (i: number[]) => number }).get([0, 0]));
    // the four compute the same thing
    const ours = first(compiled.run(values)[0]);
    const agree = [first(mathExpr.evaluate(new Map(scope))), first(c.ml(ml)), first(c.plain(raw, kernelProduct)), first(c.plain(raw, textbookProduct))].every((x) => Math.abs(x - ours) <= 1e-9 * Math.max(1, Math.abs(ours)));
    const [compiledS, mathjs, mlMatrix, plain, textbook] = timeInterleaved(quick ? 0.4 : 2, [
      () => compiled.run(values), () => mathExpr.evaluate(new Map(scope)), () => c.ml(ml), () => c.plain(raw, kernelProduct), () => c.plain(raw, textbookProduct),
    ]);
    return { name: c.name, compiled: compiledS, mathjs, mlMatrix, plain, textbook, vsMathjs: mathjs / compiledS, vsPlain: compiledS / plain, agree };
  });
}

// ── (c) verification cost ───────────────────────────────────────────────────────────────────────────
interface VerifyRow {
  f: string;
  sizes: string;
  parameters: number;
  evaluations: number;
  seconds: number;
  passed: boolean;
  maxError: number;
}

function verification(): VerifyRow[] {
  const N = quick ? 300 : 1000;
  const cases = [
    { expr: '0.5*norm(A*X - B)^2', decl: 'A: p x n; X: n x n; B: p x n', sizes: new Map([['n', N], ['p', 20]]) },
    { expr: 'sum(softplus(X .* C)) + tr(X)', decl: 'X: n x n; C: n x n', sizes: new Map([['n', N]]) },
  ];
  return cases.map((c) => {
    const derived = runDerive({ expr: c.expr, decl: c.decl, wrt: ['X'], check: false });
    const t = performance.now();
    const v = checkDerivative(
      {
        f: derived.f,
        vars: derived.wrt,
        claims: new Map(derived.results.map((r) => [r.variable.name, r.value])),
        kind: 'gradient',
        symbols: [...derived.decls.symbols.values()],
        dims: derived.decls.dims,
      },
      { sizes: c.sizes },
    );
    return { f: c.expr, sizes: sizesText(c.sizes), parameters: N * N, evaluations: v.evaluations, seconds: (performance.now() - t) / 1000, passed: v.passed, maxError: v.maxError };
  });
}

export interface CodegenBench {
  quick: boolean;
  cheapGradient: CheapResult;
  evaluator: EvalRow[];
  verification: VerifyRow[];
}

/** Runs the three parts, printing their tables; returns what was printed, for results.json. */
export function benchCodegen(): CodegenBench {
  console.log(`\nmatcalc codegen benchmarks${quick ? ' (quick)' : ''} — node ${process.version}, ${PYTHON}`);
  const cheap = cheapGradient();
  const worst = (r: CheapRow) => Math.max(...r.times.map((t) => t.ratio));
  const last = (r: CheapRow) => r.times[r.times.length - 1];
  table(
    `(a) cheap gradient: time of gradient (every layer) ÷ time of value, L-layer linear network, widths cycling ${WIDTHS.join(', ')}, ` +
      `batch ${BATCH}, one thread (goal ≤ 3; ${cheap.numpy ?? `NumPy skipped: ${cheap.skipped}`})`,
    ['', ...cheap.Ls.map((L) => `L=${L}`), `value, gradient at L=${cheap.Ls[cheap.Ls.length - 1]}`, 'goal'],
    [
      ['planned multiply-adds', ...cheap.plannedRatio.map((r) => r.toFixed(2)), '', ''],
      ...cheap.rows.map((r) => [
        [r.target, r.blas, r.heap].filter(Boolean).join(', '),
        ...r.times.map((t) => t.ratio.toFixed(2)),
        `${fmt(last(r).value)}, ${fmt(last(r).gradient)}`,
        worst(r) <= 3 ? 'met' : 'not met',
      ]),
    ],
  );
  if (!BLAS.some((b) => b.name === 'OpenBLAS')) console.log('  (install libopenblas0-pthread to time NumPy on OpenBLAS as well)');
  const evals = evaluator();
  table(
    `(b) evaluator, sizes ${sizesText(EVAL_SIZES)} (goals: ≥ 2× mathjs, ≤ 1.3× the plain loop; the plain loop calls our gemm kernel, the textbook loop is the triple loop)`,
    ['expression', 'compiled', 'mathjs', 'ml-matrix', 'plain loop', 'textbook loop', 'mathjs/compiled', 'compiled/plain', 'agree'],
    evals.map((r) => [r.name, fmt(r.compiled), fmt(r.mathjs), fmt(r.mlMatrix), fmt(r.plain), fmt(r.textbook), r.vsMathjs.toFixed(1) + '×', r.vsPlain.toFixed(2) + '×', r.agree ? 'yes' : 'NO']),
  );
  const verify = verification();
  table(
    '(c) verification cost: the checker on a gradient in a matrix variable (goal ≤ 20 evaluations)',
    ['f', 'sizes', 'parameters', 'evaluations', 'time', 'verdict'],
    verify.map((r) => [r.f, r.sizes, r.parameters.toLocaleString('en'), r.evaluations, fmt(r.seconds), r.passed ? `passed (${r.maxError.toExponential(1)})` : `rejected (${r.maxError.toExponential(1)} > 1e-6)`]),
  );
  rmSync(dir, { recursive: true, force: true });
  return { quick, cheapGradient: cheap, evaluator: evals, verification: verify };
}

// `npm run bench:codegen`: this part alone, written to bench/codegen-results.json
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = fileURLToPath(new URL('../../bench/codegen-results.json', import.meta.url));
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, ...benchCodegen() }, null, 2) + '\n');
  console.log(`\nwritten to ${out}`);
}
