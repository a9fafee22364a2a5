// Evaluate an expression DAG at a point: every node once (memoised), float64, column-major.
import type { Expr } from '../expr/ast.js';
import { Dim, dimValue } from '../expr/dim.js';
import { opDef, type PointContext } from '../ops/registry.js';
import { Mat } from './mat.js';

export interface Point {
  /** a size for every dimension symbol */
  readonly sizes: ReadonlyMap<string, number>;
  /** a value for every symbol; differentials dX are looked up as "dX" */
  readonly values: ReadonlyMap<string, Mat>;
}

export class Evaluator implements PointContext {
  private memo = new Map<Expr, Mat>();
  /** the smallest distance of any argument of a non-smooth function from its kink */
  kinkDistance = Infinity;

  constructor(readonly point: Point) {}

  size(d: Dim): number {
    return dimValue(d, this.point.sizes);
  }

  kink(distance: number): void {
    if (distance < this.kinkDistance) this.kinkDistance = distance;
  }

  valueOf(name: string): Mat {
    const v = this.point.values.get(name);
    if (!v) throw new Error(`no value for ${name}`);
    return v;
  }

  with(name: string, value: Mat): Evaluator {
    const values = new Map(this.point.values);
    values.set(name, value);
    return new Evaluator({ sizes: this.point.sizes, values });
  }

  eval(e: Expr): Mat {
    const hit = this.memo.get(e);
    if (hit) return hit;
    let v: Mat;
    if (e.kind === 'num') v = Mat.scalar(e.value);
    else if (e.kind === 'sym') {
      const key = e.delta ? 'd' + e.name : e.name;
      const x = this.point.values.get(key);
      if (!x) throw new Error(`no value for ${key}`);
      v = x;
    } else v = opDef(e.op).evaluate(e, e.args.map((a) => this.eval(a)), this);
    this.memo.set(e, v);
    return v;
  }
}

export function evaluate(e: Expr, point: Point): Mat {
  return new Evaluator(point).eval(e);
}
