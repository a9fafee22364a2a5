// The numeric meaning of every operator: how to compute its value at a point from its arguments' values.
// The checking kernel owns this table and reads nothing else about an operator. Operator modules
// (src/ops/) fill it when they register; the derivative operators grad, jac, diff and hess are the
// kernel's own (differences.ts). The operators import the kernel, never the reverse.
import type { Expr, OpNode } from '../expr/ast.js';
import type { Dim } from '../expr/dim.js';
import type { Mat } from './mat.js';

export interface EvalContext {
  size(d: Dim): number;
  /** record how far an argument is from a kink or a domain boundary (relu at 0, log at 0), to sample away from it */
  kink(distance: number): void;
}

/** A point the evaluator can move: what derivative operators need, to difference their argument. */
export interface PointContext extends EvalContext {
  valueOf(name: string): Mat;
  /** the same point with one symbol changed */
  with(name: string, value: Mat): PointContext;
  eval(e: Expr): Mat;
  /** record the estimated relative error of a finite difference computed at this point (likely, and at most) */
  inexact(relativeError: number, bound?: number): void;
}

export type Meaning = (node: OpNode, args: Mat[], ctx: EvalContext) => Mat;

const meanings = new Map<string, Meaning>();

export function defineMeaning(op: string, meaning: Meaning): void {
  if (meanings.has(op)) throw new Error(`the numeric meaning of ${op} is defined twice`);
  meanings.set(op, meaning);
}

export function meaningOf(op: string): Meaning {
  const m = meanings.get(op);
  if (!m) throw new Error(`no numeric meaning for the operator ${op} (is src/ops/index.ts imported?)`);
  return m;
}
