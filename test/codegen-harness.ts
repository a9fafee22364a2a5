// Running generated modules, shared by the tests: NumPy and PyTorch modules under Debian's /usr/bin/python3
// (and NumPy 2 where an interpreter has it; one interpreter per batch), TypeScript modules type-checked
// under --strict, transpiled and imported; results compared with the engine's evaluation and with
// central differences of the generated value.
import { afterAll, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { SymNode } from '../src/expr/ast.js';
import { isOne } from '../src/expr/dim.js';
import { isScalarShape } from '../src/expr/shape.js';
import type { CodegenOutput } from '../src/app/codegen.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { Mat } from '../src/numeric/mat.js';
import { Rng, randomDirection, randomSizes, randomValue } from '../src/numeric/random.js';

export const PYTHON = '/usr/bin/python3';
export const numpyVersion = (python: string) => spawnSync(python, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).stdout?.trim() ?? '';
// NumPy 2: the interpreter .ci/run prepared, else one on PATH that has it
export const NUMPY2 = [process.env.MATCALC_NUMPY2_PYTHON, 'python3'].filter((p): p is string => !!p).find((p) => Number(numpyVersion(p).split('.')[0]) >= 2);
export const numpy2Missing = NUMPY2 ? '' : ' (skipped: no python3 with NumPy 2; set MATCALC_NUMPY2_PYTHON, as .ci/run does)';
const torchProbe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
export const hasTorch = torchProbe.status === 0;
export const torchMissing = hasTorch ? '' : ` (skipped: "import torch" fails under ${PYTHON}: ${(torchProbe.stderr || String(torchProbe.error)).trim().split('\n').pop()}; install python3-torch to run it)`;

export const dir = mkdtempSync(join(tmpdir(), 'matcalc-codegen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export type Target = 'numpy' | 'torch' | 'ts';
export type Json = number | { rows: number; cols: number; data: number[] } | { vector: number[] };

export interface Job {
  readonly gen: CodegenOutput;
  readonly point: { sizes: Map<string, number>; values: Map<string, Mat> };
  readonly direction: Map<string, Mat>;
  /** pass vectors as 1-D arrays (Python) / Float64Array (TS) */
  readonly flatVectors: boolean;
}

export interface Result {
  readonly value: number[];
  readonly gradient: Record<string, { shape: number[]; data: number[] }>;
  /** central difference of the generated value along the direction */
  readonly fd: number;
  /** the Python type of value()'s result */
  readonly valueType?: string;
  readonly error?: string;
}

/** A point where f is finite and away from kinks, as the checker would choose it. */
export function samplePoint(gen: CodegenOutput, seed: number) {
  const { f, decls, results } = gen.derived;
  const rng = new Rng(seed);
  const sizes = randomSizes(decls.dims, rng);
  for (let attempt = 0; attempt < 40; attempt++) {
    const values = new Map<string, Mat>();
    for (const s of decls.symbols.values()) values.set(s.name, randomValue(s, sizes, rng, attempt < 20 ? 'gaussian' : 'positive'));
    const ev = new Evaluator({ sizes, values });
    const finite = [f, ...results.map((r) => r.value)].every((e) => ev.eval(e).data.every(Number.isFinite));
    if (finite && ev.kinkDistance > 1e-2) {
      const direction = new Map(results.map((r) => [r.variable.name, randomDirection(r.variable, sizes, rng)]));
      return { point: { sizes, values }, direction };
    }
  }
  throw new Error(`no smooth point for ${gen.derived.input.expr}`);
}

export function job(gen: CodegenOutput, seed: number, flatVectors = false): Job {
  return { gen, ...samplePoint(gen, seed), flatVectors };
}

export const isVector = (s: SymNode) => !isScalarShape(s.shape) && isOne(s.shape.cols);

export function toJson(s: SymNode, m: Mat, flat: boolean): Json {
  if (isScalarShape(s.shape)) return m.data[0];
  if (flat && isVector(s)) return { vector: [...m.data] };
  return { rows: m.rows, cols: m.cols, data: [...m.data] };
}

const DRIVER = `
import importlib, json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
def arg(v):
    if isinstance(v, (int, float)): return float(v)
    if 'vector' in v: return np.array(v['vector'], dtype=float)
    return np.array(v['data'], dtype=float).reshape(v['cols'], v['rows']).T
def out(x):
    if hasattr(x, 'detach'): x = x.detach().numpy()
    a = np.asarray(x, dtype=float)
    return {'shape': list(a.shape), 'data': a.reshape(-1, order='F').tolist()}
results = []
for k, job in enumerate(json.load(open(sys.argv[2]))):
    try:
        m = importlib.import_module(job['module'])
        args = {n: arg(v) for n, v in job['args'].items()}
        d = {n: arg(v) for n, v in job['direction'].items()}
        f = lambda t: float(m.value(**{n: a + t * d[n] if n in d else a for n, a in args.items()}))
        D = lambda h: (f(h) - f(-h)) / (2 * h)
        v = m.value(**args)
        results.append({'value': out(v)['data'], 'valueType': type(v).__module__ + '.' + type(v).__name__, 'fd': (4 * D(5e-4) - D(1e-3)) / 3,
                        'gradient': {n: out(g) for n, g in m.gradient(**args).items()}})
    except Exception as e:
        results.append({'error': f'{type(e).__name__}: {e}'})
print(json.dumps(results))
`;

let batch = 0;
/** A fresh number for the files of one run. */
export const nextBatch = () => batch++;
export function runPython(target: 'numpy' | 'torch', jobs: readonly Job[], python = PYTHON): Result[] {
  const b = nextBatch();
  const spec = jobs.map((j, k) => {
    const module = `${target}_${b}_${k}`;
    writeFileSync(join(dir, module + '.py'), j.gen.code);
    const args = Object.fromEntries([...j.gen.derived.f.vars].map((n) => [n, toJson(j.gen.derived.decls.symbols.get(n)!, j.point.values.get(n)!, j.flatVectors)]));
    const direction = Object.fromEntries([...j.direction].map(([n, V]) => [n, toJson(j.gen.derived.decls.symbols.get(n)!, V, j.flatVectors)]));
    return { module, args, direction };
  });
  writeFileSync(join(dir, `jobs_${b}.json`), JSON.stringify(spec));
  writeFileSync(join(dir, 'driver.py'), DRIVER);
  const r = spawnSync(python, [join(dir, 'driver.py'), dir, join(dir, `jobs_${b}.json`)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout);
}

/** Type-check the modules under --strict, transpile and import them, and run them like the Python driver. */
export async function runTs(jobs: readonly Job[]): Promise<Result[]> {
  const b = nextBatch();
  const files = jobs.map((j, k) => {
    const file = join(dir, `ts_${b}_${k}.ts`);
    writeFileSync(file, j.gen.code);
    return file;
  });
  const program = ts.createProgram(files, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, types: [] });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
  const out: Result[] = [];
  for (const [k, j] of jobs.entries()) {
    const js = ts.transpileModule(j.gen.code, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    const file = files[k].replace(/\.ts$/, '.mjs');
    writeFileSync(file, js);
    const m = await import(pathToFileURL(file).href);
    const arg = (s: SymNode, v: Mat) => (isScalarShape(s.shape) ? v.data[0] : j.flatVectors && isVector(s) ? v.data : v);
    const symbols = j.gen.derived.decls.symbols;
    const args = (t: number) =>
      Object.fromEntries([...j.gen.derived.f.vars].map((n) => {
        const v = j.point.values.get(n)!, d = j.direction.get(n);
        const x = d ? new Mat(v.rows, v.cols, v.data.map((a, i) => a + t * d.data[i])) : v;
        return [n, arg(symbols.get(n)!, x)];
      }));
    const value = (t: number) => m.value(args(t));
    const D = (h: number) => (value(h) - value(-h)) / (2 * h);
    const g = m.gradient(args(0));
    const flat = (x: number | Mat) => (typeof x === 'number' ? { shape: [], data: [x] } : { shape: [x.rows, x.cols], data: [...x.data] });
    out.push({
      value: [value(0)],
      fd: (4 * D(5e-4) - D(1e-3)) / 3,
      gradient: Object.fromEntries(Object.entries(g).map(([n, x]) => [n, flat(x as number | Mat)])),
    });
  }
  return out;
}

export function run(target: Target, jobs: readonly Job[], python?: string): Promise<Result[]> | Result[] {
  return target === 'ts' ? runTs(jobs) : runPython(target, jobs, python);
}

export const norm = (xs: readonly number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));
export const rel = (a: readonly number[], b: readonly number[]) => norm(a.map((x, i) => x - b[i])) / Math.max(norm(a), norm(b), 1e-300);

/** The generated value and gradients equal the engine's, have the variables' shapes, and match central differences. */
export function compare(target: Target, j: Job, r: Result, label: string): void {
  expect(r.error, label).toBeUndefined();
  const ev = new Evaluator(j.point);
  const { f, results } = j.gen.derived;
  expect(rel(r.value, [...ev.eval(f).data]), `${label}: value`).toBeLessThan(1e-9);
  // a scalar f gives a plain Python float (not a NumPy scalar or a 0-d array)
  if (target === 'numpy') expect(r.valueType, `${label}: type of value()`).toBe('builtins.float');
  let directional = 0;
  for (const d of results) {
    const name = d.variable.name;
    const got = r.gradient[name];
    const want = ev.eval(d.value);
    const s = d.variable.shape;
    const shape = isScalarShape(s) ? [] : j.flatVectors && target !== 'ts' && isVector(d.variable) ? [want.rows] : [want.rows, want.cols];
    expect(got.shape, `${label}: shape of the gradient for ${name}`).toEqual(shape);
    expect(rel(got.data, [...want.data]), `${label}: gradient for ${name}`).toBeLessThan(1e-9);
    const V = j.direction.get(name)!;
    directional += got.data.reduce((acc, x, i) => acc + x * V.data[i], 0);
  }
  expect(rel([r.fd], [directional]), `${label}: central differences of value vs gradient`).toBeLessThan(1e-6);
}

export const targets: readonly { target: Target; label: string; python?: string; skip: boolean; note: string }[] = [
  { target: 'numpy', label: `numpy ${numpyVersion(PYTHON)}`, python: PYTHON, skip: false, note: '' },
  { target: 'numpy', label: `numpy ${NUMPY2 ? numpyVersion(NUMPY2) : '2'}`, python: NUMPY2, skip: !NUMPY2, note: numpy2Missing },
  { target: 'ts', label: 'ts', skip: false, note: '' },
  { target: 'torch', label: 'torch', python: PYTHON, skip: !hasTorch, note: torchMissing },
];

