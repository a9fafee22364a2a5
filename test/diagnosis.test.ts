// The mutation test of the mistake catalogue: every slip of every kind, made in every correct formula of
// the battery (test/mutations.ts) — claimed gradients, Jacobians, Hessians and Hessian forms, and steps
// of proofs — must be rejected and diagnosed as the slip that was made (or one that gives the same
// formula), and every finding must be exact: the two expressions it equates are re-checked at fresh
// random points. The confusion table per kind is docs/verify.md's.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Expr, SymNode } from '../src/expr/ast.js';
import { parseExpression } from '../src/lang/parse.js';
import { loadRules } from '../src/rewrite/rules.js';
import { ruleResults } from '../src/doc/check.js';
import { verifyChain } from '../src/check/equality.js';
import { verifyClaim } from '../src/verify/claim.js';
import { diagnoseStep } from '../src/verify/step-diagnosis.js';
import { comparable, type Finding } from '../src/verify/diagnose.js';
import { functionsWithDerivatives, MISTAKE_KINDS, type MistakeKind } from '../src/verify/catalogue.js';
import { Evaluator } from '../src/numeric/evaluate.js';
import { axpy, frob, Mat } from '../src/numeric/mat.js';
import { Rng } from '../src/numeric/random.js';
import { FUNCTIONS, forms, freshPoint, pairsOf, scopeOf, slipsOf, type Form, type Slip } from './mutations.js';

interface Outcome {
  readonly slip: Slip;
  readonly accepted: boolean;
  readonly findings: readonly Finding[];
  /** re-checks the findings' witnesses at fresh points: the ones that do not hold */
  readonly inexact: readonly string[];
}

const rules = loadRules();

/** Are the two sides of a finding equal at 3 fresh random points (compared as the diagnosis compares them)? */
function exact(w: readonly [Expr, Expr], symbols: readonly SymNode[], dims: ReadonlySet<string>, project: (m: Mat) => Mat, tolerance: number): boolean {
  const rng = new Rng(99);
  for (let p = 0; p < 3; p++) {
    let point = freshPoint(symbols, dims, rng);
    let a: Mat | undefined, b: Mat | undefined;
    for (let attempt = 0; attempt < 20 && !(a && b); attempt++) {
      try {
        const ev = new Evaluator(point);
        [a, b] = [ev.eval(w[0]), ev.eval(w[1])].map(project);
        if (![a, b].every((m) => m.data.every(Number.isFinite))) throw new Error('not finite');
      } catch {
        a = b = undefined;
        point = freshPoint(symbols, dims, rng, 'positive');
      }
    }
    if (!a || !b || a.rows !== b.rows || a.cols !== b.cols) return false;
    if (frob(axpy(a, -1, b)) > tolerance * Math.max(frob(a), frob(b), 1e-9)) return false;
  }
  return true;
}

function run(slip: Slip): Outcome {
  const form = slip.form;
  const decls = scopeOf(form);
  // the directions dX of a Hessian form get their values from freshPoint, not as symbols
  const symbols = [...decls.symbols.values()].filter((s) => !(form.claim?.kind === 'hessian-form' && s.name === 'd' + form.claim.wrt));
  if (form.claim) {
    const o = verifyClaim({ decl: form.decl, f: form.claim.f, wrt: form.claim.wrt, kind: form.claim.kind, claim: slip.text });
    const findings = o.diagnosis?.findings ?? [];
    const kind = form.claim.kind === 'grad' ? 'gradient' : 'vec-jacobian';
    const inexact = findings.filter((f) => !exact(f.witness, symbols, decls.dims, projector(o.variable, kind), 1e-6)).map((f) => f.sentence);
    return { slip, accepted: o.verified, findings, inexact };
  }
  const prev = parseExpression(form.step!.prev, { decls });
  const cur = parseExpression(slip.text, { decls });
  const rule = form.step!.rule ? rules.get(form.step!.rule) : undefined;
  const findings = diagnoseStep(prev, cur, symbols, decls.dims, rule ? { rule: rule.name, ruleResults: ruleResults([rule], prev, cur, rules) } : {});
  const inexact = findings.filter((f) => !exact(f.witness, symbols, decls.dims, (m) => m, 1e-5)).map((f) => f.sentence);
  return { slip, accepted: false, findings, inexact };
}

/** Symmetric variables: compare symmetric parts, as the diagnosis does (rows of the variable read off the value). */
function projector(v: SymNode, kind: 'gradient' | 'vec-jacobian'): (m: Mat) => Mat {
  return (m) => {
    const n = kind === 'gradient' ? m.rows : Math.round(Math.sqrt(m.rows));
    return comparable(v, kind, n)(m);
  };
}

const named = (f: Finding | undefined, slip: Slip) => !!f && f.kinds.some((k) => slip.equivalent.has(k));

interface Row {
  made: number;
  first: number;
  later: number;
  none: number;
  /** the first finding's kind when it is not the slip made (nor an equivalent one) */
  instead: Map<string, number>;
}

function table(outcomes: readonly Outcome[]): Map<MistakeKind, Row> {
  const rows = new Map<MistakeKind, Row>();
  for (const o of outcomes)
    for (const k of o.slip.kinds) {
      const r = rows.get(k) ?? { made: 0, first: 0, later: 0, none: 0, instead: new Map() };
      rows.set(k, r);
      r.made++;
      if (named(o.findings[0], o.slip)) r.first++;
      else if (o.findings.some((f) => named(f, o.slip))) r.later++;
      else r.none++;
      if (o.findings.length && !named(o.findings[0], o.slip)) {
        const first = o.findings[0].kinds.join(' + ');
        r.instead.set(first, (r.instead.get(first) ?? 0) + 1);
      }
    }
  return rows;
}

/** The confusion table: per kind of slip made, how often the diagnosis names it first, later, or not at all, and what it names first instead. */
function markdown(claims: Map<MistakeKind, Row>, steps: Map<MistakeKind, Row>): string {
  const instead = (r?: Row) => (r && r.instead.size ? [...r.instead].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ') : '');
  const cells = (r?: Row) => (r ? `${r.made} | ${r.first} | ${r.later} | ${r.none} | ${instead(r)}` : '0 | | | |');
  const lines = [
    '| slip made | claims | named first | named later | not named | named first instead | steps | named first | named later | not named | named first instead |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|',
  ];
  for (const k of MISTAKE_KINDS) lines.push(`| \`${k}\` | ${cells(claims.get(k))} | ${cells(steps.get(k))} |`);
  return lines.join('\n');
}

describe('the mutation test of the mistake catalogue', () => {
  const battery: Form[] = forms();
  const singles = battery.flatMap(slipsOf);
  const outcomes = singles.map(run);
  const claimOutcomes = outcomes.filter((o) => o.slip.form.claim);
  const stepOutcomes = outcomes.filter((o) => o.slip.form.step);

  it('the battery: claims of every kind and steps, a gradient through every elementwise function of the registry', () => {
    expect(new Set(battery.filter((f) => f.claim).map((f) => f.claim!.kind))).toEqual(new Set(['grad', 'vecgrad', 'jacobian', 'hessian', 'hessian-form']));
    expect(battery.filter((f) => f.step).length).toBeGreaterThanOrEqual(12);
    expect([...FUNCTIONS].sort()).toEqual([...functionsWithDerivatives()].sort());
    for (const g of FUNCTIONS) expect(battery.some((f) => f.claim?.f.includes(`${g}(W*x`))).toBe(true);
  });

  it('every correct formula of the battery is verified (claims) or equal to the line before (steps)', () => {
    const wrong = battery.filter((f) => {
      if (f.claim) return !verifyClaim({ decl: f.decl, f: f.claim.f, wrt: f.claim.wrt, kind: f.claim.kind, claim: f.correct }).verified;
      const decls = scopeOf(f);
      const [prev, cur] = [f.step!.prev, f.correct].map((t) => parseExpression(t, { decls }));
      return !verifyChain([prev, cur], { symbols: [...decls.symbols.values()], dims: decls.dims }).passed;
    });
    expect(wrong.map((f) => `${f.name}: ${f.correct}`)).toEqual([]);
  });

  it('makes every kind of slip the catalogue names, in claims and in steps', () => {
    expect(new Set(claimOutcomes.flatMap((o) => o.slip.kinds))).toEqual(new Set(MISTAKE_KINDS));
    expect(new Set(stepOutcomes.flatMap((o) => o.slip.kinds))).toEqual(new Set(MISTAKE_KINDS));
  });

  it('rejects every wrong claim and names the slip made', () => {
    const line = (o: Outcome) => `${o.slip.kinds[0]} in ${o.slip.form.name}: ${o.slip.form.correct} → ${o.slip.text} (diagnosed: ${o.findings.map((f) => f.kinds.join('+')).join(', ') || 'nothing'})`;
    expect(claimOutcomes.filter((o) => o.accepted).map(line)).toEqual([]);
    expect(outcomes.filter((o) => !o.findings.some((f) => named(f, o.slip))).map(line)).toEqual([]);
  });

  it('every finding is exact: what it equates is equal at fresh random points', () => {
    expect(outcomes.filter((o) => o.inexact.length).map((o) => `${o.slip.form.name}: ${o.slip.text}: ${o.inexact.join('; ')}`)).toEqual([]);
  });

  let doubles: Outcome[] | undefined;
  /** two slips of different kinds, two per formula (made once, for the two tests below) */
  const pairOutcomes = () => (doubles ??= ((rng) => battery.flatMap((f) => pairsOf(f, slipsOf(f), 2, rng)))(new Rng(5)).map(run));
  const namedTogether = (o: Outcome) => o.findings.some((f) => o.slip.kinds.every((k) => f.kinds.includes(k)) || f.kinds.every((k) => o.slip.equivalent.has(k)));

  it('two slips at once: none accepted, every finding exact, most named together', () => {
    const results = pairOutcomes();
    expect(results.filter((o) => o.inexact.length).map((o) => o.slip.text)).toEqual([]);
    expect(results.filter((o) => o.accepted).map((o) => o.slip.text)).toEqual([]);
    expect(results.filter(namedTogether).length).toBeGreaterThan(0.85 * results.length);
  });

  it("docs/verify.md shows this run's figures and confusion table", () => {
    const pairs = pairOutcomes();
    const summary =
      `Last run: ${battery.length} correct formulas (${battery.filter((f) => f.claim).length} claims, ${battery.filter((f) => f.step).length} steps); ` +
      `${outcomes.length} single slips (${claimOutcomes.length} in claims, ${stepOutcomes.length} in steps), every one named; ` +
      `${pairs.length} pairs of slips, ${pairs.filter(namedTogether).length} named together.`;
    const md = summary + '\n\n' + markdown(table(claimOutcomes), table(stepOutcomes));
    const doc = readFileSync(new URL('../docs/verify.md', import.meta.url), 'utf8');
    expect(doc, md).toContain(md);
  });
});
