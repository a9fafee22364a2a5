// `npm run bench`: how long matcalc takes to derive each gradient of the test battery, with and
// without its numerical check, side by side with SymPy's matrix-expression `diff` on the same cases
// (bench/sympy_diff.py, which also checks SymPy's answers numerically); then the same for the
// Hessian battery (bench/hessians.ts); `derive --steps` over both batteries (bench/steps.ts); then the
// gradients of an L-layer network through indexed families (bench/families.ts); the printed size of the
// results against the shortest forms found (bench/printed.ts); then the command line's start-up
// (bench/startup.ts), the main job, npm start (bench/main-job.ts; MATCALC_BASELINE=DIR compares with
// another built checkout in the same run), and the memory of a long run (bench/memory.ts); then code
// generation and the compiled evaluator (bench/codegen.ts). Writes
// bench/results.json.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { runDerive } from '../src/app/derive.js';
import { GRADIENTS, type GradientCase } from '../test/battery.js';
import {
  BUDGET_MS, HARD_CAP_MS, MAX_REPS, MIN_REPS, RESULTS, SYMPY_SCRIPT,
  classify, cut, geomean, median, met, ms, runSympy, terse, timeCold, times,
  type Status, type SympyCase, type Timing,
} from './common.js';
import { benchHessians } from './hessians.js';
import { benchSteps } from './steps.js';
import { benchFamilies } from './families.js';
import { benchPrinted } from './printed.js';
import { benchCodegen } from './codegen.js';
import { benchStartup } from './startup.js';
import { benchMemory } from './memory.js';
import { benchMainJob } from './main-job.js';

const GOAL_MS = 5;
const GOAL_RATIO = 100;

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

function timeMatcalc(c: GradientCase): Row {
  const row: Row = { name: c.name, f: c.f, decl: c.decl, wrt: c.wrt };
  const input = { expr: c.f, decl: c.decl, wrt: c.wrt };
  try {
    const d = timeCold(() => runDerive({ ...input, check: false }));
    row.derive = { ...d, perVariableMs: d.medianMs / c.wrt.length };
    const passed = runDerive({ ...input, check: true }).verdict?.passed ?? false;
    const k = timeCold(() => runDerive({ ...input, check: true }));
    row.checked = { ...k, perVariableMs: k.medianMs / c.wrt.length, passed };
  } catch (e) {
    row.error = e instanceof Error ? e.message : String(e);
  }
  return row;
}

// ---------------------------------------------------------------- SymPy

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
  const benchStart = Date.now();
  // One untimed pass over everything first, so that JIT compilation is not billed to the first cases.
  for (const c of GRADIENTS)
    for (const check of [false, true]) try { runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check }); } catch { /* reported below */ }
  const cpu = `${os.cpus()[0]?.model ?? '?'} ×${os.cpus().length}`;
  console.log(`matcalc: timing ${GRADIENTS.length} gradient cases (median of ${MIN_REPS}–${MAX_REPS} cold runs each; Node ${process.version}, ${cpu})`);
  const rows = GRADIENTS.map(timeMatcalc);
  console.log(`SymPy: running ${SYMPY_SCRIPT} ...`);
  // the whole SymPy side normally takes ~20 s
  const sympy = runSympy(GRADIENTS.map(({ name, f, decl, wrt }) => ({ name, f, decl, wrt })), 150_000);
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

  const steps = benchSteps();
  const startup = benchStartup();
  const mainJob = benchMainJob();
  const memory = benchMemory();
  const hessians = benchHessians(benchStart);
  const printedForms = benchPrinted();
  console.log(['', 'Printed forms', ...printedForms.lines].join('\n'));
  const printed = { medianRatio: printedForms.medianRatio, worstRatio: printedForms.worstRatio, rows: printedForms.rows };
  const families = benchFamilies();
  const codegen = benchCodegen();

  const env = { node: process.version, cpu, platform: `${os.platform()} ${os.release()}` };
  const settings = { minReps: MIN_REPS, maxReps: MAX_REPS, budgetMs: BUDGET_MS, hardCapMs: HARD_CAP_MS, clearSimplifyCacheEachRep: true };
  writeFileSync(RESULTS, JSON.stringify({ date: new Date().toISOString(), env, settings, summary, cases: rows, steps, hessians, printed, families, codegen, startup, mainJob, memory }, null, 1) + '\n');
  console.log(`\nwrote ${RESULTS}`);
}

main();
