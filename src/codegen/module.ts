// What every target's module is made of: the functions (value, gradient, hessian, hvp), each lowered
// (src/codegen/lower.ts) and emitted (src/codegen/emit.ts) on its own, with the dimensions it needs read
// from the shapes of its arguments. The Hessian is optional: when it cannot be derived or expressed, the
// module says why instead of defining `hessian` and `hvp`.
import type { Expr, SymNode } from '../expr/ast.js';
import { isOne } from '../expr/dim.js';
import { InputError, UnsupportedError } from '../expr/errors.js';
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
  /** the Hessian (blocks[i][j] = ∇_{vec Wi}∇_{vec Wj} f; hvp in matrix form, in the differentials dW), or why there is none */
  readonly hessian: HessianSpec | { readonly skipped: string };
  /** the symbols f depends on, in declaration order: the arguments of every function */
  readonly params: readonly SymNode[];
  /** comment lines for the top of the module */
  readonly header: readonly string[];
  /** sizes for choosing the order of products */
  readonly sizes: SizeModel;
}

export interface HessianSpec {
  readonly blocks: readonly (readonly Expr[])[];
  /** (HΔ)_W for each W of wrt, in order, in the differentials dW (delta symbols) */
  readonly hvp: readonly Expr[];
}

export type TargetModule = (spec: ModuleSpec) => string;

export interface EmittedFunction {
  readonly name: string;
  /** hessian: the results are the blocks row by row (wrt.length² of them); hvp: one per wrt variable */
  readonly kind: 'value' | 'gradient' | 'hessian' | 'hvp';
  readonly doc: string;
  readonly body: Body;
  /** dimension symbol → code reading it from an argument's shape */
  readonly dims: readonly (readonly [string, string])[];
}

export interface Functions {
  readonly functions: readonly EmittedFunction[];
  /** why `hessian` and `hvp` are missing (a comment for the module), if they are */
  readonly skipped?: string;
}

/** The name of the direction argument for a variable in `hvp` (Python keyword, local name). */
export const directionName = (v: SymNode): string => 'd' + v.name;

/** A member of a family as an identifier of the target language: W[2] → W_2, A[2,3] → A_2_3. */
export const identifier = (name: string): string => name.replace(/\[(.*)\]$/, (_, i: string) => '_' + i.replace(/[^A-Za-z0-9]+/g, '_'));

/**
 * Lower and emit the module's functions. `local` maps a symbol name to a safe local name; `dimSource`
 * gives the code of the size of an argument along axis 0 (rows) or 1 (columns).
 */
export function buildFunctions(
  spec: ModuleSpec,
  lang: Language,
  local: (name: string) => string,
  dimSource: (s: SymNode, axis: 0 | 1) => string,
  /** how hvp's caller passes the directions, for its doc */
  directionArgs: (dirs: readonly string[]) => string,
): Functions {
  const taken = new Set<string>();
  for (const s of spec.params) taken.add(local(s.name));
  for (const s of spec.params) for (const d of [s.shape.rows, s.shape.cols]) d.syms.forEach((x) => taken.add(local(x)));
  for (const s of spec.wrt) taken.add(local(directionName(s)));
  // a differential dW is the hvp's direction argument for W
  const names = (s: SymNode) => local(s.delta ? directionName(s) : s.name);
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
  const vars = spec.wrt.map((v) => v.name).join(', ');
  const functions = [
    fn('value', 'value', `f(${args})`, [spec.f]),
    fn('gradient', 'gradient', `The gradients of f with respect to ${vars}, each shaped like its variable.`, spec.gradients),
  ];
  const h = spec.hessian;
  if ('skipped' in h) return { functions, skipped: h.skipped };
  const clash = spec.wrt.find((v) => spec.params.some((s) => s.name === directionName(v)));
  if (clash) return { functions, skipped: `the direction argument ${directionName(clash)} of hvp would be the argument of the same name` };
  try {
    const symmetric = spec.wrt.filter((v) => v.props.has('symmetric') || v.props.has('spd')).map((v) => v.name);
    const note = symmetric.length ? ` For the symmetric ${symmetric.join(', ')}, the blocks are the form on symmetric directions (as matcalc derive --hessian gives them).` : '';
    return {
      functions: [
        ...functions,
        fn('hessian', 'hessian', `The vec-Hessian of f with respect to ${vars} (column-major vec, in this order): block (i, j) is the derivative of vec of the j-th gradient with respect to vec of the i-th variable.${note}`, h.blocks.flat()),
        fn('hvp', 'hvp', `The Hessian-vector product in matrix form along the direction ${directionArgs(spec.wrt.map((v) => v.name))}: for each of ${vars}, the derivative of its gradient along the direction, shaped like it (hessian() times the stacked vec of the direction).`, h.hvp),
      ],
    };
  } catch (e) {
    if (e instanceof UnsupportedError) return { functions, skipped: `the Hessian cannot be written for this target: ${e.message}` };
    throw e;
  }
}
