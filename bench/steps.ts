// `derive --steps` over the batteries: how many gradients (test/battery.ts) and Hessians
// (test/hessians.ts) get a step-by-step derivation whose every line checks (goal: all), and how long
// recording and checking it takes (goal: median < 50 ms per gradient). The derivative's own numerical
// check is off (--no-check), so the time is the steps': recording, naming, and the chain's check. It
// also counts the justified steps that cite no rule of rules/ (goal: none).
import { runDerive, type StepsStyle } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { GRADIENTS } from '../test/battery.js';
import { HESSIANS } from '../test/hessians.js';
import { segments, type Derivation } from '../src/derivation/model.js';
import { ruleLibrary } from '../src/derivation/rule-reasons.js';
import { median, met, ms, timeCold } from './common.js';

const GOAL_MS = 50;

interface StepsRow {
  name: string;
  derivations: number;
  checked: number;
  style?: string;
  medianMs?: number;
  /** justified steps, and those whose reason (or a rule it adds) names no rule of rules/ */
  steps: number;
  uncited: number;
  error?: string;
}

function citations(ds: readonly { derivation: Derivation }[]): { steps: number; uncited: number } {
  const rules = ruleLibrary();
  let steps = 0, uncited = 0;
  for (const { derivation } of ds)
    for (const seg of segments(derivation))
      for (const r of [seg.startReason, ...seg.steps.map((s) => s.reason)]) {
        if (!r) continue;
        steps++;
        if ([r, ...(r.with ?? [])].some((x) => !x.rule || !rules.has(x.rule))) uncited++;
      }
  return { steps, uncited };
}

function gradientRow(c: (typeof GRADIENTS)[number], steps: true | StepsStyle): StepsRow {
  const input = { expr: c.f, decl: c.decl, wrt: c.wrt, check: false, steps };
  try {
    const out = runDerive(input);
    const ds = out.derivations ?? [];
    const t = timeCold(() => runDerive(input));
    return { name: c.name, derivations: ds.length, checked: ds.filter((d) => d.verdict.passed).length, style: [...new Set(ds.map((d) => d.style))].join('+'), medianMs: t.medianMs, ...citations(ds) };
  } catch (e) {
    return { name: c.name, derivations: 0, checked: 0, steps: 0, uncited: 0, error: (e as Error).message };
  }
}

function hessianRow(c: (typeof HESSIANS)[number]): StepsRow {
  const input = { expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, check: false, steps: true };
  try {
    const out = runHessian(input);
    const ds = out.derivations ?? [];
    const t = timeCold(() => runHessian(input));
    return { name: c.name, derivations: ds.length, checked: ds.filter((d) => d.verdict.passed).length, medianMs: t.medianMs, ...citations(ds) };
  } catch (e) {
    return { name: c.name, derivations: 0, checked: 0, steps: 0, uncited: 0, error: (e as Error).message };
  }
}

export function benchSteps(): object {
  const lines = ['', `derive --steps (chains recorded and checked; the derivative's own check off): ${GRADIENTS.length} gradient cases, ${HESSIANS.length} Hessian cases`];
  const summarise = (label: string, rows: StepsRow[], expected: (r: StepsRow, i: number) => number, goal: boolean) => {
    const all = rows.reduce((s, r, i) => s + expected(r, i), 0);
    const ok = rows.reduce((s, r) => s + r.checked, 0);
    const t = rows.flatMap((r) => r.medianMs ?? []);
    const failed = rows.filter((r, i) => r.error || r.checked < expected(r, i)).map((r) => r.name + (r.error ? ` (${r.error.slice(0, 80)})` : ''));
    lines.push(
      `  ${label}: ${ok}/${all} derivations checked step by step; median ${ms(median(t))} ms per case, slowest ${ms(Math.max(...t))} ms` +
        (goal ? ` — goals: all ${met(ok === all)}, < ${GOAL_MS} ms ${met(median(t) < GOAL_MS)}` : ` — goal: all ${met(ok === all)}`),
    );
    if (failed.length) lines.push(`    without checked steps: ${failed.join('; ')}`);
    const steps = rows.reduce((s, r) => s + r.steps, 0), uncited = rows.reduce((s, r) => s + r.uncited, 0);
    const uncitedIn = rows.filter((r) => r.uncited).map((r) => r.name);
    lines.push(`    ${steps} justified steps, ${uncited} citing no rule of rules/ — goal: none ${met(uncited === 0)}` + (uncitedIn.length ? ` (${uncitedIn.join('; ')})` : ''));
    return { derivations: all, checked: ok, medianMs: median(t), maxMs: Math.max(...t), failed, steps, uncited, uncitedIn, rows };
  };
  const vars = (i: number) => GRADIENTS[i].wrt.length;
  const byDefault = summarise('gradients, default style (vec where its rules apply, else differentials)', GRADIENTS.map((c) => gradientRow(c, true)), (_r, i) => vars(i), true);
  const differential = summarise('gradients, --steps differential', GRADIENTS.map((c) => gradientRow(c, 'differential')), (_r, i) => vars(i), true);
  const n = (i: number) => HESSIANS[i].wrt.length;
  const hessians = summarise('Hessians (d²f, every block, every HVP)', HESSIANS.map(hessianRow), (_r, i) => (n(i) * (n(i) + 1)) / 2 + 1 + n(i), false);
  console.log(lines.join('\n'));
  return { goalMs: GOAL_MS, byDefault, differential, hessians };
}
