// ∇_X f step by step in the differential style (Magnus & Neudecker; the Matrix Cookbook; Zhu et al.'s
// App. B): df = d(f) unfolded rule by rule until it is linear in dX, brought into the form ⟨G, dX⟩, then
//   df = ⟨G, dX⟩ = tr(Gᵀ dX) ⇒ ∇_X f = G,
// and for a symmetric variable ∇_S f = sym(G). The last line is the engine's printed gradient.
import { Expr, SymNode, isOp, isSymmetricSymbol } from '../expr/ast.js';
import { endInPrinted } from './printed-steps.js';
import { add, derivative, mul, T } from '../expr/build.js';
import { num } from '../expr/ast.js';
import { simplify } from '../rewrite/simplify.js';
import { symLatex } from '../render/names.js';
import type { Derivation } from './model.js';
import { pendingDifferential, tidyDifferential, unfoldDifferential } from './differential-steps.js';
import { identifyGradient } from './identify-steps.js';
import { reasonFor } from './rule-reasons.js';

export function differentialGradientDerivation(f: Expr, x: SymNode, printed: Expr): Derivation {
  const start = pendingDifferential(tidyDifferential(f), [x])!;
  const unfolded = unfoldDifferential(start, [x]);
  const identified = identifyGradient(unfolded.result, x);
  const steps = [...unfolded.steps, ...identified.steps];
  const G = identified.G;
  const symmetric = isSymmetricSymbol(x);
  const symG = symmetric ? simplify(mul(num(0.5), add(G, T(G)))) : G;
  const gradient: Derivation = {
    quantity: { text: `grad(f, ${x.name})`, latex: `\\nabla_{${symLatex(x)}} f` },
    // on the symmetric matrices only sym(G) is determined: ⟨G, dS⟩ = ⟨sym(G), dS⟩ for symmetric dS
    ...endInPrinted(symG, [], printed),
    startReason: reasonFor(symmetric ? 'symmetric-identification' : 'gradient-identification'),
    where: [],
    // for a symmetric S, differences along single entries give G, not sym(G): df = ⟨∇f, dS⟩ is checked instead
    ...(symmetric ? {} : { definition: derivative('grad', [f, x]) }),
  };
  return {
    quantity: { text: 'df', latex: '\\mathrm{d}f' },
    start,
    steps,
    where: [],
    then: gradient,
  };
}
