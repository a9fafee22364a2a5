// `npm run bench`: how long matcalc takes to derive each gradient of the test battery, with and
// without its numerical check, side by side with SymPy's matrix-expression `diff` on the same cases
// (bench/sympy_diff.py, which also checks SymPy's answers numerically). Writes bench/results.json.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runDerive, type DeriveInput } from '../src/app/derive.js';
import { clearSimplifyCache } from '../src/rewrite/simplify.js';
import { GRADIENTS, type GradientCase } from '../test/battery.js';

// Paths are taken from this file (dist/bench/run.js), so the bench works from any directory.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SYMPY_SCRIPT = `${ROOT}bench/sympy_diff.py`;
const RESULTS = `${ROOT}bench/results.json`;
// Debian's interpreter: python3-sympy and python3-numpy come from apt (override to test the fallback)
const PYTHON = process.env.MATCALC_PYTHON ?? '/usr/bin/python3';

const MIN_REPS = 15; // the median of at least this many cold runs ...
const MAX_REPS = 101; // ... and more while they fit in BUDGET_MS, which steadies sub-millisecond medians
const BUDGET_MS = 200;
const HARD_CAP_MS = 1500; // a pathologically slow case stops early (fewer reps, flagged) so the run stays < 3 min
const GOAL_MS = 5;
const GOAL_RATIO = 100;

type Status = 'correct' | 'WRONG' | 'failed' | 'unsupported';

interface Timing {
  medianMs: number;
  reps: number;
  cappedEarly: boolean;
}

interface Row {
  name: string;
  f: string;
  decl: string;
  wrt: readonly string[];
  derive?: Timing & { perVariableMs: number };
  checked?: Timing & { perVariableMs: number; passed: boolean };
  error?: string; // matcalc threw: the row still appears, without timings
  sympy?: {
    status: Status;
    warmMsPerDerivative?: number;
    coldMsPerDerivative?: number;
    ratio?: number; // SymPy warm / matcalc, per variable, only when SymPy was correct
    coldRatio?: number; // the same against SymPy's single cold call (after clear_cache())
    reason?: string;
    raw: unknown;
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Median wall time of runDerive, each repetition cold: the simplifier's memo table is emptied first,
 *  otherwise every repetition after the first would be a cache lookup. */
function time(input: DeriveInput): Timing {
  for (let i = 0; i < 2; i++) runDerive(input); // per-case warm-up (the JIT is already warm, see main)
  const samples: number[] = [];
  const start = nowMs();
  for (;;) {
    const spent = nowMs() - start;
    if (samples.length >= MAX_REPS || (samples.length >= MIN_REPS && spent > BUDGET_MS)) break;
    if (samples.length >= 3 && spent > HARD_CAP_MS) break;
    clearSimplifyCache();
    const t0 = process.hrtime.bigint();
    runDerive(input);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { medianMs: median(samples), reps: samples.length, cappedEarly: samples.length < MIN_REPS };
}

function timeMatcalc(c: GradientCase): Row {
  const row: Row = { name: c.name, f: c.f, decl: c.decl, wrt: c.wrt };
  const input = { expr: c.f, decl: c.decl, wrt: c.wrt };
  try {
    const d = time({ ...input, check: false });
    row.derive = { ...d, perVariableMs: d.medianMs / c.wrt.length };
    const passed = runDerive({ ...input, check: true }).verdict?.passed ?? false;
    const k = time({ ...input, check: true });
    row.checked = { ...k, perVariableMs: k.medianMs / c.wrt.length, passed };
  } catch (e) {
    row.error = e instanceof Error ? e.message : String(e);
  }
  return row;
}

// ---------------------------------------------------------------- SymPy

interface SympyCase {
  name: string;
  supported?: boolean;
  reason?: string;
  correct?: boolean | null;
  error?: string;
  note?: string;
  warm_seconds?: number;
  cold_seconds?: number;
}

/** SymPy's figures for the battery, or the reason it could not run. */
function runSympy(): { version?: string; cases?: SympyCase[]; skipped?: string } {
  const cases = GRADIENTS.map(({ name, f, decl, wrt }) => ({ name, f, decl, wrt }));
  const r = spawnSync(PYTHON, [SYMPY_SCRIPT, '--timeout', '10'], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 150_000, // the whole SymPy side normally takes ~20 s; never let it hold the bench hostage
    maxBuffer: 64 << 20,
  });
  if (r.error) return { skipped: `${PYTHON} could not be run (${r.error.message})` };
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
function classify(s: SympyCase): { status: Status; reason?: string } {
  // the first clause that says something about this case: not the general remark on how norm() is
  // translated (which itself contains '; ') nor a shape remark (a transposed/flattened gradient can be right)
  const clauses = [s.error, s.note].flatMap((t) => t?.split('; ') ?? []);
  const reason = clauses.find((t) => !/^norm\(A\)|result shape .* expected/.test(t));
  if (s.supported === false) return { status: 'unsupported', reason: s.reason };
  if (s.correct === false) return { status: 'WRONG', reason };
  if (s.correct === true && !s.error) return { status: 'correct' };
  return { status: 'failed', reason: reason ?? 'no answer that could be checked' };
}

function attachSympy(rows: Row[], cases: SympyCase[]) {
  rows.forEach((row, i) => {
    const s = cases[i];
    const { status, reason } = classify(s);
    // sympy_diff.py times one derivative (mean over the wrt variables): compare with our time per variable
    const warm = s.warm_seconds === undefined ? undefined : s.warm_seconds * 1e3;
    const cold = s.cold_seconds === undefined ? undefined : s.cold_seconds * 1e3;
    const per = status === 'correct' && row.derive ? row.derive.perVariableMs : undefined;
    const ratio = per && warm !== undefined ? warm / per : undefined;
    const coldRatio = per && cold !== undefined ? cold / per : undefined;
    row.sympy = { status, warmMsPerDerivative: warm, coldMsPerDerivative: cold, ratio, coldRatio, reason, raw: s };
  });
}

// ---------------------------------------------------------------- report

const ms = (x?: number) => (x === undefined ? '–' : x < 10 ? x.toFixed(3) : x.toFixed(1));
const times = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0)); // 0.6, not "1": SymPy may be faster
const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
const terse = (s: string) => // the table's reason column is narrow; results.json keeps the full text
  s.replace('SymPy returned zero, the true derivative is not zero', 'returned 0, true derivative ≠ 0')
    .replace('SymPy left an unevaluated Derivative', 'unevaluated Derivative')
    .replace('maximum recursion depth exceeded in comparison', 'max recursion depth exceeded');

function table(rows: Row[], withSympy: boolean): string[] {
  const head = ['case'.padEnd(34), 'wrt', 'derive ms', '  per var', '+check ms', 'ok?'];
  if (withSympy) head.push('SymPy ms/var', '  ×faster', 'SymPy');
  const lines = [head.join(' '), '-'.repeat(head.join(' ').length + (withSympy ? 10 : 0))];
  for (const r of rows) {
    const flag = r.derive?.cappedEarly || r.checked?.cappedEarly ? '*' : ' ';
    const cells = [
      cut(r.name, 34).padEnd(34),
      String(r.wrt.length).padStart(3),
      (ms(r.derive?.medianMs) + flag).padStart(9),
      ms(r.derive?.perVariableMs).padStart(9),
      ms(r.checked?.medianMs).padStart(9),
      r.error ? 'ERR' : r.checked?.passed ? 'yes' : 'NO!',
    ];
    if (withSympy && r.sympy) {
      const s = r.sympy;
      cells.push(ms(s.warmMsPerDerivative).padStart(12), (s.ratio === undefined ? '–' : times(s.ratio)).padStart(9),
        s.status + (s.reason && s.status !== 'correct' ? `: ${cut(terse(s.reason), 48)}` : ''));
    }
    lines.push(cells.join(' ') + (r.error ? `  matcalc error: ${cut(r.error, 60)}` : ''));
  }
  return lines;
}

function main() {
  // One untimed pass over everything first, so that JIT compilation is not billed to the first cases.
  for (const c of GRADIENTS)
    for (const check of [false, true]) try { runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check }); } catch { /* reported below */ }
  const cpu = `${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}`;
  console.log(`matcalc: timing ${GRADIENTS.length} gradient cases (median of ${MIN_REPS}–${MAX_REPS} cold runs each; Node ${process.version}, ${cpu})`);
  const rows = GRADIENTS.map(timeMatcalc);
  console.log(`SymPy: running ${SYMPY_SCRIPT} ...`);
  const sympy = runSympy();
  if (sympy.cases) attachSympy(rows, sympy.cases);

  const timed = rows.filter((r) => r.derive);
  const perGrad = timed.map((r) => r.derive!.medianMs);
  const checkFailures = timed.filter((r) => !r.checked!.passed).map((r) => r.name);
  const matcalcErrors = rows.filter((r) => r.error).map((r) => r.name);
  const summary: Record<string, unknown> = {
    cases: rows.length, matcalcErrors, checkFailures, goalMs: GOAL_MS,
    medianDeriveMsPerGradient: median(perGrad),
    medianDeriveMsPerVariable: median(timed.map((r) => r.derive!.perVariableMs)),
    maxDeriveMsPerGradient: Math.max(...perGrad),
    medianCheckedMsPerGradient: median(timed.map((r) => r.checked!.medianMs)),
  };
  const out = ['', ...table(rows, !!sympy.cases)];
  if (rows.some((r) => r.derive?.cappedEarly || r.checked?.cappedEarly)) out.push('', `* fewer than ${MIN_REPS} repetitions (hard time cap)`);
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  out.push('', 'Summary',
    `  matcalc derive (no check): median ${ms(median(perGrad))} ms per gradient, ${ms(summary.medianDeriveMsPerVariable as number)} ms per variable, ` +
      `slowest ${ms(Math.max(...perGrad))} ms — goal < ${GOAL_MS} ms: ${met(median(perGrad) < GOAL_MS)}`,
    `  matcalc derive + numerical check: median ${ms(summary.medianCheckedMsPerGradient as number)} ms per gradient; ` +
      `check passed on ${timed.length - checkFailures.length}/${rows.length}`);
  if (matcalcErrors.length) out.push(`  matcalc ERRORS: ${matcalcErrors.join('; ')}`);

  if (sympy.cases) {
    const ratios = rows.flatMap((r) => r.sympy?.ratio ?? []);
    const coldRatios = rows.flatMap((r) => r.sympy?.coldRatio ?? []);
    const by = (st: Status) => rows.filter((r) => r.sympy?.status === st).map((r) => r.name);
    const [med, geo] = ratios.length ? [median(ratios), geomean(ratios)] : [NaN, NaN];
    Object.assign(summary, {
      sympyVersion: sympy.version, sympyCorrect: by('correct').length, goalRatio: GOAL_RATIO,
      medianSpeedRatio: med, geomeanSpeedRatio: geo, minSpeedRatio: Math.min(...ratios),
      medianSpeedRatioVsSympyCold: median(coldRatios), geomeanSpeedRatioVsSympyCold: geomean(coldRatios),
      sympyWrong: by('WRONG'), sympyFailed: by('failed'), sympyUnsupported: by('unsupported'),
    });
    const x = (v: unknown) => `${times(v as number)}×`;
    out.push(`  SymPy ${sympy.version} answered ${by('correct').length}/${rows.length} correctly; on those, matcalc is faster by ` +
      `median ${x(med)}, geometric mean ${x(geo)}, least ${x(summary.minSpeedRatio)} — goal ≥ ${GOAL_RATIO}×: ${met(med >= GOAL_RATIO && geo >= GOAL_RATIO)}`);
    out.push('    (SymPy: warm median of f.diff(W) per derivative, its cache kept; matcalc: cold parse + derive + simplify + naming, per variable)');
    // SymPy's warm repeats can be answered from its cache (a scalar derivative takes 0.04 ms warm, 3 ms cold)
    out.push(`    against SymPy's cold call (first after clear_cache(), one sample): median ${x(summary.medianSpeedRatioVsSympyCold)}, ` +
      `geometric mean ${x(summary.geomeanSpeedRatioVsSympyCold)}`);
    for (const st of ['WRONG', 'failed', 'unsupported'] as const) out.push(`  SymPy ${st} (${by(st).length}): ${by(st).join('; ') || '—'}`);
  } else {
    out.push(`  SymPy skipped: ${sympy.skipped}`);
    summary.sympySkipped = sympy.skipped;
  }
  console.log(out.join('\n'));

  const env = { node: process.version, cpu, platform: `${os.platform()} ${os.release()}` };
  const settings = { minReps: MIN_REPS, maxReps: MAX_REPS, budgetMs: BUDGET_MS, hardCapMs: HARD_CAP_MS, clearSimplifyCacheEachRep: true };
  writeFileSync(RESULTS, JSON.stringify({ date: new Date().toISOString(), env, settings, summary, cases: rows }, null, 1) + '\n');
  console.log(`\nwrote ${RESULTS}`);
}

main();
