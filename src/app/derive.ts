// The derive pipeline: parse, differentiate, simplify, name, check. The CLI and the examples use it.
import { Expr, SymNode } from '../expr/ast.js';
import { InputError, UnsupportedError } from '../expr/errors.js';
import { vec } from '../expr/build.js';
import { simplify } from '../rewrite/simplify.js';
import { vecGradientDerivation } from '../derivation/vec-gradient.js';
import { differentialGradientDerivation } from '../derivation/gradient-steps.js';
import { ruleLibrary } from '../derivation/rule-reasons.js';
import { type Derivation } from '../derivation/model.js';
import { verifyDerivation } from '../derivation/check.js';
import { CHAIN_TOLERANCE, verifyChain, type ChainVerdict } from '../check/equality.js';
import { isScalarShape, shapeText } from '../expr/shape.js';
import { toText } from '../render/print.js';
import { assertDepthBoundsUsed, checkScope, parseDeclarations, type Declarations } from '../lang/decl.js';
import { parseDefinition, parseExpression } from '../lang/parse.js';
import { splitTopLevel } from '../lang/source.js';
import { deriveGradients, deriveJacobians, type Derivative } from '../calculus/derive.js';
import { type Named } from '../rewrite/present.js';
import { nameForDisplay } from '../derivation/display.js';
import { withoutPresentation } from '../rewrite/author.js';
import type { Verdict } from '../check/derivative.js';
import { checkDerivativeAnyDepth, chooseInstances, concreteScope, instanceSeed } from '../check/instances.js';
import { combined, type Counterexample, type Judgement, type Status } from '../check/verdict.js';
import { indexVar, provablyDistinct, splitIndexedName } from '../expr/indices.js';

export interface DeriveInput {
  readonly expr: string;
  readonly decl: string;
  readonly wrt?: readonly string[];
  readonly defs?: readonly string[];
  /** ∇_{vec X} vec F for a matrix-valued F */
  readonly jacobian?: boolean;
  readonly check?: boolean;
  readonly seed?: number;
  readonly points?: number;
  /**
   * record the derivation step by step: 'differential' (df = … = ⟨G, dX⟩ ⇒ ∇_X f = G, Magnus &
   * Neudecker), 'vec' (∇_{vec X} f by the vec/Kronecker rules, Zhou & Liang App. B), or true: the vec
   * style where its rules derive the gradient (the seeds' deep networks), the differential one otherwise
   */
  readonly steps?: boolean | StepsStyle;
}

export type StepsStyle = 'differential' | 'vec';
export const STEPS_STYLES: readonly StepsStyle[] = ['differential', 'vec'];

export interface RecordedDerivation {
  readonly variable: SymNode;
  readonly style: StepsStyle;
  /** as recorded (every line checkable) */
  readonly derivation: Derivation;
  /** the same with repeated subexpressions named, for display */
  readonly display: Derivation;
  /** every equality of the chain, and its last line against the engine's gradient */
  readonly verdict: ChainVerdict;
}

export interface DerivedResult extends Derivative {
  /** the value with repeated subexpressions replaced by their names */
  readonly display: Expr;
  readonly cookbookDisplay?: Expr;
}

export interface DeriveOutput {
  readonly input: DeriveInput;
  readonly decls: Declarations;
  readonly f: Expr;
  readonly kind: 'gradient' | 'vec-jacobian';
  readonly wrt: readonly SymNode[];
  readonly results: readonly DerivedResult[];
  readonly named: readonly Named[];
  /** the numerical check (absent with --no-check) */
  readonly verdict?: Verdict;
  readonly derivations?: readonly RecordedDerivation[];
}

/**
 * The variables of --wrt: declared symbols, or members of a family (W[k], A[k,q]). An index that is not
 * declared gets the range of its slot (k in 1..l for W[k = 1..l]). Two members must be different
 * matrices for every value of the indices (W[k] and W[k2] need k2 in k+1..l, or the like).
 */
export function parseWrt(names: readonly string[], decls: Declarations): SymNode[] {
  const seen = new Set<string>();
  const out = names.map((raw) => {
    const n = raw.trim();
    const fam = splitIndexedName(n);
    if (fam && decls.families.has(fam.base)) {
      const family = decls.families.get(fam.base)!;
      const indices = new Map(decls.indices);
      fam.index.forEach((t, i) => {
        const name = t.trim();
        if (/^[A-Za-z]\w*$/.test(name) && !indices.has(name) && family.slots[i]) indices.set(name, indexVar(name, family.slots[i].lo, family.slots[i].hi));
      });
      const e = parseExpression(n, { decls: { ...decls, indices } }, `--wrt ${n}`);
      if (e.kind !== 'sym') throw new InputError(`--wrt ${n}: not a member of a family`);
      if (seen.has(e.name)) throw new InputError(`--wrt ${n}: named twice`);
      seen.add(e.name);
      return e;
    }
    const s = decls.symbols.get(n);
    if (!s && decls.families.has(n))
      throw new InputError(`--wrt ${n}: ${n} is a family; its gradient is per layer: use --wrt "${n}[k]" (any layer k), or --hessian --wrt ${n} for the bilinear form over every layer`);
    if (!s) {
      const fams = [...decls.families.keys()].map((f) => `${f}[…]`);
      throw new InputError(`--wrt ${n}: not a declared symbol (declared: ${[...decls.symbols.keys(), ...fams].join(', ')})`);
    }
    if (seen.has(n)) throw new InputError(`--wrt ${n}: named twice`);
    if (s.props.has('stochastic'))
      throw new InputError(`--wrt ${n}: ${n} is declared stochastic (data whose columns sum to one, such as labels); matcalc does not differentiate with respect to it: drop the property to treat it as a free matrix`);
    seen.add(n);
    return s;
  });
  for (let i = 0; i < out.length; i++)
    for (let j = i + 1; j < out.length; j++) {
      const a = out[i].member, b = out[j].member;
      if (!a || !b || a.family !== b.family) continue;
      if (!a.index.some((x, s) => provablyDistinct(x, b.index[s])))
        throw new InputError(
          `--wrt ${out[i].name},${out[j].name}: these may be the same matrix (when ${a.index.map((x, s) => `${x.text} = ${b.index[s].text}`).join(' and ')}); declare the indices so that they differ, e.g. "${b.index[0].terms[0]?.[0].name ?? 'k2'} in ${a.index[0].text}+1..${decls.families.get(a.family)!.slots[0].hi?.text ?? 'l'}"`,
        );
    }
  return out;
}

/** Without --wrt: every declared matrix or vector that f depends on (not scalars, not stochastic data). */
export function defaultWrt(f: Expr, decls: Declarations): SymNode[] {
  return [...decls.symbols.values()].filter((s) => f.vars.has(s.name) && !isScalarShape(s.shape) && !s.props.has('stochastic'));
}

/** Split a --wrt list at the commas outside brackets: "W[k],A[k,q]" → W[k], A[k,q]. */
export function splitWrt(list: string): string[] {
  return splitTopLevel(list).map((s) => s.trim()).filter(Boolean);
}

/**
 * Declarations and definitions (`e = W2*W1*X - Y`, each may use the ones before it): what names mean.
 * `uses` are the other texts read in this scope (the expression, the claim, at:), where a depth bound
 * of the declarations may be used.
 */
export function parseScope(decl: string, definitions: readonly string[] = [], uses: readonly string[] = []): { decls: Declarations; defs: Map<string, Expr> } {
  const decls = parseDeclarations(decl);
  assertDepthBoundsUsed(decls, [...definitions, ...uses]);
  const defs = new Map<string, Expr>();
  for (const d of definitions) {
    const [name, value] = parseDefinition(d, { decls, defs });
    defs.set(name, value);
  }
  return { decls, defs };
}

export function runDerive(input: DeriveInput): DeriveOutput {
  const { decls, defs } = parseScope(input.decl, input.defs, [input.expr]);
  const f = parseExpression(input.expr, { decls, defs }, 'expression');
  const wrt = input.wrt?.length ? parseWrt(input.wrt, decls) : defaultWrt(f, decls);
  const jacobian = input.jacobian ?? false;
  if (!jacobian && !isScalarShape(f.shape))
    throw new InputError(`a gradient needs a scalar function, but f = ${toText(f)} is ${shapeText(f.shape)}; for ∇_{vec X} vec F use --jacobian`);
  const derived = jacobian ? deriveJacobians(f, wrt) : deriveGradients(f, wrt);
  if (input.steps && jacobian) throw new UnsupportedError('--steps is available for gradients of scalar functions (∇_{vec X} f); not yet for Jacobians');
  const recorded = input.steps ? wrt.map((v, i) => recordGradient(f, v, derived[i].value, input.steps!)) : [];
  const roots = derived.flatMap((d) => (d.cookbook ? [d.value, d.cookbook] : [d.value]));
  const taken = new Set([...decls.symbols.keys(), ...decls.dims]);
  const { results: shown, named, displays } = nameForDisplay(roots, recorded.map((r) => ({ derivation: r.derivation, nameRepeats: r.style === 'differential' })), defs, taken);
  const derivations: RecordedDerivation[] = recorded.map(({ derivation: d, style }, i) => {
    // every equality of the chain, then its last line against the engine's (independently checked) gradient
    const final = style === 'vec' ? vec(derived[i].value) : derived[i].value;
    const verdict = verifyDerivation(d, final, checkScope(decls), { seed: input.seed });
    return { variable: wrt[i], style, derivation: d, display: displays[i], verdict };
  });
  let k = 0;
  const results: DerivedResult[] = derived.map((d) => ({
    ...d,
    display: shown[k++],
    ...(d.cookbook ? { cookbookDisplay: shown[k++] } : {}),
  }));
  const verdict = input.check === false ? undefined :
    withConcreteAgreement(
      checkDerivativeAnyDepth(
        { f, vars: wrt, claims: new Map(derived.map((d) => [d.variable.name, d.value])), kind: jacobian ? 'vec-jacobian' : 'gradient', ...checkScope(decls) },
        { seed: input.seed, points: input.points },
      ),
      f,
      wrt,
      derived.map((d) => d.value),
      (g, vars) => (jacobian ? deriveJacobians(g, vars) : deriveGradients(g, vars)).map((d) => d.value),
      decls,
      input.seed,
    );
  return { input, decls, f, kind: jacobian ? 'vec-jacobian' : 'gradient', wrt, results, named, verdict, ...(input.steps ? { derivations } : {}) };
}

/**
 * The recorded derivation of ∇_X f in the style asked for; with no style, the vec style where its rules
 * derive the gradient (Zhou & Liang's objectives), else the differential one.
 */
function recordGradient(f: Expr, x: SymNode, printed: Expr, style: boolean | StepsStyle): { derivation: Derivation; style: StepsStyle } {
  if (style === 'differential') return { derivation: differentialGradientDerivation(f, x, printed), style };
  try {
    return { derivation: vecGradientDerivation(simplify(f), x, ruleLibrary()), style: 'vec' };
  } catch (e) {
    if (style === 'vec' || !(e instanceof UnsupportedError)) throw e;
    return { derivation: differentialGradientDerivation(f, x, printed), style: 'differential' };
  }
}

/**
 * For a result at any depth, one more comparison: at every instance of the indices, the instantiated
 * result against the engine's own derivative of the instantiated function (a different route: no
 * product is split at a symbolic k). A disagreement fails the verdict.
 */
export function withConcreteAgreement<V extends Judgement & { passed: boolean; notes?: readonly string[] }>(
  v: V,
  f: Expr,
  vars: readonly SymNode[],
  results: readonly Expr[],
  derive: (f: Expr, vars: SymNode[], at: (e: Expr) => Expr) => Expr[],
  decls: Declarations,
  seed?: number,
): V {
  const instances = chooseInstances([f, ...vars, ...results]);
  if (!instances.length || v.status !== 'holds') return v;
  let worst = 0;
  const statuses: Status[] = [];
  let counterexample: Counterexample | undefined;
  instances.forEach((inst, i) => {
    // compared numerically only: no presentation search on the unrolled expressions
    const concrete = withoutPresentation(() => derive(inst.at(f), vars.map(inst.atSym), inst.at));
    results.forEach((r, k) => {
      // the engine's concrete result may use symbols the instantiated one does not: draw for both
      const lines = [inst.at(r), concrete[k]];
      const scope = { ...concreteScope(lines, [...decls.symbols.values()].map(inst.atSym)), constraints: decls.constraints };
      const step = verifyChain(lines, scope, { points: 1, seed: instanceSeed(seed ?? 5, i) }).steps[1];
      statuses.push(step.status);
      if (step.counterexample) counterexample ??= { ...step.counterexample, instance: inst.label };
      worst = Math.max(worst, step.error);
    });
  });
  const status = combined(statuses);
  const note = `at every instance of the indices the result equals matcalc's derivative of the instantiated function (max relative difference ${worst.toExponential(1)})`;
  const notes = [...(v.notes ?? []), status === 'holds' ? note : status === 'fails' ? `DISAGREES: ${note.replace('equals', 'should equal')}` : `not compared with matcalc's derivative of the instantiated function at every instance of the indices (no point decided)`];
  const why = status === 'unchecked' ? { reason: 'the comparison with the derivative of the instantiated function could not be made' } : status === 'fails' ? { counterexample } : {};
  return { ...v, status, passed: status === 'holds', ...why, notes };
}

