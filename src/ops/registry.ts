// The operator table. Each operator lives in one module of src/ops/ that registers an OpDef: its shape
// rule, differential, adjoint (for identification), evaluation, printing and local simplification.
import type { Attrs, Expr, OpNode } from '../expr/ast.js';
import type { Shape } from '../expr/shape.js';
import type { Mat } from '../numeric/mat.js';

/** Printer callbacks: print a child, parenthesised when its precedence is below `min`. */
export interface Printer {
  (e: Expr, min?: number): string;
}

export interface EvalContext {
  size(d: import('../expr/dim.js').Dim): number;
  /** record an argument of a non-smooth function, to keep samples away from kinks */
  kink(distance: number): void;
  /** the value of a symbol at this point (derivative operators difference their argument) */
  valueOf(name: string): Mat;
  /** the same point with one symbol changed */
  with(name: string, value: Mat): EvalContext;
  eval(e: Expr): Mat;
}

export interface OpDef {
  readonly name: string;
  /** input-language spelling, when the user can write it */
  readonly precedence: number;
  /** when the input-language form binds differently from the LaTeX one (kron(A, B) vs A ⊗ B) */
  readonly textPrecedence?: number;
  shape(args: readonly Expr[], attrs: Attrs): Shape;
  /** Magnus–Neudecker differential, given the differentials of the arguments (null means zero). */
  differential(node: OpNode, d: (e: Expr) => Expr | null): Expr | null;
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
