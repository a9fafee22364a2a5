// The verdict on a claimed derivative: `matcalc verify --f EXPR --wrt X --claim EXPR`.
//
// VERIFIED when the trusted checker (src/check/derivative.ts, central differences at ≥ 3 random points
// with random distinct sizes; it does not use the engine) accepts the claim. The symbolic comparison with
// the engine's result is run and reported too — it says *how* the claim relates to matcalc's formula, but
// the numerical test decides. FALSE otherwise, or when the claim is ill-typed; then the mistake catalogue
// (diagnose.ts) looks for what went wrong, and a small integer counterexample is found.
import { Expr, SymNode, isSymmetricSymbol, num } from '../expr/ast.js';
import { add, isZero, mul, sub, T } from '../expr/build.js';
import { dimMul } from '../expr/dim.js';
import { InputError, ShapeError } from '../expr/errors.js';
import { Shape, isScalarShape, shape, shapeEq, shapeText } from '../expr/shape.js';
import type { Declarations } from '../lang/decl.js';
import { parseExpression } from '../lang/parse.js';
import { deriveGradients, deriveJacobians, type Derivative } from '../calculus/derive.js';
import { parseScope, parseWrt } from '../app/derive.js';
import { atInstance, checkDerivativeAnyDepth, chooseInstances, type Instance } from '../check/instances.js';
import { verifyHessianClaim, verifyHessianForm } from './hessian-claim.js';
import { simplify } from '../rewrite/simplify.js';
import { expand } from '../rewrite/expand.js';
import type { ClaimKind, DerivativeClaim, Verdict } from '../check/derivative.js';
import { Unchecked, type Scope } from '../check/sample.js';
import type { Status } from '../check/verdict.js';
import { checkScope } from '../lang/decl.js';
import { Rng } from '../numeric/random.js';
import { atPoints, closeness, comparable, diagnose, diagnosisPoints, type Diagnosis, type Evaluate } from './diagnose.js';
import type { MistakeContext, Words } from './catalogue.js';
import { repairIllTyped } from './ill-typed.js';
import { findCounterexample, type Counterexample } from './counterexample.js';

/**
 * grad: ∇_X f (shape of X); vecgrad: ∇_{vec X} f ((mn)×1); jacobian: ∇_{vec X} vec F ((mn)×(pq));
 * hessian: ∇_{vec X}∇_{vec X} f ((mn)×(mn)); hessian-form: ∇²f[dX, dX] (src/verify/hessian-claim.ts).
 */
export const VERIFY_KINDS = ['grad', 'vecgrad', 'jacobian', 'hessian', 'hessian-form'] as const;
export type VerifyKind = (typeof VERIFY_KINDS)[number];

export interface VerifyInput {
  readonly decl: string;
  readonly f: string;
  readonly wrt: string;
  readonly claim: string;
  /** default: grad for a scalar f, jacobian otherwise */
  readonly kind?: string;
  readonly defs?: readonly string[];
  readonly seed?: number;
}

export interface SymbolicComparison {
  readonly holds: boolean;
  /** identical: the simplified claim is matcalc's simplified result; difference-zero: claim − result simplifies to 0 */
  readonly how?: 'identical' | 'difference-zero';
  /** compared after symmetrising the claim (symmetric variable) */
  readonly symmetrised: boolean;
}

export interface IllTyped {
  readonly message: string;
  /** the claim with a caret under the place, when the mismatch is inside it */
  readonly detail?: string;
}

export interface VerifyOutput {
  readonly input: VerifyInput;
  readonly decls: Declarations;
  readonly f: Expr;
  readonly variable: SymNode;
  readonly kind: VerifyKind;
  /** ∇_W1 f, ∇_vec(X) f, ∇_vec(X) vec(F) */
  readonly label: string;
  readonly expectedShape: Shape;
  /** the engine's result */
  readonly truth: Derivative;
  /** the parsed claim; absent when a shape mismatch inside it stops it from being built */
  readonly claim?: Expr;
  readonly illTyped?: IllTyped;
  readonly symbolic?: SymbolicComparison;
  /** the trusted check of the claim (absent when the claim is ill-typed) */
  readonly numerical?: Verdict;
  /** holds (VERIFIED), fails (FALSE) or unchecked (no verdict: the numerical check could not decide) */
  readonly status: Status;
  /** status is holds */
  readonly verified: boolean;
  readonly diagnosis?: Diagnosis;
  /** the trusted check of the engine's result, run when the claim is false */
  readonly truthCheck?: Verdict;
  readonly counterexample?: Counterexample;
  readonly notes: readonly string[];
}

const DEFAULT_SEED = 20261122;

/** f, the variable and the scope at concrete indices (or as they are, when there are none). */
interface Concrete {
  readonly f: Expr;
  readonly variable: SymNode;
  readonly symbols: readonly SymNode[];
  readonly dims: ReadonlySet<string>;
  map(e: Expr): Expr;
}

function concreteAt(inst: Instance | undefined, f: Expr, variable: SymNode, symbols: readonly SymNode[], dims: ReadonlySet<string>): Concrete {
  if (!inst) return { f, variable, symbols, dims, map: (e) => e };
  const { exprs: [fi], symbols: s, dims: d } = atInstance(inst, [f, variable], symbols);
  return { f: fi, variable: inst.atSym(variable), symbols: s, dims: d, map: inst.at };
}

export function derivativeLabel(kind: VerifyKind, variable: string): string {
  return kind === 'grad' ? `∇_${variable} f` : kind === 'vecgrad' ? `∇_vec(${variable}) f` : `∇_vec(${variable}) vec(F)`;
}

function checkKind(kind: VerifyKind): ClaimKind {
  return kind === 'grad' ? 'gradient' : 'vec-jacobian';
}

function resolveKind(kind: string | undefined, f: Expr): VerifyKind {
  if (kind && !(VERIFY_KINDS as readonly string[]).includes(kind))
    throw new InputError(`--kind ${kind}: unknown kind (known: ${VERIFY_KINDS.join(', ')})`);
  const k = (kind as VerifyKind | undefined) ?? (isScalarShape(f.shape) ? 'grad' : 'jacobian');
  if (k !== 'jacobian' && !isScalarShape(f.shape))
    throw new InputError(`--kind ${k} needs a scalar function, but f is ${shapeText(f.shape)}; for ∇_vec(X) vec(F) use --kind jacobian`);
  return k;
}

/** (a): the claim against the engine's result, by simplification and then by expanding the difference. */
export function compareSymbolically(claim: Expr, truth: Expr, symmetric: boolean): SymbolicComparison {
  const t = simplify(truth);
  const forms: [Expr, boolean][] = [[simplify(claim), false]];
  if (symmetric) forms.push([simplify(mul(num(0.5), add(claim, T(claim)))), true]);
  for (const [c, symmetrised] of forms) if (c === t || c === truth) return { holds: true, how: 'identical', symmetrised };
  for (const [c, symmetrised] of forms) {
    const d = expand(sub(c, t));
    if (d && isZero(d)) return { holds: true, how: 'difference-zero', symmetrised };
  }
  return { holds: false, symmetrised: symmetric };
}

export function verifyClaim(input: VerifyInput): VerifyOutput {
  if (input.kind === 'hessian') return verifyHessianClaim(input, verifyClaim);
  if (input.kind === 'hessian-form') return verifyHessianForm(input);
  const scope = parseScope(input.decl, input.defs, [input.f, input.claim]);
  const { decls } = scope;
  const f = parseExpression(input.f, scope, 'function (--f)');
  if (input.wrt.includes(',')) throw new InputError(`--wrt ${input.wrt}: a claim is the derivative with respect to one variable; verify each separately`);
  const [variable] = parseWrt([input.wrt], decls);
  const kind = resolveKind(input.kind, f);
  const truth = kind === 'grad' ? deriveGradients(f, [variable])[0] : deriveJacobians(f, [variable])[0];
  const { rows, cols } = variable.shape;
  const expectedShape = kind === 'grad' ? variable.shape : shape(dimMul(rows, cols), dimMul(f.shape.rows, f.shape.cols));
  const label = derivativeLabel(kind, variable.name);
  const seed = input.seed ?? DEFAULT_SEED;
  const notes: string[] = [];
  if (isSymmetricSymbol(variable))
    notes.push(`${variable.name} is symmetric: derivatives are compared on symmetric matrices, where a claim G and its symmetric part (G + Gᵀ)/2 are the same`);
  const base = { input, decls, f, variable, kind, label, expectedShape, truth, notes };

  const symbols = [...decls.symbols.values()];
  const checkAs = checkKind(kind);
  // a claim at any depth is diagnosed at concrete indices: the first instance where it fails
  let at: Concrete = { f, variable, symbols, dims: decls.dims, map: (e) => e };
  /** the diagnosis, at random points where f and the given expressions are finite (none when there are no such points) */
  const diagnoseAt = (exprs: Expr[], run: (evaluate: Evaluate) => Diagnosis): Diagnosis | undefined => {
    const evaluate = checkPoints(at, exprs.map(at.map), checkAs, seed, notes, decls.constraints);
    return evaluate && run(evaluate);
  };
  const words: Words = {
    claim: 'the claim',
    truth: 'the truth',
    whole: `the true ${kind === 'jacobian' ? 'Jacobian' : 'gradient'}`,
    layout:
      kind === 'grad'
        ? `numerator layout (∂f/∂${variable.name} shaped like ${variable.name}ᵀ) where matcalc uses denominator layout (∇_${variable.name} f has the shape of ${variable.name})`
        : `numerator layout (∂vec F/∂vec(${variable.name})ᵀ) where matcalc uses denominator layout (∇_vec(${variable.name}) vec F, with d vec F = (∇_vec(${variable.name}) vec F)ᵀ d vec ${variable.name})`,
  };
  const contextFor = (claim: Expr): MistakeContext => ({
    truth: simplify(at.map(truth.value)),
    claim: at.map(claim),
    symbols: at.symbols,
    words,
    ...(isSymmetricSymbol(variable) && kind === 'grad' ? { symmetricVariable: { name: variable.name, cookbook: truth.cookbook && at.map(truth.cookbook) } } : {}),
  });

  let claim: Expr;
  try {
    claim = parseExpression(input.claim, scope, 'claim');
  } catch (e) {
    // a shape mismatch inside the claim is a verdict (how many printed errors show up); bad syntax is not
    if (!(e instanceof ShapeError)) throw e;
    const read = (text: string) => {
      try {
        return parseExpression(text, scope, 'claim');
      } catch (err) {
        if (err instanceof InputError) return undefined;
        throw err;
      }
    };
    at = concreteAt(chooseInstances([f, truth.value, variable])[0], f, variable, symbols, decls.dims);
    const diagnosis = chooseInstances([f, truth.value, variable]).length
      ? undefined // repairs rebuild the claim's text, which has no concrete form to compare with
      : diagnoseAt([truth.value], (evaluate) => ({
          findings: repairIllTyped(input.claim, read, truth.value, evaluate, closeness(evaluate(truth.value) ?? []), (c) => diagnose(contextFor(c), evaluate)),
          claimMatchesTruth: false,
        }));
    return { ...base, illTyped: { message: e.message, detail: e.detail }, status: 'fails', verified: false, diagnosis };
  }

  const claimCheck: DerivativeClaim = { f, vars: [variable], claims: new Map([[variable.name, claim]]), kind: checkAs, ...checkScope(decls) };
  let illTyped: IllTyped | undefined;
  let symbolic: SymbolicComparison | undefined;
  let numerical: Verdict | undefined;
  if (!shapeEq(claim.shape, expectedShape)) {
    const why = kind === 'grad' ? `the shape of ${variable.name}` : `(entries of vec ${variable.name}) × (entries of vec F)`;
    illTyped = { message: `the claim is ${shapeText(claim.shape)}, but ${label} is ${shapeText(expectedShape)} (${why})` };
  } else {
    symbolic = compareSymbolically(claim, truth.value, isSymmetricSymbol(variable));
    numerical = checkDerivativeAnyDepth(claimCheck, { seed });
    if (numerical.status !== 'fails') return { ...base, claim, symbolic, numerical, status: numerical.status, verified: numerical.status === 'holds' };
  }

  // false: check the engine's result with the same trusted checker, then explain and find a counterexample
  const truthCheck = checkDerivativeAnyDepth({ ...claimCheck, claims: new Map([[variable.name, truth.value]]) }, { seed });
  const instances = chooseInstances([f, claim, truth.value, variable]);
  if (instances.length) {
    const failing = numerical?.points.find((p) => !p.passed)?.instance;
    const inst = instances.find((i) => i.label === failing) ?? instances[0];
    at = concreteAt(inst, f, variable, symbols, decls.dims);
    notes.push(`diagnosed at ${inst.label.replace(/,/g, ', ').replace(/=/g, ' = ')}, where the claim fails`);
  }
  if (!truthCheck.passed) notes.push("matcalc's own result failed the numerical check — an engine bug; the diagnosis below compares with that result and may be wrong (please report it)");
  if (symbolic?.holds) notes.push("the claim agrees with matcalc's result symbolically, yet the numerical check rejects it");
  const diagnosis = diagnoseAt([claim, truth.value], (evaluate) => diagnose(contextFor(claim), evaluate));
  const counterexample = findCounterexample({ f: at.f, variable: at.variable, kind: checkAs, claim: at.map(claim), truth: at.map(truth.value), symbols: at.symbols, dims: at.dims, seed });
  return { ...base, claim, illTyped, symbolic, numerical, status: 'fails', verified: false, diagnosis, truthCheck, counterexample };
}

/**
 * The check points of a diagnosis: 3 random points where f and the given expressions are finite, each value
 * compared as derivatives are (the symmetric part, for a symmetric variable). Undefined, with a note, when
 * no such points are found.
 */
function checkPoints(at: Concrete, exprs: readonly Expr[], kind: ClaimKind, seed: number, notes: string[], constraints: Scope['constraints']): Evaluate | undefined {
  const claims = new Map(exprs.map((e, i) => [String(i), e]));
  try {
    const points = diagnosisPoints({ f: at.f, claims, symbols: at.symbols, dims: at.dims, constraints }, new Rng(seed + 1));
    return atPoints(points, points.map((p) => comparable(at.variable, kind, p.values.get(at.variable.name)!.rows)));
  } catch (e) {
    if (!(e instanceof Unchecked)) throw e;
    notes.push(`no diagnosis: ${e.message}`);
    return undefined;
  }
}
