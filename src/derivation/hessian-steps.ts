// Hessians step by step, as the appendices of Zhu et al. (App. B) and Zhou & Liang write them:
// - the second differential: df unfolded, then d²f = d(df) with the directions held fixed (d(dX) = 0),
//   unfolded again, collected into norms and inner products — the bilinear form ∇²f[Δ, Δ];
// - each block: d(∇_Wj f) in the direction dWi, unfolded; d vec(∇_Wj f) = J d vec(Wi) by the vec rules;
//   the second identification theorem gives ∇_vec(Wi)∇_vec(Wj) f = Jᵀ;
// - each Hessian-vector product: (HΔ)_Wj = d(∇_Wj f) with every direction dWi = Δi, unfolded.
// An evaluation point (--at Y = W2W1X) is applied at the end, as the engine does.
import { Expr, SymNode, delta, isSymmetricSymbol, op, substitute } from '../expr/ast.js';
import { derivative, T, vec, zeroLike } from '../expr/build.js';
import { symLatex } from '../render/names.js';
import { toLatex, toText } from '../render/print.js';
import { simplify } from '../rewrite/simplify.js';
import type { Derivation, Step } from './model.js';
import { pendingDifferential, tidyDifferential, unfoldDifferential } from './differential-steps.js';
import { identifyJacobian } from './identify-steps.js';
import { dependsOn } from '../calculus/differential.js';
import { endInPrinted } from './printed-steps.js';
import { reasonFor } from './rule-reasons.js';

import type { Substitution } from '../calculus/hessian.js';

/** A recorded Hessian derivation and what it derives. */
export interface HessianDerivation {
  /** "H[W1, W2]", "d²f", "(HΔ)_W1" */
  readonly title: string;
  /** what the last line is: the engine's block, bilinear form or HVP */
  readonly result: 'Hessian block' | 'bilinear form' | 'Hessian-vector product';
  readonly derivation: Derivation;
  /** the engine's printed result the last line must equal */
  readonly printed: Expr;
}

/** The steps that evaluate at the point (Y = W2W1X, citing at-point), then end in the printed form. */
function atPoint(start: Expr, steps: readonly Step[], subs: Substitution | undefined, printed: Expr): { start: Expr; steps: Step[] } {
  const last = steps.length ? steps[steps.length - 1].expr : start;
  const out = [...steps];
  if (subs?.size) {
    const at = simplify(substitute(last, subs));
    if (at !== last) {
      const where = [...subs].map(([s, v]) => `${toText(s)} = ${toText(v)}`).join(', ');
      const whereLatex = [...subs].map(([s, v]) => `${toLatex(s)} = ${toLatex(v)}`).join(',\\ ');
      const rule = reasonFor('at-point');
      // the rule, and which point: "at the point Y = W2W1X"
      out.push({ expr: at, reason: { ...rule, says: { text: `at the point ${where}`, latex: whereLatex } }, rewrites: [...subs].map(([s, v]) => ({ rule: 'at-point', before: s, after: v })) });
    }
  }
  return endInPrinted(start, out, printed);
}

const dirs = (vars: readonly SymNode[]) => vars.flatMap((v) => [v, delta(v)]);
const total = (e: Expr, vars: readonly SymNode[]) => op('diff', [e, ...dirs(vars)]);

/** A chain that starts with d(e) and unfolds it; a constant e gives 0 at once (dC = 0). */
function unfolded(e: Expr, vars: readonly SymNode[]): { start: Expr; steps: Step[]; result: Expr } {
  const start = total(e, vars);
  if (!pendingDifferential(e, vars)) return { start, steps: [{ expr: zeroLike(e), reason: reasonFor('d-constant'), rewrites: [{ rule: 'd-constant', before: start, after: zeroLike(e) }] }], result: zeroLike(e) };
  const u = unfoldDifferential(start, vars);
  return { start, ...u };
}

/** ∇_vec(Wi)∇_vec(Wj) f: d(∇_Wj f) in the direction dWi, its vec form, the second identification theorem. */
export function blockDerivation(f: Expr, wi: SymNode, wj: SymNode, Gj: Expr, printed: Expr, subs?: Substitution): HessianDerivation {
  const dG = unfolded(Gj, [wi]);
  const L = dG.result;
  const { steps: vecSteps, J } = identifyJacobian(L, wi);
  const H = simplify(T(J));
  const vw = (w: SymNode) => `\\operatorname{vec}(${symLatex(w)})`;
  const hessian: Derivation = {
    quantity: { text: `hess(f, ${wi.name}, ${wj.name})`, latex: `\\nabla_{${vw(wi)}}\\nabla_{${vw(wj)}} f` },
    ...atPoint(H, [], subs, printed),
    startReason: reasonFor('hessian-identification'),
    where: [],
  };
  const dvec: Derivation = {
    quantity: { text: `d vec(grad(f, ${wj.name}))`, latex: `\\mathrm{d}\\operatorname{vec}\\left(\\nabla_{${symLatex(wj)}} f\\right)` },
    start: tidyDifferential(vec(L)),
    startReason: reasonFor('d-vec-chain'),
    steps: vecSteps,
    where: [],
    then: hessian,
  };
  return {
    title: `H[${wi.name}, ${wj.name}]`,
    result: 'Hessian block',
    printed,
    derivation: {
      quantity: { text: `d(grad(f, ${wj.name}))`, latex: `\\mathrm{d}\\left(\\nabla_{${symLatex(wj)}} f\\right)` },
      start: dG.start,
      steps: dG.steps,
      where: [],
      // finite differences of finite differences (for a symmetric Wj they give the unconstrained G, not
      // sym(G); for a block that vanishes they compare rounding noise with rounding noise)
      ...(isSymmetricSymbol(wj) || !dependsOn(Gj, wi) ? {} : { definition: op('diff', [derivative('grad', [f, wj]), wi, delta(wi)]) }),
      then: dvec,
    },
  };
}

/** d²f: df unfolded, then d(df) with the directions held fixed, unfolded and collected: ∇²f[Δ, Δ]. */
export function bilinearDerivation(f: Expr, wrt: readonly SymNode[], printed: Expr, subs?: Substitution): HessianDerivation {
  const first = unfolded(tidyDifferential(f), wrt);
  const second = unfolded(first.result, wrt);
  const d2: Derivation = {
    quantity: { text: 'd2f', latex: '\\mathrm{d}^2 f' },
    ...atPoint(second.start, second.steps, subs, printed),
    startReason: reasonFor('second-differential'),
    where: [],
    definition: total(total(f, wrt), wrt),
  };
  return {
    title: 'd²f',
    result: 'bilinear form',
    printed,
    derivation: { quantity: { text: 'df', latex: '\\mathrm{d}f' }, start: first.start, steps: first.steps, where: [], then: d2 },
  };
}

/** (HΔ)_Wj = d(∇_Wj f) with every direction dWi = Δi. */
export function hvpDerivation(f: Expr, wrt: readonly SymNode[], wj: SymNode, Gj: Expr, printed: Expr, subs?: Substitution): HessianDerivation {
  const dG = unfolded(Gj, wrt);
  return {
    title: `(HΔ)_${wj.name}`,
    result: 'Hessian-vector product',
    printed,
    derivation: {
      quantity: { text: `(H dW)_${wj.name}`, latex: `\\left(\\boldsymbol{H}\\boldsymbol{\\Delta}\\right)_{${symLatex(wj)}}` },
      ...atPoint(dG.start, dG.steps, subs, printed),
      startReason: reasonFor('hessian-vector-product'),
      where: [],
      ...(isSymmetricSymbol(wj) || !pendingDifferential(Gj, wrt) ? {} : { definition: op('diff', [derivative('grad', [f, wj]), ...dirs(wrt)]) }),
    },
  };
}
