// The operator table. Each operator lives in one module of src/ops/ that registers an OpDef: its shape
// rule, differential, adjoint (for identification), evaluation, printing and local simplification.
import type { Attrs, Expr, OpNode, SymNode } from '../expr/ast.js';
import type { Dim } from '../expr/dim.js';
import type { Shape } from '../expr/shape.js';
import type { Mat } from '../numeric/mat.js';

/** Printer callbacks: print a child, parenthesised when its precedence is below `min`. */
export interface Printer {
  (e: Expr, min?: number): string;
}

export interface EvalContext {
  size(d: Dim): number;
  /** record an argument of a non-smooth function, to keep samples away from kinks */
  kink(distance: number): void;
}

/** A point the evaluator can move: what derivative operators (grad, jac, diff, hess) need to difference their argument. */
export interface PointContext extends EvalContext {
  /** the value of a symbol at this point */
  valueOf(name: string): Mat;
  /** the same point with one symbol changed */
  with(name: string, value: Mat): PointContext;
  eval(e: Expr): Mat;
}

/** Code generation targets (src/codegen/). */
export type Target = 'numpy' | 'torch' | 'ts';

/**
 * What an operator's emitter may ask of the code generator. Values of scalar shape are numbers (a Python
 * float / 0-d tensor, a TS number); all others are 2-D arrays (NumPy arrays, float64 tensors, and in TS
 * column-major `{ rows, cols, data: Float64Array }`).
 */
export interface EmitContext {
  readonly target: Target;
  /** the array library in the Python targets: 'np' or 'torch' */
  readonly lib: string;
  /**
   * Code for a subexpression (usually an argument): a temporary, a variable, or inlined code, which is
   * parenthesised unless it binds at least as tightly as `min` (CODE_PREC; default 0: a call argument).
   */
  code(e: Expr, min?: number): string;
  /** code for the run-time value of a dimension (read from the inputs' shapes) */
  dim(d: Dim): string;
  /** a numeric literal of the target language */
  num(v: number): string;
  /** name of a run-time helper the module must define (src/codegen/runtime-ts.ts; numpy.ts and torch.ts for Python) */
  helper(name: string): string;
}

/** How tightly code binds, for EmitContext.code: a + b, a * b (also @, /, unary -), a ** b, atoms. */
export const CODE_PREC = { add: 1, mul: 2, pow: 3, atom: 4 } as const;

/** Emit the code computing `node` (an expression of the target language, without a trailing newline). */
export type EmitFn = (node: OpNode, ctx: EmitContext) => string;

/** What a compiled kernel may ask of the compiler: concrete sizes. */
export interface KernelContext {
  rows(e: Expr): number;
  cols(e: Expr): number;
  size(d: Dim): number;
}

/**
 * An in-place kernel for the compiled evaluator (src/numeric/compile.ts): reads the values of `inputs`
 * (which need not be the node's arguments: a product reads A for an argument Aᵀ) and overwrites `out`.
 * With `alias`, the node is a view of inputs[alias] (same entries, new shape) and `run` is not called.
 */
export interface Kernel {
  readonly inputs: readonly Expr[];
  readonly alias?: number;
  run(out: Float64Array, ins: readonly Float64Array[], ctx: EvalContext): void;
}

export interface OpDef {
  readonly name: string;
  /** input-language spelling, when the user can write it */
  readonly precedence: number;
  /** when the input-language form binds differently from the LaTeX one (kron(A, B) vs A ⊗ B) */
  readonly textPrecedence?: number;
  shape(args: readonly Expr[], attrs: Attrs): Shape;
  /**
   * Magnus–Neudecker differential, given the differentials of the arguments (null means zero). `wrt` is
   * what the operators over index ranges need: which factor of W_l⋯W_1 is the variable W_k.
   */
  differential(node: OpNode, d: (e: Expr) => Expr | null, wrt: readonly SymNode[]): Expr | null;
  /**
   * For an operator linear in argument i: the U-adjoint, i.e. ⟨U, node⟩ = ⟨adjoint, args[i]⟩ when only
   * args[i] varies. Identification (df = tr(Gᵀ dX) ⇒ ∇f = G) walks these backwards.
   */
  adjoint?(node: OpNode, i: number, U: Expr): Expr;
  /** For an operator linear in argument i: the matrix M with vec(node) = M·vec(args[i]). */
  vecLinear?(node: OpNode, i: number): Expr;
  evaluate(node: OpNode, args: Mat[], ctx: EvalContext): Mat;
  text(node: OpNode, p: Printer): string;
  latex(node: OpNode, p: Printer): string;
  /** Local simplification with already simplified arguments; return the node itself when nothing applies. */
  simplify?(node: OpNode): Expr;
  /** Push a transpose into this node: return an expression equal to nodeᵀ, or undefined to keep (node)ᵀ. */
  transpose?(node: OpNode): Expr | undefined;
  /** Code emission, per target; a target without an entry cannot express the operator. */
  readonly emit?: Partial<Record<Target, EmitFn>>;
  /** An in-place kernel for the compiled evaluator; without one (or given undefined) it calls `evaluate`. */
  kernel?(node: OpNode, k: KernelContext): Kernel | undefined;
}

const registry = new Map<string, OpDef>();

export function register(def: OpDef): OpDef {
  if (registry.has(def.name)) throw new Error(`operator ${def.name} registered twice`);
  registry.set(def.name, def);
  return def;
}

export function opDef(name: string): OpDef {
  const d = registry.get(name);
  if (!d) throw new Error(`unknown operator ${name} (is src/ops/index.ts imported?)`);
  return d;
}

export function allOps(): OpDef[] {
  return [...registry.values()];
}

/** Precedences shared by the printers. */
export const PREC = { add: 1, mul: 2, neg: 2, hadamard: 2, kron: 2, pow: 5, postfix: 6, atom: 7 } as const;
