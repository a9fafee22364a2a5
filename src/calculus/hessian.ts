// Second derivatives. For scalar f and variables W1, …, Wk (in --wrt order):
// - the second differential d²f (differentiate df again, the dWi held fixed): the bilinear form
//   ∇²f[Δ, Δ] with Δi = dWi, simplified into norms and inner products as Zhu et al. write it;
// - the vec-Hessian blocks H[Wi, Wj] = ∇_{vec Wi}(∇_{vec Wj} f), (|Wi|×|Wj|), obtained by identifying
//   d vec(∇_{Wj} f) = J d vec(Wi) ⇒ H[Wi, Wj] = Jᵀ. By the second identification theorem this is
//   ½(B + Bᵀ) for d²f = (d vec W)ᵀ B (d vec W): the Jacobian of a gradient is already symmetric;
// - Hessian-vector products in matrix form, (HΔ)_{Wj} = d(∇_{Wj} f) with dWi = Δi.
// An evaluation point may be given by substitutions (Y := W2 W1 X, "at a zero-loss minimiser"): they
// are applied after differentiating, so terms multiplied by the vanishing residual drop out.
import { Expr, SymNode, num, substitute } from '../expr/ast.js';
import { T, zeroLike } from '../expr/build.js';
import { simplify } from '../rewrite/simplify.js';
import { present, deriveGradients } from './derive.js';
import { differential } from './differential.js';
import { vecJacobians } from './identify.js';
import { isolateDirections } from '../rewrite/present.js';

export interface Hessian {
  readonly vars: readonly SymNode[];
  /** ∇_{W} f for each variable, before any substitution (what the checker differences) */
  readonly gradients: ReadonlyMap<string, Expr>;
  /** blocks[i][j] = ∇_{vec Wi}(∇_{vec Wj} f) */
  readonly blocks: readonly (readonly Expr[])[];
  /** d²f, quadratic in the directions dWi */
  readonly bilinear: Expr;
  /** (HΔ) in matrix form, one per variable */
  readonly hvp: ReadonlyMap<string, Expr>;
}

export type Substitution = ReadonlyMap<Expr, Expr>;

function at(e: Expr, subs: Substitution | undefined): Expr {
  return subs && subs.size ? simplify(substitute(e, subs)) : e;
}

export function deriveHessian(f: Expr, wrt: readonly SymNode[], subs?: Substitution): Hessian {
  const grads = deriveGradients(f, wrt);
  const gradients = new Map(grads.map((g) => [g.variable.name, g.value]));
  const block = (wi: SymNode, wj: SymNode) => {
    const G = gradients.get(wj.name)!;
    const dG = differential(G, [wi]);
    const J = vecJacobians(dG && simplify(dG), G, [wi]).get(wi.name)!;
    return present(at(simplify(T(J)), subs));
  };
  // the blocks below the diagonal are the transposes of those above, so that every output is consistent:
  // with a symmetric variable, ∇_vec(Wi)∇_vec(Wj) f and ∇_vec(Wj)∇_vec(Wi) f agree only on symmetric directions
  const upper = wrt.map((wi, i) => wrt.map((wj, j) => (j >= i ? block(wi, wj) : undefined)));
  const blocks = upper.map((row, i) => row.map((b, j) => b ?? present(simplify(T(upper[j][i]!)))));
  const bilinear = bilinearForm(f, wrt, subs);
  const hvp = new Map(
    wrt.map((w) => {
      const dG = differential(gradients.get(w.name)!, wrt);
      return [w.name, dG ? isolateDirections(present(at(simplify(dG), subs))) : zeroLike(gradients.get(w.name)!)];
    }),
  );
  return { vars: wrt, gradients, blocks, bilinear, hvp };
}

/**
 * ∇²f[Δ, Δ] with every member of a family varying (Δ = (dW_1, …, dW_l)): the second differential with
 * respect to the whole family, in which products over the family give sums over one layer, then over
 * pairs of layers (ZL's general-point form of the deep-network Hessian).
 */
export function deriveFamilyQuadratic(f: Expr, whole: SymNode, subs?: Substitution): Expr {
  return bilinearForm(f, [whole], subs);
}

/** d²f (differentiate df again, the directions held fixed), at the point, in norms and inner products. */
function bilinearForm(f: Expr, wrt: readonly SymNode[], subs?: Substitution): Expr {
  const df = differential(simplify(f), wrt);
  const d2f = df && differential(simplify(df), wrt);
  return d2f ? isolateDirections(present(at(simplify(d2f), subs))) : num(0);
}
