// Shared by the gradient and Hessian parts of `npm run bench` (bench/run.ts, bench/hessians.ts):
// the cold timing loop, the SymPy child process and its verdicts, and number formatting.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { clearSimplifyCache } from '../src/rewrite/simplify.js';
import { clearAuthorCache } from '../src/rewrite/author.js';

// Paths are taken from this file (dist/bench/common.js), so the bench works from any directory.
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SYMPY_SCRIPT = `${ROOT}bench/sympy_diff.py`;
export const RESULTS = `${ROOT}bench/results.json`;
// Debian's interpreter: python3-sympy and python3-numpy come from apt (override to test the fallback)
export const PYTHON = process.env.MATCALC_PYTHON ?? '/usr/bin/python3';

export const MIN_REPS = 15; // the median of at least this many cold runs ...
export const MAX_REPS = 101; // ... and more while they fit in BUDGET_MS, which steadies sub-millisecond medians
export const BUDGET_MS = 200;
export const HARD_CAP_MS = 1500; // a pathologically slow case stops early (fewer reps, flagged) so the run stays short

export type Status = 'correct' | 'WRONG' | 'failed' | 'unsupported';

export interface Timing {
  medianMs: number;
  reps: number;
  cappedEarly: boolean;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

/**
 * Median seconds per call of each function, called in turn until `budget` seconds have passed (at least
 * `min` rounds): all see the same machine, so their ratios do not move with whatever else it is doing.
 */
export function timeInterleaved(budget: number, fns: readonly (() => unknown)[], min = 5): number[] {
  fns.forEach((f) => f()); // warm up
  const samples = fns.map((): number[] => []);
  const start = performance.now();
  while (samples[0].length < min || (performance.now() - start) / 1000 < budget)
    fns.forEach((f, i) => {
      const t = performance.now();
      f();
      samples[i].push((performance.now() - t) / 1000);
    });
  return samples.map((s) => median(s));
}
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Median wall time of `run`, each repetition cold: the simplifier's memo table is emptied first,
 *  otherwise every repetition after the first would be a cache lookup. */
export function timeCold(run: () => unknown): Timing {
  for (let i = 0; i < 2; i++) run(); // per-case warm-up (the JIT is already warm, see main)
  const samples: number[] = [];
  const start = nowMs();
  for (;;) {
    const spent = nowMs() - start;
    if (samples.length >= MAX_REPS || (samples.length >= MIN_REPS && spent > BUDGET_MS)) break;
    if (samples.length >= 3 && spent > HARD_CAP_MS) break;
    clearSimplifyCache();
    clearAuthorCache();
    const t0 = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { medianMs: median(samples), reps: samples.length, cappedEarly: samples.length < MIN_REPS };
}

// ---------------------------------------------------------------- SymPy

/** One record of sympy_diff.py: a case, or (in `derivatives`) one variable or one Hessian block. */
export interface SympyCase {
  name: string;
  wrt?: string; // in `derivatives`: the variable, or "Wi,Wj" for a Hessian block
  supported?: boolean;
  reason?: string;
  correct?: boolean | null;
  error?: string;
  note?: string;
  warm_seconds?: number;
  cold_seconds?: number;
  result?: string;
  result_chars?: number;
  result_form?: 'matrix' | 'array' | 'scalar';
  derivatives?: SympyCase[];
}

export interface SympyRun {
  version?: string;
  cases?: SympyCase[];
  skipped?: string;
}

/** SymPy's figures for a list of cases ({name, f, decl, wrt, hessian?}), or the reason it could not run. */
export function runSympy(cases: readonly { name: string }[], timeoutMs: number): SympyRun {
  const r = spawnSync(PYTHON, [SYMPY_SCRIPT, '--timeout', '10'], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: timeoutMs, // never let the SymPy side hold the bench hostage
    maxBuffer: 64 << 20,
  });
  if (r.error) {
    const timedOut = (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    return { skipped: timedOut ? `${SYMPY_SCRIPT} took more than ${timeoutMs / 1000} s and was stopped` : `${PYTHON} could not be run (${r.error.message})` };
  }
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const why = /No module named '(\w+)'/.exec(last);
    return { skipped: why ? `Python module ${why[1]} is not installed (apt install python3-${why[1]})` : `${SYMPY_SCRIPT} exited with ${r.status ?? r.signal}: ${last}` };
  }
  try {
    const out = JSON.parse(r.stdout) as { sympy_version: string; cases: SympyCase[] };
    // rows are paired by position: make sure the script answered every case, in order
    if (out.cases.length !== cases.length || out.cases.some((c, i) => c.name !== cases[i].name))
      return { skipped: 'sympy_diff.py answered a different list of cases' };
    return { version: out.sympy_version, cases: out.cases };
  } catch {
    return { skipped: 'sympy_diff.py printed something that is not JSON' };
  }
}

/** correct / WRONG (a wrong answer) / failed (exception, unevaluated, not checkable) / unsupported. */
export function classify(s: SympyCase): { status: Status; reason?: string } {
  // the first clause that says something about this case: not the general remark on how norm() is
  // translated (which itself contains '; ') nor a shape remark (a transposed/flattened gradient can be right)
  const clauses = [s.error, s.note].flatMap((t) => t?.split('; ') ?? []);
  const reason = clauses.find((t) => !/^norm\(A\)|result shape .* expected/.test(t));
  if (s.supported === false) return { status: 'unsupported', reason: s.reason };
  if (s.correct === false) return { status: 'WRONG', reason };
  if (s.correct === true && !s.error) return { status: 'correct' };
  return { status: 'failed', reason: reason ?? 'no answer that could be checked' };
}

// ---------------------------------------------------------------- formatting

export const ms = (x?: number) => (x === undefined ? '–' : x < 10 ? x.toFixed(3) : x.toFixed(1));
export const times = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0)); // 0.6, not "1": SymPy may be faster
export const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
export const terse = (s: string) => // the table's reason column is narrow; results.json keeps the full text
  s.replace('SymPy returned zero, the true derivative is not zero', 'returned 0, true derivative ≠ 0')
    .replace(/SymPy returned (Derivative\(0, \w+\)) \(its first derivative is already 0\), the true Hessian is not zero/, '$1 (= 0), true Hessian ≠ 0')
    .replace('SymPy left an unevaluated Derivative', 'unevaluated Derivative')
    .replace('maximum recursion depth exceeded in comparison', 'max recursion depth exceeded')
    .replace('maximum recursion depth exceeded while calling a Python object', 'max recursion depth exceeded');
export const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
