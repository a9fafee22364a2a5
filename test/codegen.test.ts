// Generated code is run, not just read: NumPy modules under Debian's /usr/bin/python3 (NumPy 1.24) and
// under an interpreter with NumPy 2 (.ci/run makes one: MATCALC_NUMPY2_PYTHON), PyTorch modules
// where python3-torch is installed (otherwise the tests say they were skipped and why), TypeScript
// modules type-checked under --strict, transpiled and imported. Each is compared with the engine's own
// evaluation at random points and with central differences of the generated `value` itself.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { SymNode } from '../src/expr/ast.js';
import { isOne } from '../src/expr/dim.js';
import { isScalarShape } from '../src/expr/shape.js';
import { runCodegen, type CodegenOutput } from '../src/app/codegen.js';
import { associateProducts, planningSizes, productCount } from '../src/codegen/lower.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { Mat } from '../src/numeric/mat.js';
import { Rng, randomDirection, randomSizes, randomValue } from '../src/numeric/random.js';
import { runDerive } from '../src/app/derive.js';
import { GRADIENTS } from './battery.js';
import { NUMPY2, PYTHON, dir, hasTorch, job, nextBatch, norm, numpy2Missing, rel, run, targets, toJson, torchMissing, compare, type Job } from './codegen-harness.js';

const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';
const NAMED = [
  { name: 'deep linear network', f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'one hidden layer, sigmoid', f: '0.5*norm(W2*sigmoid(W1*X) - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'logdet of an spd matrix', f: 'logdet(X)', decl: 'X: n x n spd', wrt: ['X'] },
];

// .ci/run installs python3-torch: there, a missing torch is a broken install, not a reason to skip
it.runIf(process.env.CI === 'true')('CI has python3-torch, so the PyTorch tests run', () => {
  expect(hasTorch, torchMissing).toBe(true);
});
// and NumPy 2 from a virtual environment (or an interpreter that has it): a missing one fails there
it.runIf(process.env.CI === 'true')('CI has NumPy 2, so the NumPy tests run on it too', () => {
  expect(NUMPY2, numpy2Missing).toBeDefined();
});

describe.each(targets)('generated $label code', ({ target, python, skip, note }) => {
  for (const c of NAMED)
    it.skipIf(skip)(`${c.name} = engine = central differences at 3 points${note}`, async () => {
      const gen = runCodegen({ expr: c.f, decl: c.decl, wrt: c.wrt, target });
      const jobs = [1, 2, 3].map((seed) => job(gen, seed));
      const results = await run(target, jobs, python);
      jobs.forEach((j, k) => compare(target, j, results[k], `${c.name} (point ${k + 1})`));
    });

  it.skipIf(skip)(`the gradient battery: every case the target can express${note}`, async () => {
    const jobs: Job[] = [];
    const unsupported: string[] = [];
    for (const c of GRADIENTS) {
      try {
        // vectors passed as 1-D arrays: they are accepted, and their gradients come back 1-D
        jobs.push(job(runCodegen({ expr: c.f, decl: c.decl, wrt: c.wrt, target, check: false }), 7, true));
      } catch (e) {
        expect((e as Error).name, `${c.name}: ${(e as Error).message}`).toBe('UnsupportedError');
        unsupported.push(c.name);
      }
    }
    // only the generic σ (an abstract function) has no code
    for (const name of unsupported) expect(GRADIENTS.find((c) => c.name === name)!.f).toMatch(/sigma\(/);
    expect(jobs.length).toBeGreaterThanOrEqual(GRADIENTS.length - 4);
    const results = await run(target, jobs, python);
    jobs.forEach((j, k) => compare(target, j, results[k], j.gen.derived.input.expr));
  });
});

describe('lowering', () => {
  it('the gradients of an L-layer linear network take 3L − 1 products, like backpropagation', () => {
    for (const L of [2, 3, 5, 8, 16]) {
      const Ws = Array.from({ length: L }, (_, i) => `W${i + 1}`);
      const decl = Ws.map((w, i) => `${w}: d${i + 1} x d${i}`).join('; ') + `; X: d0 x n; Y: d${L} x n`;
      const out = runDerive({ expr: `0.5*norm(${[...Ws].reverse().join('*')}*X - Y)^2`, decl, wrt: Ws, check: false });
      const size = planningSizes();
      expect(productCount(associateProducts([out.f], size), size).products).toBe(L);
      expect(productCount(associateProducts(out.results.map((r) => r.value), size), size).products).toBe(3 * L - 1);
    }
  });

  it('matrix–vector products stay matrix–vector: A*B*x is A*(B*x)', () => {
    const gen = runCodegen({ expr: "y'*A*B*x", decl: 'A: m x n; B: n x p; x: p; y: m', wrt: ['x'], target: 'numpy' });
    expect(gen.code).toContain('y.T @ (A @ (B @ x))');
  });

  it('typical sizes given with --sizes change the order', () => {
    const decl = 'A: m x n; B: n x p; C: p x q';
    const narrow = runCodegen({ expr: 'sum(A*B*C)', decl, target: 'numpy', sizes: 'm=10, n=1000, p=10, q=1000', check: false });
    const wide = runCodegen({ expr: 'sum(A*B*C)', decl, target: 'numpy', sizes: 'm=1000, n=10, p=1000, q=10', check: false });
    expect(narrow.code).toContain('np.sum((A @ B) @ C)');
    expect(wide.code).toContain('A @ (B @ C)');
  });
});

describe('the modules', () => {
  const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

  it('matcalc codegen --target numpy: imports only numpy, states the formula and conventions, names E', () => {
    const r = cli('codegen', '0.5*norm(W2*W1*X - Y)^2', '--decl', NET, '--wrt', 'W1,W2', '--target', 'numpy');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^\s*(import|from)\s/.test(l))).toEqual(['import numpy as np']);
    expect(r.stdout).toContain('# f = 1/2*norm(W2*W1*X - Y)^2');
    expect(r.stdout).toContain("vec(A) = A.reshape(-1, 1, order='F')");
    expect(r.stdout).toMatch(/^ {4}E = W2 @ t1 - Y {2}# W2\*W1\*X - Y$/m);
    expect(r.stdout).toMatch(/^def value\(\*\*vars\):$/m);
    expect(r.stdout).toMatch(/^def gradient\(\*\*vars\):$/m);
  });

  it('the TypeScript module has no imports', () => {
    const r = cli('codegen', 'logdet(X)', '--decl', 'X: n x n spd', '--target', 'ts');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^\s*import\s/m);
    expect(r.stdout).toContain('export function gradient(vars: Inputs): Gradient');
  });

  it('bad arguments to a generated NumPy function are named', () => {
    const gen = runCodegen({ expr: '0.5*norm(W2*W1*X - Y)^2', decl: NET, target: 'numpy', check: false });
    writeFileSync(join(dir, 'bad_args.py'), gen.code);
    const script = `import sys; sys.path.insert(0, ${JSON.stringify(dir)}); import numpy as np, bad_args as m
for kw in [dict(W1=np.ones((3, 4)), W2=np.ones((2, 3)), X=np.ones((4, 5))), dict(W1=np.ones((3, 4)), W2=np.ones((2, 4)), X=np.ones((4, 5)), Y=np.ones((2, 5)))]:
    try: m.value(**kw)
    except (TypeError, ValueError) as e: print(type(e).__name__, e)`;
    const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(r.stdout).toContain('TypeError missing argument(s): Y');
    expect(r.stdout).toMatch(/ValueError W2 has shape \(2, 4\) but is declared \('k', 'h'\)/);
  });

  it('a Hessian through diag(·) (once underived, now with its vec-Jacobian): value, gradient, hessian and hvp', () => {
    const gen = runCodegen({ expr: 'tr(diag(x)*A*diag(x))', decl: 'x: n; A: n x n', target: 'numpy', check: false });
    expect(gen.code).not.toMatch(/^# No hessian or hvp/m);
    expect(gen.code).toMatch(/^def gradient\(\*\*vars\):$/m);
    expect(gen.code).toMatch(/^def hessian\(\*\*vars\):$/m);
    expect(gen.code).toMatch(/^def hvp\(/m);
  });

  it('an unknown target and an operator a target cannot express: exit 2 with a clear message', () => {
    const bad = cli('codegen', 'tr(X)', '--decl', 'X: n x n', '--target', 'julia');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown target "julia": --target is one of numpy, torch, ts');
    const sigma = cli('codegen', '0.5*norm(W2*sigma(W1*X) - Y)^2', '--decl', NET, '--target', 'numpy');
    expect(sigma.status).toBe(2);
    expect(sigma.stderr).toContain('not supported: the numpy target cannot express the generic function sigma');
    expect(sigma.stderr).not.toMatch(/\n\s+at /);
    const sizes = cli('codegen', 'tr(X)', '--decl', 'X: n x n', '--target', 'ts', '--sizes', 'q=3');
    expect(sizes.status).toBe(2);
    expect(sizes.stderr).toContain('--sizes: q is not a declared dimension');
  });
});

// ── Hessians: the generated hessian against central differences of the generated gradient, column by
// column (vec column-major, --wrt order); its symmetry; hvp against hessian times vec(direction) ──

const HESSIANS = [
  { name: 'deep linear network', f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: ['W1', 'W2'] },
  { name: 'logdet of an spd matrix', f: 'logdet(X)', decl: 'X: n x n spd', wrt: ['X'] },
  { name: "x'Ax + sum(exp(Bx))", f: "x'*A*x + sum(exp(B*x))", decl: 'A: n x n; B: m x n; x: n', wrt: ['x'] },
];

interface HessianResult {
  /** the generated hessian, column-major */
  readonly H: { shape: number[]; data: number[] };
  /** central differences of the generated gradient (stacked vec) along each coordinate, column-major */
  readonly fd: number[];
  /** the generated hvp along the direction, stacked vec */
  readonly hvp: number[];
  readonly error?: string;
}

const HESSIAN_DRIVER = `
import importlib, json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
def arg(v):
    if isinstance(v, (int, float)): return float(v)
    return np.array(v['data'], dtype=float).reshape(v['cols'], v['rows']).T
def num(x):
    if hasattr(x, 'detach'): x = x.detach().numpy()
    return np.asarray(x, dtype=float)
def stack(d, wrt):
    return np.concatenate([num(d[w]).reshape(-1, order='F') for w in wrt])
results = []
for job in json.load(open(sys.argv[2])):
    try:
        m = importlib.import_module(job['module'])
        args = {n: arg(v) for n, v in job['args'].items()}
        wrt = job['wrt']
        H = num(m.hessian(**args))
        cols = []
        for w in wrt:
            a = args[w]
            for k in range(a.size):
                def g(t):
                    b = np.array(a, dtype=float).reshape(-1, order='F')
                    b[k] += t
                    return stack(m.gradient(**{**args, w: b.reshape(a.shape, order='F')}), wrt)
                D = lambda h: (g(h) - g(-h)) / (2 * h)
                cols.append((4 * D(5e-4) - D(1e-3)) / 3)
        dirs = {'d' + w: arg(v) for w, v in job['direction'].items()}
        results.append({'H': {'shape': list(H.shape), 'data': H.reshape(-1, order='F').tolist()},
                        'fd': np.concatenate(cols).tolist(), 'hvp': stack(m.hvp(**args, **dirs), wrt).tolist()})
    except Exception as e:
        results.append({'error': f'{type(e).__name__}: {e}'})
print(json.dumps(results))
`;

function runPythonHessians(target: 'numpy' | 'torch', jobs: readonly Job[], python = PYTHON): HessianResult[] {
  const b = nextBatch();
  const spec = jobs.map((j, k) => {
    const module = `${target}_h${b}_${k}`;
    writeFileSync(join(dir, module + '.py'), j.gen.code);
    const json = (n: string, m: Mat) => toJson(j.gen.derived.decls.symbols.get(n)!, m, false);
    const args = Object.fromEntries([...j.gen.derived.f.vars].map((n) => [n, json(n, j.point.values.get(n)!)]));
    const direction = Object.fromEntries([...j.direction].map(([n, V]) => [n, json(n, V)]));
    return { module, args, direction, wrt: j.gen.derived.wrt.map((w) => w.name) };
  });
  writeFileSync(join(dir, `hjobs_${b}.json`), JSON.stringify(spec));
  writeFileSync(join(dir, 'hessian_driver.py'), HESSIAN_DRIVER);
  const r = spawnSync(python, [join(dir, 'hessian_driver.py'), dir, join(dir, `hjobs_${b}.json`)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout);
}

async function runTsHessians(jobs: readonly Job[]): Promise<HessianResult[]> {
  const b = nextBatch();
  const out: HessianResult[] = [];
  for (const [k, j] of jobs.entries()) {
    const file = join(dir, `ts_h${b}_${k}`);
    writeFileSync(file + '.ts', j.gen.code);
    const program = ts.createProgram([file + '.ts'], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, types: [] });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    writeFileSync(file + '.mjs', ts.transpileModule(j.gen.code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText);
    const m = await import(pathToFileURL(file + '.mjs').href);
    const wrt = j.gen.derived.wrt.map((w) => w.name);
    const args = Object.fromEntries([...j.gen.derived.f.vars].map((n) => [n, j.point.values.get(n)!]));
    const stack = (g: Record<string, Mat>) => wrt.flatMap((w) => [...g[w].data]);
    const H: Mat = m.hessian(args);
    const fd: number[] = [];
    for (const w of wrt)
      for (let c = 0; c < args[w].data.length; c++) {
        const g = (t: number) => {
          const data = Float64Array.from(args[w].data);
          data[c] += t;
          return stack(m.gradient({ ...args, [w]: new Mat(args[w].rows, args[w].cols, data) }));
        };
        const D = (h: number) => g(h).map((x, i) => (x - g(-h)[i]) / (2 * h));
        const [D1, D2] = [D(5e-4), D(1e-3)];
        fd.push(...D1.map((x, i) => (4 * x - D2[i]) / 3));
      }
    out.push({ H: { shape: [H.rows, H.cols], data: [...H.data] }, fd, hvp: stack(m.hvp(args, Object.fromEntries(j.direction))) });
  }
  return out;
}

/** hessian = central differences of gradient, symmetric; hvp = hessian · vec(direction). */
function compareHessian(j: Job, r: HessianResult, label: string): void {
  expect(r.error, label).toBeUndefined();
  const wrt = j.gen.derived.wrt.map((w) => w.name);
  const v = wrt.flatMap((w) => [...j.direction.get(w)!.data]);
  const N = v.length;
  expect(r.H.shape, `${label}: shape of the hessian`).toEqual([N, N]);
  const H = (i: number, k: number) => r.H.data[k * N + i];
  expect(rel(r.H.data, r.fd), `${label}: hessian vs central differences of gradient`).toBeLessThan(1e-6);
  const Ht = r.H.data.map((_, idx) => H(Math.floor(idx / N), idx % N));
  expect(rel(r.H.data, Ht), `${label}: symmetry`).toBeLessThan(1e-10);
  const Hv = Array.from({ length: N }, (_, i) => v.reduce((s, x, k) => s + H(i, k) * x, 0));
  expect(rel(r.hvp, Hv), `${label}: hvp vs hessian times vec(direction)`).toBeLessThan(1e-9);
}

describe.each(targets)('generated $label Hessians', ({ target, python, skip, note }) => {
  it.skipIf(skip)(`hessian = central differences of gradient, symmetric; hvp = hessian · vec(V), at 2 points${note}`, async () => {
    const jobs = HESSIANS.flatMap((c) => {
      const gen = runCodegen({ expr: c.f, decl: c.decl, wrt: c.wrt, target });
      expect(gen.code, c.name).toMatch(target === 'ts' ? /export function hessian\(vars: Inputs\): Matrix/ : /^def hessian\(\*\*vars\):$/m);
      return [1, 2].map((seed) => ({ ...job(gen, seed), label: `${c.name} (point ${seed})` }));
    });
    const results = target === 'ts' ? await runTsHessians(jobs) : runPythonHessians(target, jobs, python);
    jobs.forEach((j, k) => compareHessian(j, results[k], j.label));
  });
});
