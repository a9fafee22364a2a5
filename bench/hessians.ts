// The Hessian part of `npm run bench`: how long matcalc takes to derive each Hessian of the battery
// (test/hessians.ts), with and without its numerical check, side by side with SymPy's second
// derivative f.diff(Wj).diff(Wi) of every block (bench/sympy_diff.py in Hessian mode, which checks
// SymPy's answers against second differences of f), and how long each side's printed blocks are.
import { runHessian, type HessianInput } from '../src/app/hessian.js';
import { toText } from '../src/render/print.js';
import { HESSIANS, type HessianCase } from '../test/hessians.js';
import {
  MIN_REPS, classify, cut, geomean, median, ms, runSympy, terse, timeCold, times,
  type Status, type SympyCase, type SympyRun, type Timing,
} from './common.js';

interface BlockSympy {
  block: string; // "Wi,Wj": H[Wi, Wj] = ∇_vec(Wi) ∇_vec(Wj) f
  status: Status;
  reason?: string;
  warmMs?: number;
  coldMs?: number;
  sympyChars?: number; // length of str() of SymPy's result
  oursChars: number; // length of toText() of matcalc's block (at a general point when the case has at/assume)
  form?: 'matrix' | 'array' | 'derivative' | 'scalar';
}

export interface HessianRow {
  name: string;
  f: string;
  decl: string;
  wrt: readonly string[];
  at?: readonly string[];
  assume?: readonly string[];
  blocks: number; // wrt.length², all of them derived (and, by SymPy, all ordered pairs)
  derive?: Timing & { perBlockMs: number };
  checked?: Timing & { passed: boolean; unchecked?: string };
  /** cases with at/assume: the same f at a general point, which is what SymPy computes */
  general?: Timing & { perBlockMs: number };
  /** toText of each block, [i][j], at the case's point and (at/assume cases) at a general point */
  printed: { atPoint: string[][]; general: string[][] };
  error?: string; // matcalc threw: the row still appears, without timings
  sympy?: {
    status: Status;
    reason?: string;
    generalPointOnly: boolean;
    blocksCorrect: number;
    warmMsPerBlock?: number;
    coldMsPerBlock?: number;
    ratio?: number; // SymPy warm per block / matcalc derive per block, only when SymPy got every block right
    coldRatio?: number;
    sympyChars?: number; // summed over the blocks SymPy returned
    oursChars?: number; // the same blocks of matcalc
    form?: string; // matrix / array / mixed, over the blocks SymPy returned
    blocks: BlockSympy[];
    raw: unknown;
  };
}

const atPoint = (c: HessianCase) => !!(c.at?.length || c.assume?.length);
const input = (c: HessianCase, general = false): HessianInput =>
  ({ expr: c.f, decl: c.decl, wrt: c.wrt, ...(general ? {} : { at: c.at, assume: c.assume }) });
const printBlocks = (i: HessianInput) => runHessian({ ...i, check: false }).hessian.blocks.map((r) => r.map((b) => toText(b)));

function timeMatcalc(c: HessianCase): HessianRow {
  const n = c.wrt.length;
  const row: HessianRow = { name: c.name, f: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, blocks: n * n, printed: { atPoint: [], general: [] } };
  try {
    const d = timeCold(() => runHessian({ ...input(c), check: false }));
    row.derive = { ...d, perBlockMs: d.medianMs / (n * n) };
    const o = runHessian({ ...input(c), check: true });
    const k = timeCold(() => runHessian({ ...input(c), check: true }));
    row.checked = { ...k, passed: o.verdict?.passed ?? false, ...(o.verdict?.status === 'unchecked' ? { unchecked: o.verdict.reason } : {}) };
    row.printed.atPoint = printBlocks(input(c));
    row.printed.general = row.printed.atPoint;
    if (atPoint(c)) {
      const g = timeCold(() => runHessian({ ...input(c, true), check: false }));
      row.general = { ...g, perBlockMs: g.medianMs / (n * n) };
      row.printed.general = printBlocks(input(c, true));
    }
  } catch (e) {
    row.error = e instanceof Error ? e.message : String(e);
  }
  return row;
}

/** A case's status from its blocks': WRONG if any block is wrong, failed if any failed, else correct. */
function caseStatus(s: SympyCase, blocks: BlockSympy[], n: number): { status: Status; reason?: string } {
  if (s.supported === false || !s.derivatives) return classify(s);
  const label = (b: BlockSympy) => (n > 1 ? `${b.block}: ` : '');
  const wrong = blocks.find((b) => b.status === 'WRONG');
  if (wrong) return { status: 'WRONG', reason: label(wrong) + (wrong.reason ?? '') };
  const failed = blocks.find((b) => b.status !== 'correct');
  if (failed) return { status: 'failed', reason: label(failed) + (failed.reason ?? '') };
  return { status: 'correct' };
}

function attachSympy(rows: HessianRow[], cases: SympyCase[]) {
  rows.forEach((row, i) => {
    const s = cases[i];
    const n = row.wrt.length;
    const blocks: BlockSympy[] = (s.derivatives ?? []).map((d, k) => ({
      block: d.wrt ?? '?',
      ...classify(d),
      warmMs: d.warm_seconds === undefined ? undefined : d.warm_seconds * 1e3,
      coldMs: d.cold_seconds === undefined ? undefined : d.cold_seconds * 1e3,
      sympyChars: d.result_chars,
      oursChars: row.printed.general[Math.floor(k / n)]?.[k % n]?.length ?? NaN,
      form: d.result_form,
    }));
    const { status, reason } = caseStatus(s, blocks, n);
    // sympy_diff.py's case timings are the mean over the blocks that ran: compare per block
    const warm = s.warm_seconds === undefined ? undefined : s.warm_seconds * 1e3;
    const cold = s.cold_seconds === undefined ? undefined : s.cold_seconds * 1e3;
    const ours = row.general ?? row.derive; // SymPy computes the general-point Hessian
    const per = status === 'correct' && ours ? ours.perBlockMs : undefined;
    const answered = blocks.filter((b) => b.sympyChars !== undefined);
    const forms = new Set(answered.map((b) => b.form));
    row.sympy = {
      status, reason, generalPointOnly: atPoint(row as HessianCase),
      blocksCorrect: blocks.filter((b) => b.status === 'correct').length,
      warmMsPerBlock: warm, coldMsPerBlock: cold,
      ratio: per && warm !== undefined ? warm / per : undefined,
      coldRatio: per && cold !== undefined ? cold / per : undefined,
      sympyChars: answered.length ? answered.reduce((a, b) => a + b.sympyChars!, 0) : undefined,
      oursChars: answered.length ? answered.reduce((a, b) => a + b.oursChars, 0) : undefined,
      form: forms.size > 1 ? 'mixed' : [...forms][0],
      blocks, raw: s,
    };
  });
}

// ---------------------------------------------------------------- report

const HEAD = ['case'.padEnd(34), 'wrt', 'derive ms', 'per block', '+check ms', 'ok?'];
const SYMPY_HEAD = ['SymPy ms/blk', '  ×faster', 'chars SymPy/ours', 'form  ', 'SymPy'];

function sympyCells(s: { warm?: number; ratio?: number | null; dagger: boolean; sympyChars?: number; oursChars: number; form?: string; status: string }) {
  const chars = `${s.sympyChars ?? '–'}/${Number.isNaN(s.oursChars) ? '–' : s.oursChars}`;
  const ratio = s.ratio === null ? '' : s.ratio === undefined ? '– ' : times(s.ratio) + (s.dagger ? '†' : ' '); // null: no ratio per block
  return [ms(s.warm).padStart(12), ratio.padStart(9),
    chars.padStart(16), (s.form === 'derivative' ? 'deriv.' : s.form ?? '–').padEnd(6), s.status];
}

const statusText = (st: Status, reason: string | undefined, width: number) =>
  st + (reason && st !== 'correct' ? `: ${cut(terse(reason), width)}` : '');

function table(rows: HessianRow[], withSympy: boolean): string[] {
  const head = [...HEAD, ...(withSympy ? SYMPY_HEAD : [])].join(' ');
  const lines = [head, '-'.repeat(head.length + (withSympy ? 40 : 0))];
  for (const r of rows) {
    const flag = r.derive?.cappedEarly || r.checked?.cappedEarly ? '*' : ' ';
    const cells = [
      cut(r.name, 34).padEnd(34),
      String(r.wrt.length).padStart(3),
      (ms(r.derive?.medianMs) + flag).padStart(9),
      ms(r.derive?.perBlockMs).padStart(9),
      ms(r.checked?.medianMs).padStart(9),
      r.error ? 'ERR' : r.checked?.passed ? 'yes' : 'NO!',
    ];
    const s = r.sympy;
    if (withSympy && s) {
      const fails = s.blocks.length > 1 && s.status !== 'correct' ? ` (${s.blocksCorrect}/${s.blocks.length} blocks correct)` : '';
      const where = s.generalPointOnly ? ' [general point only]' : '';
      cells.push(...sympyCells({ warm: s.warmMsPerBlock, ratio: s.ratio, dagger: s.generalPointOnly, sympyChars: s.sympyChars,
        oursChars: s.oursChars ?? r.printed.general.flat().reduce((a, b) => a + b.length, 0), form: s.form,
        status: statusText(s.status, s.reason, 44) + fails + where }));
    }
    lines.push(cells.join(' ') + (r.error ? `  matcalc error: ${cut(r.error, 60)}` : ''));
    if (withSympy && s && s.blocks.length > 1)
      for (const b of s.blocks)
        lines.push([`   H[${b.block}]`.padEnd(HEAD.join(' ').length),
          ...sympyCells({ warm: b.warmMs, ratio: null, dagger: false, sympyChars: b.sympyChars, oursChars: b.oursChars, form: b.form, status: statusText(b.status, b.reason, 56) })].join(' '));
  }
  return lines;
}

/** Times the Hessian battery, runs SymPy on it, prints the table and summary; returns the results.json section. */
export function benchHessians(benchStart: number): { summary: Record<string, unknown>; cases: HessianRow[] } {
  // one untimed pass first, so that JIT compilation is not billed to the first cases
  for (const c of HESSIANS)
    for (const check of [false, true]) try { runHessian({ ...input(c), check }); } catch { /* reported below */ }
  console.log(`\nmatcalc: timing ${HESSIANS.length} Hessian cases (runHessian: every block H[Wi, Wj], the bilinear form d²f and the HVPs; median of ${MIN_REPS}+ cold runs each)`);
  const rows = HESSIANS.map(timeMatcalc);
  console.log('SymPy: running sympy_diff.py on the Hessians (every block, f.diff(Wj).diff(Wi)) ...');
  // normally ~20–25 s; whatever came before, the whole bench must stay under 4 minutes
  const limit = Math.max(20_000, Math.min(100_000, 225_000 - (Date.now() - benchStart)));
  const sympy: SympyRun = runSympy(HESSIANS.map(({ name, f, decl, wrt }) => ({ name, f, decl, wrt, hessian: true })), limit);
  if (sympy.cases) attachSympy(rows, sympy.cases);

  const timed = rows.filter((r) => r.derive);
  const perCase = timed.map((r) => r.derive!.medianMs);
  const slowest = timed.reduce((a, r) => (r.derive!.medianMs > a.derive!.medianMs ? r : a), timed[0]);
  const checkFailures = timed.filter((r) => !r.checked!.passed).map((r) => r.name);
  const matcalcErrors = rows.filter((r) => r.error).map((r) => r.name);
  const summary: Record<string, unknown> = {
    cases: rows.length, blocks: rows.reduce((a, r) => a + r.blocks, 0), matcalcErrors, checkFailures,
    medianDeriveMsPerHessian: median(perCase),
    medianDeriveMsPerBlock: median(timed.map((r) => r.derive!.perBlockMs)),
    maxDeriveMsPerHessian: Math.max(...perCase), slowest: slowest?.name,
    medianCheckedMsPerHessian: median(timed.map((r) => r.checked!.medianMs)),
  };
  const out = ['', ...table(rows, !!sympy.cases)];
  if (rows.some((r) => r.derive?.cappedEarly || r.checked?.cappedEarly)) out.push('', `* fewer than ${MIN_REPS} repetitions (hard time cap)`);
  const general = rows.filter((r) => r.general);
  if (sympy.cases && general.length)
    out.push('', `† at/assume cases: SymPy cannot evaluate at an assumption, so its general-point Hessian is timed and checked, and compared with`,
      `  matcalc's general-point derive of the same f (no at/assume; the chars too): ` +
      general.map((r) => `${r.name} ${ms(r.general!.medianMs)} ms (${ms(r.general!.perBlockMs)}/block)`).join(', '));
  out.push('', 'Hessian summary',
    `  matcalc Hessian derive (no check): median ${ms(median(perCase))} ms per Hessian (all blocks + d²f + HVPs), ` +
      `${ms(summary.medianDeriveMsPerBlock as number)} ms per block, slowest ${ms(Math.max(...perCase))} ms (${slowest?.name})`,
    `  matcalc Hessian derive + numerical check: median ${ms(summary.medianCheckedMsPerHessian as number)} ms per Hessian; ` +
      `check passed on ${timed.length - checkFailures.length}/${rows.length}`);
  if (matcalcErrors.length) out.push(`  matcalc ERRORS: ${matcalcErrors.join('; ')}`);
  if (checkFailures.length) out.push(`  matcalc CHECK FAILED: ${checkFailures.join('; ')}`);

  if (sympy.cases) {
    const ratios = rows.flatMap((r) => r.sympy?.ratio ?? []);
    const coldRatios = rows.flatMap((r) => r.sympy?.coldRatio ?? []);
    const by = (st: Status) => rows.filter((r) => r.sympy?.status === st).map((r) => r.name);
    const allBlocks = rows.flatMap((r) => r.sympy?.blocks ?? []);
    const good = allBlocks.filter((b) => b.status === 'correct' && b.sympyChars !== undefined);
    const charRatios = good.map((b) => b.sympyChars! / b.oursChars);
    const arrays = good.filter((b) => b.form === 'array');
    const longer = rows.filter((r) => r.sympy?.blocks.some((b) => b.status === 'correct' && b.sympyChars! >= 2 * b.oursChars)).map((r) => r.name);
    const x = (v: number) => `${times(v)}×`;
    const [med, geo] = ratios.length ? [median(ratios), geomean(ratios)] : [NaN, NaN];
    Object.assign(summary, {
      sympyVersion: sympy.version, sympyCorrect: by('correct').length,
      sympyBlocks: allBlocks.length, sympyBlocksCorrect: good.length,
      medianSpeedRatio: med, geomeanSpeedRatio: geo, minSpeedRatio: Math.min(...ratios),
      medianSpeedRatioVsSympyCold: median(coldRatios), geomeanSpeedRatioVsSympyCold: geomean(coldRatios),
      sympyWrong: by('WRONG'), sympyFailed: by('failed'), sympyUnsupported: by('unsupported'),
      generalPointOnly: general.map((r) => r.name),
      readability: {
        blocksCompared: good.length, sympyChars: good.reduce((a, b) => a + b.sympyChars!, 0), oursChars: good.reduce((a, b) => a + b.oursChars, 0),
        medianCharRatio: median(charRatios), arrayFormBlocks: arrays.length, casesWithABlockAtLeast2xLonger: longer,
      },
    });
    const rd = summary.readability as { sympyChars: number; oursChars: number; medianCharRatio: number };
    out.push(`  SymPy ${sympy.version} got every block right on ${by('correct').length}/${rows.length} Hessians (${good.length}/${allBlocks.length} blocks); ` +
      `on those Hessians matcalc is faster per block by median ${x(med)}, geometric mean ${x(geo)}, least ${x(summary.minSpeedRatio as number)}`,
      '    (SymPy: warm median of f.diff(Wj).diff(Wi) per block, its cache kept; matcalc: cold runHessian (all blocks, d²f, HVPs, naming) ÷ blocks)',
      `    against SymPy's cold call (first after clear_cache(), one sample): median ${x(summary.medianSpeedRatioVsSympyCold as number)}, ` +
      `geometric mean ${x(summary.geomeanSpeedRatioVsSympyCold as number)}`,
      `  readability, on the ${good.length} blocks SymPy got right: SymPy prints ${rd.sympyChars} characters where matcalc prints ${rd.oursChars} ` +
      `(median ${x(rd.medianCharRatio)} per block); ${arrays.length} of them are array expressions (PermuteDims(ArrayTensorProduct(…), (3)(1 2)) …), not matrices`,
      `    a correct SymPy block at least 2× longer than matcalc's (${longer.length}): ${longer.join('; ') || '—'}`);
    for (const st of ['WRONG', 'failed', 'unsupported'] as const) out.push(`  SymPy ${st} (${by(st).length}): ${by(st).join('; ') || '—'}`);
  } else {
    out.push(`  SymPy skipped: ${sympy.skipped}`);
    summary.sympySkipped = sympy.skipped;
  }
  console.log(out.join('\n'));
  return { summary, cases: rows };
}
