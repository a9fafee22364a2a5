// The Hessian pipeline: parse, differentiate twice, evaluate under the assumptions, name, check.
import { Expr, SymNode } from '../expr/ast.js';
import { InputError } from '../expr/errors.js';
import { isScalarShape, shapeText } from '../expr/shape.js';
import { assertDepthBoundsUsed, checkScope, parseDeclarations, type Declarations } from '../lang/decl.js';
import { parseDefinition, parseExpression } from '../lang/parse.js';
import { parseAssumption, type Assumption } from '../lang/assume.js';
import { deriveFamilyQuadratic, deriveHessian, type Hessian, type Substitution } from '../calculus/hessian.js';
import { bilinearDerivation, blockDerivation, hvpDerivation, type HessianDerivation } from '../derivation/hessian-steps.js';
import { type Derivation } from '../derivation/model.js';
import { verifyDerivation } from '../derivation/check.js';
import type { ChainVerdict } from '../check/equality.js';
import { wholeFamily } from '../calculus/differential.js';
import { nameSubexpressions, type Named } from '../rewrite/present.js';
import { nameForDisplay } from '../derivation/display.js';
import { type HessianVerdict } from '../check/hessian.js';
import { checkHessianAnyDepth, checkQuadraticForm, type QuadraticVerdict } from '../check/instances.js';
import { toText } from '../render/print.js';
import { defaultWrt, parseWrt, withConcreteAgreement, type StepsStyle } from './derive.js';

export interface HessianInput {
  readonly expr: string;
  readonly decl: string;
  readonly wrt?: readonly string[];
  readonly defs?: readonly string[];
  /** substitutions "Y = W2*W1*X" */
  readonly at?: readonly string[];
  /** equations "W2*W1*X - Y = 0" */
  readonly assume?: readonly string[];
  readonly check?: boolean;
  readonly seed?: number;
  /** record the derivations step by step (differential style: d²f, each block, each HVP) */
  readonly steps?: boolean | StepsStyle;
}

/** A Hessian derivation as recorded, as displayed (names for repeated sums), and its check. */
export interface RecordedHessianDerivation extends HessianDerivation {
  readonly display: Derivation;
  readonly verdict: ChainVerdict;
}

export interface HessianOutput {
  readonly input: HessianInput;
  readonly decls: Declarations;
  readonly f: Expr;
  readonly wrt: readonly SymNode[];
  readonly assumptions: readonly Assumption[];
  readonly hessian: Hessian;
  /** the same with repeated sums named */
  readonly display: { blocks: Expr[][]; bilinear: Expr; hvp: Map<string, Expr> };
  readonly named: readonly Named[];
  /** the numerical check (absent with --no-check) */
  readonly verdict?: HessianVerdict;
  readonly derivations?: readonly RecordedHessianDerivation[];
}

/** Declarations, definitions and f (a scalar) for --hessian. */
function hessianScope(input: HessianInput) {
  const decls = parseDeclarations(input.decl);
  assertDepthBoundsUsed(decls, [input.expr, ...(input.defs ?? []), ...(input.at ?? []), ...(input.assume ?? [])]);
  const defs = new Map<string, Expr>();
  for (const d of input.defs ?? []) {
    const [name, value] = parseDefinition(d, { decls, defs });
    defs.set(name, value);
  }
  const f = parseExpression(input.expr, { decls, defs });
  if (!isScalarShape(f.shape)) throw new InputError(`--hessian needs a scalar function, but f = ${toText(f)} is ${shapeText(f.shape)}`);
  return { decls, defs, f };
}

function parseAssumptions(input: HessianInput, scope: { decls: Declarations; defs: Map<string, Expr> }, wrt: readonly SymNode[]): Assumption[] {
  const assumptions = [
    ...(input.at ?? []).map((a) => parseAssumption(a, scope, wrt, '--at')),
    ...(input.assume ?? []).map((a) => parseAssumption(a, scope, wrt, '--assume')),
  ];
  const seen = new Set<string>();
  for (const a of assumptions) {
    if (seen.has(a.symbol.name)) throw new InputError(`two assumptions fix ${a.symbol.name}; give one`);
    seen.add(a.symbol.name);
  }
  return assumptions;
}

/** Is --wrt the name of a family (every layer at once) rather than symbols or members? */
export function wrtIsFamily(input: { decl: string; wrt?: readonly string[] }): boolean {
  if (input.wrt?.length !== 1 || /[[\]]/.test(input.wrt[0])) return false;
  return parseDeclarations(input.decl).families.has(input.wrt[0].trim());
}

export function runHessian(input: HessianInput): HessianOutput {
  const { decls, defs, f } = hessianScope(input);
  const wrt = input.wrt?.length ? parseWrt(input.wrt, decls) : defaultWrt(f, decls);
  const assumptions = parseAssumptions(input, { decls, defs }, wrt);
  const subs = new Map<Expr, Expr>(assumptions.map((a) => [a.symbol, a.value]));
  const hessian = deriveHessian(f, wrt, subs);
  if (input.steps === 'vec') throw new InputError('--steps vec is for gradients; a Hessian is derived step by step in the differential style (--steps or --steps differential), each block through its vec form');
  const recorded = input.steps ? recordHessian(f, wrt, hessian, subs) : [];
  const roots = [...hessian.blocks.flat(), hessian.bilinear, ...hessian.hvp.values()];
  const taken = new Set([...decls.symbols.keys(), ...decls.dims]);
  const n = wrt.length;
  // repeated entrywise functions and inverses are counted in the blocks only, as derive counts in the gradients
  const { results, named, displays } = nameForDisplay(roots, recorded.map((r) => ({ derivation: r.derivation, nameRepeats: true })), defs, taken, n * n);
  const assign = assumptions.map((a) => [a.symbol.name, a.value] as const);
  const derivations: RecordedHessianDerivation[] = recorded.map((r, i) => ({
    ...r,
    display: displays[i],
    verdict: verifyDerivation(r.derivation, r.printed, checkScope(decls, assign), { seed: input.seed }),
  }));
  const display = {
    blocks: wrt.map((_, i) => results.slice(i * n, i * n + n)),
    bilinear: results[n * n],
    hvp: new Map(wrt.map((w, i) => [w.name, results[n * n + 1 + i]])),
  };
  const verdict =
    input.check === false
      ? undefined
      : withConcreteAgreement(
          checkHessianAnyDepth(
            {
              f, vars: wrt, gradients: hessian.gradients, blocks: hessian.blocks, bilinear: hessian.bilinear, hvp: hessian.hvp,
              ...checkScope(decls, assumptions.map((a) => [a.symbol.name, a.value] as const)),
            },
            { seed: input.seed },
          ),
          f,
          wrt,
          hessian.blocks.flat(),
          (g, vars, at) => deriveHessian(g, vars, new Map(assumptions.map((a) => [at(a.symbol), at(a.value)]))).blocks.flat(),
          decls,
          input.seed,
        );
  return { input, decls, f, wrt, assumptions, hessian, display, named, verdict, ...(input.steps ? { derivations } : {}) };
}

/** The blocks on and above the diagonal, the bilinear form, the HVPs: each derived step by step. */
function recordHessian(f: Expr, wrt: readonly SymNode[], h: Hessian, subs: Substitution): HessianDerivation[] {
  const out: HessianDerivation[] = [];
  wrt.forEach((wi, i) => wrt.forEach((wj, j) => j >= i && out.push(blockDerivation(f, wi, wj, h.gradients.get(wj.name)!, h.blocks[i][j], subs))));
  out.push(bilinearDerivation(f, wrt, h.bilinear, subs));
  for (const w of wrt) out.push(hvpDerivation(f, wrt, w, h.gradients.get(w.name)!, h.hvp.get(w.name)!, subs));
  return out;
}

/** `derive --hessian --wrt W` for a family W: the bilinear form over every layer at once. */
export interface FamilyHessianOutput {
  readonly input: HessianInput;
  readonly decls: Declarations;
  readonly f: Expr;
  readonly family: string;
  readonly assumptions: readonly Assumption[];
  /** ∇²f[Δ, Δ] in the directions dW[i], every i */
  readonly quadratic: Expr;
  readonly display: Expr;
  readonly named: readonly Named[];
  readonly verdict?: QuadraticVerdict;
}

export function runFamilyHessian(input: HessianInput): FamilyHessianOutput {
  const family = input.wrt![0].trim();
  const { decls, defs, f } = hessianScope(input);
  const assumptions = parseAssumptions(input, { decls, defs }, []);
  const fam = decls.families.get(family)!;
  const W = wholeFamily(family, fam.shape);
  const subs = new Map<Expr, Expr>(assumptions.map((a) => [a.symbol, a.value]));
  const quadratic = deriveFamilyQuadratic(f, W, subs);
  const taken = new Set([...decls.symbols.keys(), ...decls.dims]);
  const { results, named } = nameSubexpressions([quadratic], defs, taken);
  const verdict =
    input.check === false
      ? undefined
      : checkQuadraticForm({ f, quadratic, family, ...checkScope(decls, assumptions.map((a) => [a.symbol.name, a.value] as const)) }, { seed: input.seed });
  return { input, decls, f, family, assumptions, quadratic, display: results[0], named, verdict };
}
