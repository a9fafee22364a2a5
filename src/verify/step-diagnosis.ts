// Why a step of a proof is not equal to the line before: the slips people make between two lines of an
// appendix — a constant factor or a sign, a transpose, a term dropped, added or with its sign flipped —
// each tested numerically at random points (at concrete indices when the lines hold for any depth).
import { Expr, isOp, num } from '../expr/ast.js';
import { add, mul, T } from '../expr/build.js';
import { shapeEq, transposeShape } from '../expr/shape.js';
import { Evaluator } from '../numeric/evaluate.js';
import { axpy, dot, frob, Mat } from '../numeric/mat.js';
import { Rng, randomSizes, randomValue } from '../numeric/random.js';
import { assignRoots, atInstance, chooseInstances } from '../check/instances.js';
import { factorText, nice } from './diagnose.js';
import { toText } from '../render/print.js';
import type { SymNode } from '../expr/ast.js';

const CLOSE = 1e-6;

export function diagnoseStep(
  prev: Expr,
  cur: Expr,
  symbols: readonly SymNode[],
  dims: ReadonlySet<string>,
  opts: { seed?: number; assign?: readonly (readonly [string, Expr])[] } = {},
): string[] {
  const instances = chooseInstances([prev, cur, ...assignRoots(opts.assign)]);
  const at = instances[0]?.at ?? ((e: Expr) => e);
  const scope = instances.length ? atInstance(instances[0], [prev, cur], symbols) : { symbols, dims };
  const rng = new Rng(opts.seed ?? 3);
  const evaluators = [0, 1, 2].map(() => {
    const sizes = randomSizes(scope.dims, rng);
    const values = new Map<string, Mat>();
    for (const s of scope.symbols) values.set(s.name, randomValue(s, sizes, rng));
    for (const [name, e] of opts.assign ?? []) values.set(name, new Evaluator({ sizes, values }).eval(at(e)));
    return new Evaluator({ sizes, values });
  });
  const values = (e: Expr): Mat[] | undefined => {
    try {
      const vs = evaluators.map((ev) => ev.eval(at(e)));
      return vs.every((m) => m.data.every(Number.isFinite)) ? vs : undefined;
    } catch {
      return undefined;
    }
  };
  const p = values(prev), c = values(cur);
  if (!p || !c) return [];
  const scale = Math.max(...p.map(frob), ...c.map(frob), 1e-12);
  const close = (a: Mat[], b: Mat[]) => a.every((m, i) => m.rows === b[i].rows && m.cols === b[i].cols && frob(axpy(m, -1, b[i])) <= CLOSE * scale);
  const out: string[] = [];
  // a constant factor (or a sign)
  if (shapeEq(prev.shape, cur.shape)) {
    const pp = p.reduce((s, m) => s + dot(m, m), 0);
    const s = pp > 0 ? nice(c.reduce((acc, m, i) => acc + dot(m, p[i]), 0) / pp) : 0;
    if (s !== 0 && s !== 1 && close(c, p.map((m) => new Mat(m.rows, m.cols, m.data.map((x) => s * x)))))
      out.push(s === -1 ? 'sign: the line is minus the line before' : `factor: the line is ${factorText(s)} times the line before`);
  }
  // a transpose
  if (shapeEq(transposeShape(prev.shape), cur.shape)) {
    const t = values(T(prev));
    if (t && close(c, t) && !close(c, p)) out.push('transpose: the line is the transpose of the line before');
  }
  // a term dropped, added, or with its sign flipped
  const terms = (e: Expr) => (isOp(e, 'add') && e.args.length <= 8 ? e.args : []);
  for (const t of terms(prev)) {
    const missing = values(add(prev, mul(num(-1), t)));
    if (missing && close(c, missing)) out.push(`missing term: the line drops \`${toText(t)}\` of the line before`);
    const flipped = values(add(prev, mul(num(-2), t)));
    if (flipped && close(c, flipped)) out.push(`sign of a term: \`${toText(t)}\` of the line before has the opposite sign`);
  }
  for (const t of terms(cur)) {
    const without = values(add(cur, mul(num(-1), t)));
    if (without && close(without, p)) out.push(`extra term: \`${toText(t)}\` is not in the line before`);
  }
  return out;
}
