import type { Expr } from '../expr/ast.js';
import { ShapeError } from '../expr/errors.js';
import { shapeText } from '../expr/shape.js';
import { toText } from './print.js';

/** "operator: A has shape m×n but B has shape p×q; <what is needed>". */
export function shapeMismatch(opName: string, a: Expr, b: Expr, need: string): ShapeError {
  return new ShapeError(
    `shape mismatch in ${opName}: ${toText(a)} is ${shapeText(a.shape)} but ${toText(b)} is ${shapeText(b.shape)}; ${need}`,
  );
}

export function needShape(opName: string, a: Expr, need: string): ShapeError {
  return new ShapeError(`shape mismatch in ${opName}: ${toText(a)} is ${shapeText(a.shape)}; ${need}`);
}

export function arity(opName: string, args: readonly Expr[], n: number): void {
  if (args.length !== n) throw new ShapeError(`${opName} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}
