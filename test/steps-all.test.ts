// derive --steps for every derivative the engine computes: every gradient of the battery and every
// Hessian of the Hessian battery gets a step-by-step derivation in the differential style whose every
// equality holds at random points and random directions, whose steps cite rules of rules/, and whose
// last line is the engine's printed result; so do gradients of random well-typed expressions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runDerive, type RecordedDerivation } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { segments, type Derivation } from '../src/derivation/model.js';
import { ruleLibrary } from '../src/derivation/rule-reasons.js';
import { allRewrites } from '../src/rewrite/match.js';
import { simplify } from '../src/rewrite/simplify.js';
import { expandOne, pendingIn } from '../src/derivation/differential-steps.js';
import { verifyDerivation } from '../src/derivation/check.js';
import { parseExpression } from '../src/lang/parse.js';
import { toText } from '../src/render/print.js';
import { isOp, type Expr } from '../src/expr/ast.js';
import { fileURLToPath } from 'node:url';
import { verifyDocumentFile } from '../src/app/documents.js';
import { GRADIENTS } from './battery.js';
import { HESSIANS } from './hessians.js';
import { DECL, scalar } from './generators.js';

const RULES = ruleLibrary();

/** Every justified step names a rule of rules/; the only steps without one are the printed form and the point. */
function citesRules(d: Derivation): void {
  for (const seg of segments(d))
    for (const r of [seg.startReason, ...seg.steps.map((s) => s.reason)]) {
      if (!r) continue;
      if (r.rule) expect(RULES.has(r.rule), r.rule).toBe(true);
      else expect(r.says.text).toMatch(/^(simplifying \(the printed form\)|at the point |d²f = d\(df\)|\(HΔ\)_|∇_\w+ f (does not depend|is constant)|f does not depend|df is constant)/);
    }
}

const lastLine = (d: Derivation) => {
  const s = segments(d).at(-1)!;
  return s.steps.length ? s.steps.at(-1)!.expr : s.start;
};

describe('--steps differential: every gradient of the battery', () => {
  for (const c of GRADIENTS)
    it(c.name, () => {
      const out = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, steps: 'differential', check: false });
      out.derivations!.forEach((d: RecordedDerivation, i) => {
        expect(d.verdict.passed, `${d.variable.name}: ${JSON.stringify(d.verdict.steps)}`).toBe(true);
        expect(d.style).toBe('differential');
        citesRules(d.derivation);
        // the last line is the engine's printed gradient itself, not only equal to it
        expect(lastLine(d.derivation)).toBe(out.results[i].value);
      });
    });
});

describe('--hessian --steps: every Hessian of the Hessian battery', () => {
  for (const c of HESSIANS)
    it(c.name, () => {
      const out = runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, steps: true, check: false });
      const n = c.wrt.length;
      expect(out.derivations!.length).toBe((n * (n + 1)) / 2 + 1 + n);
      for (const d of out.derivations!) {
        expect(d.verdict.passed, `${d.title}: ${JSON.stringify(d.verdict.steps)}`).toBe(true);
        citesRules(d.derivation);
        expect(lastLine(d.derivation)).toBe(d.printed);
      }
      // the last lines are what the engine prints
      expect(out.derivations!.find((d) => d.result === 'bilinear form')!.printed).toBe(out.hessian.bilinear);
    });
});

describe('--steps differential on random well-typed expressions', () => {
  it('derives and checks every gradient step by step', () => {
    let derived = 0;
    fc.assert(
      fc.property(scalar(2).filter((f) => /X/.test(f)), (f) => {
        const out = runDerive({ expr: f, decl: DECL, wrt: ['X'], steps: 'differential', check: false });
        // X - (D + X): f does not depend on X after all, and every line is 0 up to rounding
        if (isOp(out.results[0].value, 'zeros')) return;
        const d = out.derivations![0];
        expect(d.verdict.passed, `${f}: ${JSON.stringify(d.verdict.steps)}`).toBe(true);
        expect(lastLine(d.derivation)).toBe(out.results[0].value);
        derived++;
      }),
      { numRuns: 60, seed: 13 },
    );
    expect(derived).toBeGreaterThan(50);
  });
});

/**
 * Bookkeeping a paper does silently around the rule it names: dX is the differential of X itself, and
 * constant factors and terms pass through d (d(AUB) = A dU B, d(U + C) = dU), as in "by the product rule".
 */
const BOOKKEEPING = ['d-variable', 'd-scalar-factor', 'd-scalar-factor-right', 'd-constant-factor', 'd-constant-factor-left', 'd-constant-factor-right', 'd-add-constant'].map((n) => RULES.get(n)!);
function normal(e: Expr): Expr {
  for (let guard = 0; guard < 50; guard++) {
    const r = BOOKKEEPING.map((b) => allRewrites(b, e, 1)[0]).find((x) => x);
    if (!r) break;
    e = r;
  }
  return simplify(e);
}

/** The rule, applied once at `site`, gives `expansion` (up to the bookkeeping above). */
function produces(ruleName: string, site: Expr, expansion: Expr): boolean {
  const target = normal(expansion);
  return allRewrites(RULES.get(ruleName)!, site, 50).some((r) => normal(r) === target);
}

describe('each differential step is produced by the rule it cites', () => {
  it('on the battery: every expansion of every step, site by site, by the matcher', () => {
    let checked = 0;
    const missed: string[] = [];
    for (const c of GRADIENTS) {
      const out = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, steps: 'differential', check: false });
      for (const d of out.derivations!) {
        const x = [d.variable];
        let prev = d.derivation.start;
        for (const s of d.derivation.steps) {
          const rule = s.reason?.rule;
          if (rule?.startsWith('d-'))
            for (const site of pendingIn(prev)) {
              const e = expandOne(site, x);
              if (e.rule !== rule) continue;
              checked++;
              if (!produces(rule, site, e.expr)) missed.push(`${c.name}: ${rule}: ${toText(site)} → ${toText(e.expr)}`);
            }
          prev = s.expr;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(missed).toEqual([]);
  });
});

describe('the checker does not trust the recorder', () => {
  it('a wrong line in a recorded derivation is caught where it is', () => {
    const out = runDerive({ expr: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: ['X'], steps: 'differential', check: false });
    const d = out.derivations![0].derivation;
    const k = 3;
    const wrong = parseExpression("tr(X'*A'*X)", { decls: out.decls });
    const bad: Derivation = { ...d, steps: d.steps.map((s, i) => (i === k ? { ...s, expr: wrong } : s)) };
    const v = verifyDerivation(bad, out.results[0].value, { symbols: [...out.decls.symbols.values()], dims: out.decls.dims });
    expect(v.passed).toBe(false);
    expect(v.firstFailure).toBe(k + 1);
  });
  it('a gradient that is not the one the differential identifies is caught at the ⇒', () => {
    const out = runDerive({ expr: "tr(A*X*B)", decl: 'A: p x m; X: m x n; B: n x p', wrt: ['X'], steps: 'differential', check: false });
    const d = out.derivations![0].derivation;
    const G = parseExpression("-A'*B'", { decls: out.decls }); // a sign lost
    const bad: Derivation = { ...d, then: { ...d.then!, start: G } };
    const v = verifyDerivation(bad, G, { symbols: [...out.decls.symbols.values()], dims: out.decls.dims });
    expect(v.passed).toBe(false);
  });
});

describe('--steps chooses the style', () => {
  it('vec for the seeds\' deep networks, differentials otherwise; --steps vec says where it stops', () => {
    const deep = runDerive({ expr: '0.5*norm(W3*W2*W1*X - Y)^2', decl: 'W1,W2,W3: d x d; X, Y: d x n', wrt: ['W2'], steps: true });
    expect(deep.derivations![0].style).toBe('vec');
    const ridge = runDerive({ expr: 'norm(X*w - y)^2 + a*norm(w)^2', decl: 'X: n x d; w: d; y: n; a: scalar', wrt: ['w'], steps: true });
    expect(ridge.derivations![0].style).toBe('differential');
    expect(ridge.derivations![0].verdict.passed).toBe(true);
    expect(() => runDerive({ expr: 'logdet(X)', decl: 'X: n x n', wrt: ['X'], steps: 'vec' })).toThrow(/no step-by-step derivation/);
  });
});

describe('documents cite the rules the steps record', () => {
  it('a proof in differentials (d-logdet-chain, d-variable, d-inverse-chain, trace-cyclic-inner, …) verifies, each rule producing its step', () => {
    const r = verifyDocumentFile(fileURLToPath(new URL('./fixtures/differential-rules.matcalc', import.meta.url)));
    expect(r.passed).toBe(true);
    const rules = r.results.flatMap((x) => ('lines' in x ? x.lines : [])).map((l) => l.rule);
    expect(rules.every((x) => !x || x.justified)).toBe(true);
    expect(rules.filter(Boolean).length).toBe(7);
  });
});
