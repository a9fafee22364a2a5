// What every target's module is made of: the functions (value, gradient; a Hessian will be one more
// entry of matrix shape), each lowered (src/codegen/lower.ts) and emitted (src/codegen/emit.ts) on its
// own, with the dimensions it needs read from the shapes of its arguments.
import type { Expr, SymNode } from '../expr/ast.js';
import { isOne } from '../expr/dim.js';
import { InputError } from '../expr/errors.js';
import type { Target } from '../ops/registry.js';
import { type Body, type Language, emitBody } from './emit.js';
import { associateProducts, type SizeModel } from './lower.js';

export interface ModuleSpec {
  readonly target: Target;
  /** the function (scalar for gradients) */
  readonly f: Expr;
  readonly wrt: readonly SymNode[];
  /** ∇_X f for each X of wrt, in order */
  readonly gradients: readonly Expr[];
  /** the symbols f depends on, in declaration order: the arguments of every function */
  readonly params: readonly SymNode[];
  /** comment lines for the top of the module */
  readonly header: readonly string[];
  /** sizes for choosing the order of products */
  readonly sizes: SizeModel;
}

export type TargetModule = (spec: ModuleSpec) => string;

export interface EmittedFunction {
  readonly name: string;
  readonly kind: 'value' | 'gradient';
  readonly doc: string;
  readonly body: Body;
  /** dimension symbol → code reading it from an argument's shape */
  readonly dims: readonly (readonly [string, string])[];
}

/**
 * Lower and emit the module's functions. `local` maps a symbol name to a safe local name; `dimSource`
 * gives the code of the size of an argument along axis 0 (rows) or 1 (columns).
 */
export function buildFunctions(
  spec: ModuleSpec,
  lang: Language,
  local: (name: string) => string,
  dimSource: (s: SymNode, axis: 0 | 1) => string,
): EmittedFunction[] {
  const taken = new Set<string>();
  for (const s of spec.params) taken.add(local(s.name));
  for (const s of spec.params) for (const d of [s.shape.rows, s.shape.cols]) d.syms.forEach((x) => taken.add(local(x)));
  const names = (s: SymNode) => {
    if (s.delta) throw new Error(`internal: a differential d${s.name} reached code generation`);
    return local(s.name);
  };
  const dimOf = (d: string): string => {
    for (const s of spec.params)
      for (const axis of [0, 1] as const) {
        const dim = axis === 0 ? s.shape.rows : s.shape.cols;
        if (dim.coef === 1 && dim.syms.length === 1 && dim.syms[0] === d && !isOne(dim)) return dimSource(s, axis);
      }
    throw new InputError(`the generated code cannot know the dimension ${d}: it is not the number of rows or columns of any argument`);
  };
  const fn = (name: string, kind: EmittedFunction['kind'], doc: string, roots: readonly Expr[]): EmittedFunction => {
    const body = emitBody(associateProducts(roots, spec.sizes), lang, names, taken);
    return { name, kind, doc, body, dims: [...body.dims].sort().map((d) => [d, dimOf(d)] as const) };
  };
  const args = spec.params.map((s) => s.name).join(', ');
  return [
    fn('value', 'value', `f(${args})`, [spec.f]),
    fn('gradient', 'gradient', `The gradients of f with respect to ${spec.wrt.map((v) => v.name).join(', ')}, each shaped like its variable.`, spec.gradients),
  ];
}
