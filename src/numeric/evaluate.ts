// Evaluate an expression DAG at a point: every node once (memoised), float64, column-major, each operator
// by its numeric meaning (meanings.ts).
import type { Expr } from '../expr/ast.js';
import { Dim, dimValue } from '../expr/dim.js';
import { Mat } from './mat.js';
import { meaningOf, type PointContext } from './meanings.js';
import './differences.js'; // the meanings of grad, jac, diff and hess

export interface Point {
  /** a size for every dimension symbol */
  readonly sizes: ReadonlyMap<string, number>;
  /** a value for every symbol; differentials dX are looked up as "dX" */
  readonly values: ReadonlyMap<string, Mat>;
}

export class Evaluator implements PointContext {
  private memo = new Map<Expr, Mat>();
  /** the smallest distance of any argument of a non-smooth or partial function from its kink or boundary */
  kinkDistance = Infinity;
  /** the largest relative error estimated for a finite difference computed here (derivative operators): likely, and at most */
  uncertainty = 0;
  uncertaintyBound = 0;

  /**
   * The point this one was made from by changing one symbol (`with`): whatever does not depend on that
   * symbol is evaluated there and shared, so the many perturbed points of a finite difference re-evaluate
   * only what the perturbation reaches.
   */
  private base?: { readonly parent: Evaluator; readonly changed: string };

  constructor(readonly point: Point) {}

  size(d: Dim): number {
    return dimValue(d, this.point.sizes);
  }

  kink(distance: number): void {
    if (distance < this.kinkDistance) this.kinkDistance = distance;
  }

  inexact(relativeError: number, bound = relativeError): void {
    this.uncertainty = Math.max(this.uncertainty, relativeError);
    this.uncertaintyBound = Math.max(this.uncertaintyBound, bound);
    this.base?.parent.inexact(relativeError, bound);
  }

  valueOf(name: string): Mat {
    const v = this.point.values.get(name);
    if (!v) throw new Error(`no value for ${name}`);
    return v;
  }

  with(name: string, value: Mat): Evaluator {
    const values = new Map(this.point.values);
    values.set(name, value);
    const child = new Evaluator({ sizes: this.point.sizes, values });
    child.base = { parent: this, changed: name };
    return child;
  }

  eval(e: Expr): Mat {
    const hit = this.memo.get(e);
    if (hit) return hit;
    if (this.base && !e.hasDelta && !e.vars.has(this.base.changed) && e.kind === 'op') return this.base.parent.eval(e);
    let v: Mat;
    if (e.kind === 'num') v = Mat.scalar(e.value);
    else if (e.kind === 'sym') v = this.valueOf(e.delta ? 'd' + e.name : e.name);
    else v = meaningOf(e.op)(e, e.args.map((a) => this.eval(a)), this);
    this.memo.set(e, v);
    return v;
  }
}

export function evaluate(e: Expr, point: Point): Mat {
  return new Evaluator(point).eval(e);
}
