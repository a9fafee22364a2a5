// The operator table. Each operator lives in one module of src/ops/ that registers an OpDef: its shape
// rule, differential, adjoint (for identification), evaluation, printing and local simplification.
import { defineShapeRule, type Attrs, type Expr, type OpNode, type SymNode } from '../expr/ast.js';
import type { Dim } from '../expr/dim.js';
import type { Shape } from '../expr/shape.js';
import type { Mat } from '../numeric/mat.js';
import { defineMeaning, type EvalContext, type PointContext } from '../numeric/meanings.js';

export type { EvalContext, PointContext };

/** Printer callbacks: print a child, parenthesised when its precedence is below `min`. */
export interface Printer {
  (e: Expr, min?: number): string;
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
 * An in-place kernel for the compiled evaluator (src/codegen/compile.ts): reads the values of `inputs`
 * (which need not be the node's arguments: a product reads A for an argument Aᵀ) and overwrites `out`.
 * With `alias`, the node is a view of inputs[alias] (same entries, new shape) and `run` is not called.
 */
export interface Kernel {
  readonly inputs: readonly Expr[];
  readonly alias?: number;
  run(out: Float64Array, ins: readonly Float64Array[], ctx: EvalContext): void;
}

/** Kinds of arguments of a function of the input language: `dim` and `number` are read from the source text. */
export type ArgKind = 'expr' | 'dim' | 'number' | 'string';

/** A row of docs/language.md's table of functions (generated from the registry: npm run docs). */
export interface FunctionDoc {
  /** how it is written, e.g. `softmax(A)` */
  readonly usage: string;
  readonly meaning: string;
  /** what the arguments must be (the main table's third column) */
  readonly rules?: string;
  /** how it prints in LaTeX (the spectral table's third column) */
  readonly latex?: string;
  /** the table of docs/language.md it is a row of (default: functions) */
  readonly table?: 'functions' | 'spectral' | 'blocks' | 'sphere';
}

/** A function of the input language, as the operator that provides it declares it (the parser's entry). */
export interface LangFunction {
  readonly name: string;
  readonly args: readonly ArgKind[];
  /** trailing optional arguments */
  readonly optional?: number;
  readonly build: (args: readonly (Expr | Dim | number | string)[]) => Expr;
  /** one line, quoted in messages about a wrong call */
  readonly help: string;
  /** its row in the docs' table of functions; entrywise functions have their own table */
  readonly doc?: FunctionDoc;
  /** a name that is also an English word (inner, step): prose in rule texts may start with it */
  readonly word?: boolean;
}

/** A function of one matrix argument: name(A). */
export function unary(name: string, build: (a: Expr) => Expr, help: string, doc?: Omit<FunctionDoc, 'usage'> & { usage?: string }): LangFunction {
  return { name, args: ['expr'], build: ([a]) => build(a as Expr), help, ...(doc ? { doc: { usage: `\`${name}(A)\``, ...doc } } : {}) };
}

/** A run-time helper of the TypeScript target, copied into each module that uses it (with its deps). */
export interface TsHelper {
  readonly deps?: readonly string[];
  readonly source: string;
}

/** What an operator adds to the generated modules: helpers named by its emit hooks (ctx.helper). */
export interface Helpers {
  readonly ts?: Readonly<Record<string, TsHelper>>;
  /** Python helpers, defined as `_name`; lib is 'np' or 'torch' */
  readonly python?: Readonly<Record<string, (lib: string) => string>>;
}

export interface OpDef {
  readonly name: string;
  /** the functions of the input language that build this operator */
  readonly functions?: readonly LangFunction[];
  /** run-time helpers of the code generators */
  readonly helpers?: Helpers;
  /** its identities in the syntax of rules/*.rules (at least its differential, d-<name>), loaded with the rule files */
  readonly rules?: string;
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
  /** the numeric meaning, entered in the checking kernel's table (src/numeric/meanings.ts); absent for the derivative operators, which the kernel defines itself */
  evaluate?(node: OpNode, args: Mat[], ctx: EvalContext): Mat;
  text(node: OpNode, p: Printer): string;
  latex(node: OpNode, p: Printer): string;
  /**
   * LaTeX: the node prints as factors side by side (W_l⋯W_{k+1}), so as a factor of a product it needs no
   * parentheses: W_l⋯W_{k+1}W_k, not (W_l⋯W_{k+1})W_k.
   */
  juxtaposed?(node: OpNode): boolean;
  /** LaTeX: a prefix operator that reaches to the end of a product (∇_x, Σ_i): the last factor needs no parentheses. */
  readonly reachesRight?: boolean;
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
  defineShapeRule(def.name, (args, attrs) => def.shape(args, attrs));
  if (def.evaluate) defineMeaning(def.name, def.evaluate);
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

/** Every function of the input language, by name (lang/functions.ts adds the parser's special forms). */
export function languageFunctions(): Map<string, LangFunction> {
  const out = new Map<string, LangFunction>();
  for (const d of registry.values())
    for (const f of d.functions ?? []) {
      if (out.has(f.name)) throw new Error(`the function ${f.name} is provided twice`);
      out.set(f.name, f);
    }
  return out;
}

/** A run-time helper by name: the target's own (generic ones) or one an operator provides. */
export function operatorHelper<K extends keyof Helpers>(target: K, name: string): NonNullable<Helpers[K]>[string] | undefined {
  for (const d of registry.values()) {
    const h = d.helpers?.[target]?.[name];
    if (h) return h as NonNullable<Helpers[K]>[string];
  }
  return undefined;
}

/** Precedences shared by the printers. */
export const PREC = { add: 1, mul: 2, neg: 2, hadamard: 2, kron: 2, pow: 5, postfix: 6, atom: 7 } as const;
