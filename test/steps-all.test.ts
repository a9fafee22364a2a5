// derive --steps for every derivative the engine computes: every gradient of the battery and every
// Hessian of the Hessian battery gets a step-by-step derivation in the differential style whose every
// equality holds at random points and random directions, whose steps cite rules of rules/, and whose
// last line is the engine's printed result; so do gradients of random well-typed expressions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runDerive, type RecordedDerivation } from '../src/app/derive.js';
import { runHessian } from '../src/app/hessian.js';
import { segments, type Derivation, type RuleApplication } from '../src/derivation/model.js';
import { ruleLibrary } from '../src/derivation/rule-reasons.js';
import { allRewrites } from '../src/rewrite/match.js';
import { simplify } from '../src/rewrite/simplify.js';
import { isLinearRule, LINEARITY } from '../src/derivation/differential-steps.js';
import { movesOf, placeholders, rewritesOf } from '../src/derivation/printed-steps.js';
import { expand } from '../src/rewrite/expand.js';
import { instancesIn } from '../src/rewrite/rules.js';
import { verifyDerivation } from '../src/derivation/check.js';
import { parseExpression } from '../src/lang/parse.js';
import { toText } from '../src/render/print.js';
import { isOp, isScalar, mapDag, num, op, substitute, type Expr, type SymNode } from '../src/expr/ast.js';
import { mul, zeros } from '../src/expr/build.js';
import { isOne } from '../src/expr/dim.js';
import { compareStructural } from '../src/expr/order.js';
import { fileURLToPath } from 'node:url';
import { verifyDocumentFile } from '../src/app/documents.js';
import { GRADIENTS } from './battery.js';
import { HESSIANS } from './hessians.js';
import { DECL, scalar } from './generators.js';

const RULES = ruleLibrary();

/** Every justified step names rules of rules/, and so does every link between its quantities. */
function citesRules(d: Derivation, name: string): void {
  for (const seg of segments(d))
    for (const r of [seg.startReason, ...seg.steps.map((s) => s.reason)]) {
      if (!r) continue;
      for (const x of [r, ...(r.with ?? [])]) expect(x.rule && RULES.has(x.rule), `${name}: ${x.says.text} cites no rule of rules/`).toBe(true);
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
        citesRules(d.derivation, c.name);
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
        citesRules(d.derivation, `${c.name}: ${d.title}`);
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
const BOOKKEEPING = ['d-variable', 'd-constant', 'd-scalar-factor', 'd-scalar-factor-right', 'd-constant-factor', 'd-constant-factor-left', 'd-constant-factor-right', 'd-add-constant', 'vec-scalar', 'unvec-scalar'].map((n) => RULES.get(n)!);
function normal(e: Expr): Expr {
  for (let guard = 0; guard < 50; guard++) {
    const r = BOOKKEEPING.map((b) => allRewrites(b, e, 1)[0]).find((x) => x);
    if (!r) break;
    e = r;
  }
  // up to multilinearity too: a rule applied to one term of c·(a + b) leaves c·a + c·b to the reader
  return scalarRuns(expand(e) ?? simplify(e));
}

/**
 * Products with their 1×1 runs as scalar factors, numbers and scalars first in a fixed order: xᵀAx·x and
 * (xᵀAx)x are one product (the canonical simplifier keeps whichever it was given).
 */
function scalarRuns(e: Expr): Expr {
  return mapDag(e, (_o, r) => {
    if (!isOp(r, 'mul')) return r;
    const flat: Expr[] = [];
    const walk = (x: Expr): void => void (isOp(x, 'mul') ? x.args.forEach(walk) : flat.push(x));
    walk(r);
    const scalars: Expr[] = [], chain: Expr[] = [];
    for (let i = 0; i < flat.length; i++) {
      if (isScalar(flat[i])) {
        scalars.push(flat[i]);
        continue;
      }
      // a row times … times a column is a scalar
      const j = isOne(flat[i].shape.rows) ? flat.findIndex((x, k) => k > i && isOne(x.shape.cols)) : -1;
      if (j > i) {
        scalars.push(op('mul', flat.slice(i, j + 1)));
        i = j;
      } else chain.push(flat[i]);
    }
    if (!scalars.length) return r;
    scalars.sort((a, b) => (a.kind === 'num' ? -1 : b.kind === 'num' ? 1 : compareStructural(a, b)));
    const args = [...scalars, ...chain];
    return args.length === 1 ? args[0] : op('mul', args);
  });
}

/**
 * The rule, applied at one place of `before` — or a few times, for a sum of several terms (⟨A, X⟩ +
 * ⟨B, X⟩ + ⟨C, X⟩) — gives `after` up to the bookkeeping above. The differentials are plain matrices
 * for the matcher (a rule's variables bind no expression that contains one).
 */
function produces(a: RuleApplication): boolean {
  if (a.rule === 'at-point') return true; // the point's equation itself: the chain is checked at points that satisfy it
  const { plain } = placeholders([a.before, a.after]);
  const [before, after] = [a.before, a.after].map((e) => scalarsFirst(substitute(e, plain)));
  // a differential in several directions at once (d in dW1 and dW2): each direction on its own, the others 0
  const directions = [...plain.values()] as SymNode[];
  if (directions.length > 1 && hasTotalDifferential(before))
    return directions.every((v) => {
      const [b, af] = [before, after].map((e) => along(e, v, directions));
      return !hasTotalDifferential(b) || producesOne(a, b, af);
    });
  return producesOne(a, before, after);
}

const hasTotalDifferential = (e: Expr): boolean => e.kind === 'op' && (e.op === 'diff' || e.args.some(hasTotalDifferential));

/** e with every direction but v set to 0, and each d(·) taken along v only. */
function along(e: Expr, v: SymNode, directions: readonly SymNode[]): Expr {
  const zeroed = new Map<Expr, Expr>(directions.filter((w) => w !== v).map((w) => [w, zeros(w.shape.rows, w.shape.cols)]));
  return mapDag(substitute(e, zeroed), (_o, r) => {
    if (!isOp(r, 'diff')) return r;
    const pairs: Expr[] = [];
    for (let i = 1; i + 1 < r.args.length; i += 2) if (!isOp(r.args[i + 1], 'zeros')) pairs.push(r.args[i], r.args[i + 1]);
    return pairs.length ? op('diff', [r.args[0], ...pairs]) : zeros(r.shape.rows, r.shape.cols);
  });
}

function producesOne(a: RuleApplication, before: Expr, after: Expr): boolean {
  const target = normal(after);
  const moves = instancesIn(RULES.get(a.rule)!, before).flatMap((r) => movesOf(r, [a.reversed ?? false]));
  let frontier = [before];
  for (let round = 0; round < 4 && frontier.length; round++) {
    const next: Expr[] = [];
    for (const e of frontier)
      for (const m of moves)
        for (const r of rewritesOf(m, e, undefined, 200)) {
          if (normal(r.result) === target) return true;
          next.push(r.result);
        }
    frontier = next.slice(0, 100);
  }
  return false;
}

/** Scalar factors commute: in a product of scalars, inner products, traces and differentials last (c·⟨A, X⟩, c·da). */
function scalarsFirst(e: Expr): Expr {
  // among scalars: inner products and traces, then differentials, last; a matrix product: its scalars first
  const rank = (a: Expr) => (a.kind === 'sym' && a.name.endsWith('#') ? 2 : isOp(a, 'inner') || isOp(a, 'tr') ? 1 : 0);
  return mapDag(e, (_o, r) => {
    if (!isOp(r, 'mul')) return r;
    const args = r.args.every(isScalar) ? [0, 1, 2].flatMap((k) => r.args.filter((a) => rank(a) === k)) : [...r.args.filter(isScalar), ...r.args.filter((a) => !isScalar(a))];
    return args.every((a, i) => a === r.args[i]) ? r : op('mul', args);
  });
}

/** Every rule application the steps of a derivation record, with the step's label. */
function applications(d: Derivation): { rule: string; a: RuleApplication }[] {
  return segments(d).flatMap((seg) => seg.steps.flatMap((s) => (s.rewrites ?? []).map((a) => ({ rule: s.reason?.rule ?? '', a }))));
}

describe('each step is made of applications of the rules it cites, each reproduced by the matcher', () => {
  const check = (name: string, d: Derivation, missed: string[], cited: (s: Derivation) => void) => {
    cited(d);
    let n = 0;
    for (const { a } of applications(d)) {
      n++;
      if (!produces(a)) missed.push(`${name}: ${a.rule}${a.reversed ? ' (read backwards)' : ''}: ${toText(a.before)} → ${toText(a.after)}`);
    }
    return n;
  };
  const citesEach = (d: Derivation) => {
    // a step's reason names every rule it applies (linearity as d-linearity)
    for (const seg of segments(d))
      for (const s of seg.steps) {
        const named = new Set([s.reason?.rule, ...(s.reason?.with ?? []).map((w) => w.rule)]);
        for (const a of s.rewrites ?? []) expect(named.has(a.rule) || (isLinearRule(a.rule) && named.has(LINEARITY)), `${a.rule} in a step citing ${[...named].join(', ')}`).toBe(true);
      }
  };
  it('on the gradient battery: unfolding, identification and the printed form', () => {
    const missed: string[] = [];
    let checked = 0;
    for (const c of GRADIENTS) {
      const out = runDerive({ expr: c.f, decl: c.decl, wrt: c.wrt, steps: 'differential', check: false });
      for (const d of out.derivations!) checked += check(c.name, d.derivation, missed, citesEach);
    }
    expect(checked).toBeGreaterThan(400);
    expect(missed).toEqual([]);
  }, 180_000);
  it('on the Hessian battery: every block, d²f and every HVP', () => {
    const missed: string[] = [];
    let checked = 0;
    for (const c of HESSIANS) {
      const out = runHessian({ expr: c.f, decl: c.decl, wrt: c.wrt, at: c.at, assume: c.assume, steps: true, check: false });
      for (const d of out.derivations!) checked += check(`${c.name} ${d.title}`, d.derivation, missed, citesEach);
    }
    expect(checked).toBeGreaterThan(800);
    expect(missed).toEqual([]);
  }, 180_000); // ~45 s alone, longer under load
});

describe('the checker does not trust the recorder', () => {
  it('a wrong line in a recorded derivation is caught where it is', () => {
    const out = runDerive({ expr: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: ['X'], steps: 'differential', check: false });
    const d = out.derivations![0].derivation;
    const k = 0;
    const wrong = mul(num(2), d.steps[k].expr); // a factor 2 slipped in
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
