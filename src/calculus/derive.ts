// derive: f and the variables in, simplified gradients (or vec-Jacobians) out, in denominator layout.
import { Expr, SymNode, familyMarker, isScalar, num } from '../expr/ast.js';
import { add, eye, hadamard, mul, T } from '../expr/build.js';
import { InputError } from '../expr/errors.js';
import { shapeText } from '../expr/shape.js';
import { simplify } from '../rewrite/simplify.js';
import { factorCommon } from '../rewrite/present.js';
import { authorForm } from '../rewrite/author.js';
import { toText } from '../render/print.js';
import { differential } from './differential.js';
import { gradients, vecJacobians } from './identify.js';

export interface Derivative {
  readonly variable: SymNode;
  /** ∇_X f (shape of X), or ∇_{vec X} vec F ((mn)×(pq)) */
  readonly value: Expr;
  /** for symmetric variables: the Matrix Cookbook's G + Gᵀ − G∘I, clearly labelled as an alternative */
  readonly cookbook?: Expr;
}

function isSymmetricVar(v: SymNode): boolean {
  return v.props.has('symmetric') || v.props.has('spd');
}

function checkWrt(f: Expr, wrt: readonly SymNode[]): void {
  if (wrt.length === 0) throw new InputError('nothing to differentiate with respect to: give --wrt X (or several: --wrt W1,W2)');
  for (const v of wrt)
    if (!f.vars.has(v.name) && !(v.member && f.vars.has(familyMarker(v.member.family))))
      throw new InputError(`--wrt ${v.name}: the function does not depend on ${v.name} (it depends on ${[...f.vars].filter((n) => !n.endsWith('[*]')).sort().join(', ') || 'no variable'})`);
}

export function present(e: Expr): Expr {
  return authorForm(factorCommon(simplify(e)));
}

/** Gradients of a scalar function: df = ⟨G, dX⟩ ⇒ ∇_X f = G. */
export function deriveGradients(f: Expr, wrt: readonly SymNode[]): Derivative[] {
  if (!isScalar(f)) throw new InputError(`a gradient needs a scalar function, but ${toText(f)} is ${shapeText(f.shape)}; use --jacobian for ∇_{vec X} vec F`);
  checkWrt(f, wrt);
  // differentiate the canonical form, so equal subexpressions have equal differentials
  const df = differential(simplify(f), wrt);
  const G = gradients(df && simplify(df), wrt);
  return wrt.map((v) => {
    const g = simplify(G.get(v.name)!);
    if (!isSymmetricVar(v)) return { variable: v, value: present(g) };
    // on the symmetric subspace only sym(G) is determined: df = ⟨G, dS⟩ = ⟨sym(G), dS⟩ for symmetric dS
    const symG = simplify(mul(num(0.5), add(g, T(g))));
    const cookbook = simplify(add(g, T(g), mul(num(-1), hadamardWithEye(g))));
    return { variable: v, value: present(symG), cookbook: present(cookbook) };
  });
}

function hadamardWithEye(g: Expr): Expr {
  return hadamard(g, eye(g.shape.rows));
}

/** Jacobians in denominator layout: d vec F = J d vec X ⇒ ∇_{vec X} vec F = Jᵀ. */
export function deriveJacobians(F: Expr, wrt: readonly SymNode[]): Derivative[] {
  checkWrt(F, wrt);
  const dF = differential(simplify(F), wrt);
  const J = vecJacobians(dF && simplify(dF), F, wrt);
  return wrt.map((v) => ({ variable: v, value: present(T(J.get(v.name)!)) }));
}
