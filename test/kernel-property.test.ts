// Property: the kernel's verdicts are never wrong. Random well-typed functions that use the
// domain-restricted functions (log, sqrt, inv, logdet, det, ./, .^(-1/2)), their true gradients (the
// engine's) and six kinds of mutants of them — a transpose, a factor 2 or ½, a sign, two factors
// swapped, a term dropped, inv(A) for inv(A') — are judged by the kernel, half as derivative claims
// (src/check/derivative.ts, what derive and verify run), half as document claims grad(f, X) = G
// (src/check/equality.ts). The true gradient must never be refuted; a mutant that differs from it must
// never be accepted, and its refutation must come with a finite counterexample. Whether a mutant differs
// is decided by evaluating it and the truth exactly (no differences) at points of the domain.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSymmetricSymbol, num, op, type Expr } from '../src/expr/ast.js';
import { add, mul, T } from '../src/expr/build.js';
import { positions, replaceAt } from '../src/expr/paths.js';
import { isScalarShape, isSquare } from '../src/expr/shape.js';
import { derivative } from '../src/expr/build.js';
import { runDerive } from '../src/app/derive.js';
import { checkScope } from '../src/lang/decl.js';
import { checkDerivative } from '../src/check/derivative.js';
import { checkEquation } from '../src/check/equality.js';
import { samplePoints, Unchecked } from '../src/check/sample.js';
import type { Judgement } from '../src/check/verdict.js';
import { axpy, frob } from '../src/numeric/mat.js';
import { matrix } from './generators.js';

const DECL = 'X: m x n; A: m x m; B: n x n; C: n x m; D: m x n; S: m x m spd; x: n; a: scalar; m >= n';

/** Scalar functions of X with a restricted domain; M is m×n, N is n×n, both random (test/generators.ts). */
function domainFunction(): fc.Arbitrary<string> {
  const M = matrix('mn', 1), N = matrix('nn', 1);
  const restricted = fc.oneof(
    M.map((p) => `sum(log(${p}))`),
    M.map((p) => `sum(sqrt(${p}))`),
    M.map((p) => `sum((${p}).^(-1/2))`),
    M.map((p) => `sum(D ./ (${p}))`),
    fc.constantFrom("logdet(X'*X)", "logdet(X'*S*X)", "det(X'*X)", "det(X'*S*X)", "tr(inv(X'*X)*B)", "x'*inv(X'*S*X)*x"),
    fc.constantFrom("logdet(X'*A*X)", "tr(inv(X'*A*X)*B)", "x'*inv(B + X'*D)*x", "det(B + X'*D)"),
    N.map((p) => `logdet(${p})`),
    N.map((p) => `det(${p})`),
    N.map((p) => `x'*inv(${p})*x`),
    fc.tuple(N, M).map(([p, q]) => `sum(inv(${p})*C*(${q}))`),
  );
  const smooth = fc.constantFrom('', ' + 0.5*norm(X - D)^2', ' + sum(tanh(A*X))', " - 2*tr(C*X)", ' + a*sum(sin(X))');
  return fc.tuple(restricted, smooth).map(([r, s]) => r + s).filter((f) => f.includes('X'));
}

type Kind = 'transpose' | 'factor' | 'sign' | 'order' | 'dropped' | 'inverse';

function attempt(build: () => Expr): Expr | undefined {
  try {
    return build();
  } catch {
    return undefined; // ill-typed: not a mutant
  }
}

/** Mutants of the true gradient G, each with its kind (the first 4 sites of each kind). */
function mutants(G: Expr): { kind: Kind; expr: Expr }[] {
  const out: { kind: Kind; expr: Expr }[] = [];
  const push = (kind: Kind, e: Expr | undefined) => {
    if (e && e !== G && e.shape.rows === G.shape.rows && e.shape.cols === G.shape.cols && out.filter((m) => m.kind === kind).length < 4) out.push({ kind, expr: e });
  };
  push('factor', mul(num(2), G));
  push('factor', mul(num(0.5), G));
  push('sign', mul(num(-1), G));
  for (const { path, node } of positions(G, 400)) {
    if (path.length && !isScalarShape(node.shape) && isSquare(node.shape) && !isSymmetricSymbol(node) && node.kind !== 'num')
      push('transpose', attempt(() => replaceAt(G, path, T(node))));
    if (node.kind !== 'op') continue;
    if (node.op === 'add' && node.args.length >= 2)
      node.args.forEach((_, i) => push('dropped', attempt(() => replaceAt(G, path, add(...node.args.filter((__, j) => j !== i))))));
    if (node.op === 'mul')
      for (let i = 0; i + 1 < node.args.length; i++) {
        if (isScalarShape(node.args[i].shape) || isScalarShape(node.args[i + 1].shape)) continue; // scalars commute
        const swapped = [...node.args];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
        push('order', attempt(() => replaceAt(G, path, mul(...swapped))));
      }
    if (node.op === 'inv') push('inverse', attempt(() => replaceAt(G, path, op('inv', [T(node.args[0])]))));
  }
  return out;
}

/** The domain-restricted functions, as they appear in the text of f. */
const RESTRICTED: Record<string, RegExp> = {
  log: /\blog\(/, sqrt: /\bsqrt\(/, inv: /\binv\(/, logdet: /\blogdet\(/, det: /\bdet\(/, './': /\.\//, '.^(-1/2)': /\.\^\(-1\/2\)/,
};

interface Tally {
  cases: number;
  /** per restricted function: the functions f that use it, and the mutants refuted among their gradients' */
  byFunction: Record<string, { functions: number; refuted: number }>;
  truths: { holds: number; unchecked: number };
  mutants: Record<Kind, { refuted: number; unchecked: number; equivalent: number; ambiguous: number }>;
  wrong: string[];
}

describe('the kernel on random functions with restricted domains', () => {
  it('verifies every true gradient and refutes every mutant that differs, with a finite counterexample', () => {
    const kinds: Kind[] = ['transpose', 'factor', 'sign', 'order', 'dropped', 'inverse'];
    const tally: Tally = { cases: 0, byFunction: Object.fromEntries(Object.keys(RESTRICTED).map((k) => [k, { functions: 0, refuted: 0 }])), truths: { holds: 0, unchecked: 0 }, mutants: Object.fromEntries(kinds.map((k) => [k, { refuted: 0, unchecked: 0, equivalent: 0, ambiguous: 0 }])) as Tally['mutants'], wrong: [] };
    let n = 0;
    fc.assert(
      fc.property(domainFunction(), (f) => {
        const out = runDerive({ expr: f, decl: DECL, wrt: ['X'], check: false });
        const scope = checkScope(out.decls);
        const X = out.wrt[0], G = out.results[0].value;
        let points;
        try {
          points = samplePoints(scope, [out.f, G], 3, 99);
        } catch (e) {
          if (e instanceof Unchecked) return true; // no domain found for the ground truth either: nothing to judge
          throw e;
        }
        const asDocument = n++ % 2 === 1;
        const judge = (claim: Expr): Judgement =>
          asDocument
            ? checkEquation(derivative('grad', [out.f, X]), claim, scope, { seed: n })
            : checkDerivative({ f: out.f, vars: [X], claims: new Map([[X.name, claim]]), kind: 'gradient', ...scope }, { seed: n });
        const uses = Object.keys(RESTRICTED).filter((k) => RESTRICTED[k].test(f));
        uses.forEach((k) => tally.byFunction[k].functions++);
        const truth = judge(G);
        tally.cases++;
        if (truth.status === 'fails') tally.wrong.push(`true gradient refuted: f = ${f}`);
        else tally.truths[truth.status === 'holds' ? 'holds' : 'unchecked']++;
        for (const m of mutants(G)) {
          // the ground truth: the mutant and G evaluated exactly at points of the domain
          const diffs = points.map((p) => {
            const a = p.at.eval(m.expr), b = p.at.eval(G);
            return frob(axpy(a, -1, b)) / Math.max(frob(a), frob(b), 1e-300);
          });
          const t = tally.mutants[m.kind];
          if (diffs.every((d) => d < 1e-9)) {
            t.equivalent++;
            continue;
          }
          if (!diffs.some((d) => d > 1e-3 && Number.isFinite(d))) {
            t.ambiguous++;
            continue;
          }
          const v = judge(m.expr);
          tally.cases++;
          if (v.status === 'holds') tally.wrong.push(`${m.kind} mutant accepted: f = ${f}`);
          else if (v.status === 'unchecked') t.unchecked++;
          else {
            const c = v.counterexample!;
            const finite = [c.left, c.right, ...c.values.values()].every((x) => x.data.every(Number.isFinite));
            if (!finite || frob(axpy(c.left, -1, c.right)) === 0) tally.wrong.push(`${m.kind} mutant refuted without a finite counterexample: f = ${f}`);
            else {
              t.refuted++;
              uses.forEach((k) => tally.byFunction[k].refuted++);
            }
          }
        }
        return true;
      }),
      { numRuns: 340, seed: 12 },
    );
    console.log(`kernel property: ${JSON.stringify(tally, null, 1)}`);
    expect(tally.wrong).toEqual([]);
    expect(tally.cases).toBeGreaterThanOrEqual(2000);
    expect(tally.truths.holds).toBeGreaterThanOrEqual(0.95 * (tally.truths.holds + tally.truths.unchecked));
    for (const k of kinds) expect(tally.mutants[k].refuted, k).toBeGreaterThanOrEqual(20);
    for (const [k, c] of Object.entries(tally.byFunction)) expect(Math.min(c.functions, c.refuted / 5), k).toBeGreaterThanOrEqual(20);
  });
});
