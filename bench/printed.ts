// The printed-form part of `npm run bench`: how long the printed results of the gradient and Hessian
// batteries are (characters of the input-language text, before names are given), against the shortest
// equivalent form found by any of:
// - the presentation search with a much larger budget (more forms kept per node, more rewrites per node,
//   no limit on the nodes searched);
// - forms written by hand (test/shortest.ts, each checked numerically equal by test/author.test.ts).
// Also the canonical form (the canonical simplifier alone, the search turned off), for what the search gains.
import { runDerive } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { clearAuthorCache, DEFAULT_BUDGET, printedSize, setSearchBudget, type SearchBudget } from '../src/rewrite/author.js';
import { clearSimplifyCache } from '../src/rewrite/simplify.js';
import { GRADIENTS } from '../test/battery.js';
import { HESSIANS } from '../test/hessians.js';
import { SHORT_FORMS } from '../test/shortest.js';
import { median } from './common.js';

const OFF: SearchBudget = { ...DEFAULT_BUDGET, nodes: 0 };
const LARGE: SearchBudget = { classSize: 8, expansions: 40, nodes: 1e9 };

export interface PrintedRow {
  readonly kind: 'gradient' | 'hessian';
  readonly name: string;
  readonly canonical: number;
  readonly printed: number;
  /** the larger search's size */
  readonly large: number;
  /** the hand-written form's size, where there is one */
  readonly hand?: number;
  readonly shortest: number;
  readonly ratio: number;
}

function sizes(run: () => number): [number, number, number] {
  const out = [OFF, DEFAULT_BUDGET, LARGE].map((b) => {
    setSearchBudget(b);
    clearSimplifyCache();
    clearAuthorCache();
    return run();
  });
  setSearchBudget(DEFAULT_BUDGET);
  return out as [number, number, number];
}

export function printedRows(): PrintedRow[] {
  const rows: PrintedRow[] = [];
  const push = (kind: PrintedRow['kind'], name: string, [canonical, printed, large]: [number, number, number]) => {
    const short = SHORT_FORMS.find((s) => s.kind === kind && s.name === name);
    const hand = short && short.forms.reduce((n, f) => n + f.length, 0);
    const shortest = Math.min(printed, large, hand ?? Infinity);
    rows.push({ kind, name, canonical, printed, large, ...(hand === undefined ? {} : { hand }), shortest, ratio: printed / shortest });
  };
  for (const c of GRADIENTS)
    push('gradient', c.name, sizes(() => runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, check: false }).results.reduce((n, r) => n + printedSize(r.value), 0)));
  for (const c of HESSIANS)
    push('hessian', c.name, sizes(() => runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, check: false }).hessian.blocks.flat().reduce((n, b) => n + printedSize(b), 0)));
  return rows;
}

export function benchPrinted(): { rows: PrintedRow[]; medianRatio: number; worstRatio: number; worst: PrintedRow[]; lines: string[] } {
  const rows = printedRows();
  const ratios = rows.map((r) => r.ratio);
  const worst = [...rows].sort((a, b) => b.ratio - a.ratio || b.printed - a.printed).slice(0, 10);
  const cell = (n: number | undefined, w: number) => (n === undefined ? '–' : String(n)).padStart(w);
  const lines = [
    `printed size (characters, before naming) on the gradient and Hessian batteries, ${rows.length} cases (${rows.filter((r) => r.hand !== undefined).length} with a hand-written form):`,
    `  printed/shortest: median ${median(ratios).toFixed(2)}, worst ${Math.max(...ratios).toFixed(2)}; canonical/printed: median ${median(rows.map((r) => r.canonical / r.printed)).toFixed(2)}, total ${rows.reduce((n, r) => n + r.canonical, 0)} → ${rows.reduce((n, r) => n + r.printed, 0)} characters`,
    '  the ten worst (canonical = without the presentation search, larger = the search with a larger budget, by hand = test/shortest.ts):',
    `  ${'case'.padEnd(40)} ${'canonical'.padStart(9)} ${'printed'.padStart(8)} ${'larger'.padStart(7)} ${'by hand'.padStart(8)} ${'ratio'.padStart(6)}`,
    ...worst.map((r) => `  ${`${r.kind === 'hessian' ? 'H: ' : ''}${r.name}`.slice(0, 40).padEnd(40)} ${cell(r.canonical, 9)} ${cell(r.printed, 8)} ${cell(r.large, 7)} ${cell(r.hand, 8)} ${r.ratio.toFixed(2).padStart(6)}`),
  ];
  return { rows, medianRatio: median(ratios), worstRatio: Math.max(...ratios), worst, lines };
}

if (import.meta.url === `file://${process.argv[1]}`) for (const l of benchPrinted().lines) console.log(l);
