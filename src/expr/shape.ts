import { type Dim, ONE, dimEq, dimText, isOne } from './dim.js';

/** Every value is a matrix; a scalar is 1×1 and a vector x: n is n×1. */
export interface Shape {
  readonly rows: Dim;
  readonly cols: Dim;
}

export const SCALAR: Shape = Object.freeze({ rows: ONE, cols: ONE });

export function shape(rows: Dim, cols: Dim): Shape {
  return isOne(rows) && isOne(cols) ? SCALAR : Object.freeze({ rows, cols });
}

export function isScalarShape(s: Shape): boolean {
  return isOne(s.rows) && isOne(s.cols);
}

export function isSquare(s: Shape): boolean {
  return dimEq(s.rows, s.cols);
}

export function shapeEq(a: Shape, b: Shape): boolean {
  return dimEq(a.rows, b.rows) && dimEq(a.cols, b.cols);
}

export function shapeText(s: Shape): string {
  if (isScalarShape(s)) return 'scalar';
  const d = (x: Dim) => (x.syms.length + (x.coef === 1 ? 0 : 1) > 1 ? `(${dimText(x)})` : dimText(x));
  return `${d(s.rows)}×${d(s.cols)}`;
}

export function transposeShape(s: Shape): Shape {
  return shape(s.cols, s.rows);
}
