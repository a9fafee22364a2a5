// Identification. For scalar f with df = L(dX) linear in dX, the first identification theorem gives
// df = tr(Gᵀ dX) = ⟨G, dX⟩ ⇒ ∇_X f = G (denominator layout: G has the shape of X). G is found by
// pulling the seed 1 back through L with each linear operator's adjoint — symbolic reverse mode over
// the expression DAG, so shared subexpressions are visited once.
//
// For matrix F, d vec F = J d vec X ⇒ ∇_{vec X} vec F = Jᵀ; J is assembled from each operator's
// vec-linear map (vec(AXB) = (Bᵀ ⊗ A) vec X, vec(Xᵀ) = K vec X, vec(A∘X) = diag(vec A) vec X, …).
import { Expr, OpNode, isOp, num } from '../expr/ast.js';
import { sumOver } from '../expr/families.js';
import { add, eye, mul, zeros } from '../expr/build.js';
import { dimMul } from '../expr/dim.js';
import { UnsupportedError } from '../expr/errors.js';
import { opDef, type OpDef } from '../ops/registry.js';
import type { SymNode } from '../expr/ast.js';

function topoOrder(root: Expr): Expr[] {
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const visit = (e: Expr) => {
    if (seen.has(e) || !e.hasDelta) return;
    seen.add(e);
    if (e.kind === 'op') e.args.forEach(visit);
    order.push(e);
  };
  visit(root);
  return order.reverse(); // root first
}

function linearOp<K extends 'adjoint' | 'vecLinear'>(e: OpNode, what: K): NonNullable<OpDef[K]> {
  const f = opDef(e.op)[what];
  if (!f) throw new UnsupportedError(`internal: ${e.op} is not linear, yet it contains a differential`);
  return f as NonNullable<OpDef[K]>;
}

/** ∇_X f for each variable X, given df (linear in the dX). Missing variables get zero gradients. */
export function gradients(df: Expr | null, vars: readonly SymNode[]): Map<string, Expr> {
  const result = df ? pullback(df, num(1)) : new Map<string, Expr>();
  for (const v of vars) if (!result.has(v.name)) result.set(v.name, zeros(v.shape.rows, v.shape.cols));
  return result;
}

/**
 * The adjoints of the differentials in `root` for the seed U: ⟨U, root⟩ = Σ_X ⟨G_X, dX⟩. A sum over an
 * index range, Σ_j L_j(dX), is pulled back term by term with its variable still bound, and summed.
 */
function pullback(root: Expr, seed: Expr): Map<string, Expr> {
  const adj = new Map<Expr, Expr[]>([[root, [seed]]]);
  const result = new Map<string, Expr>();
  const addTo = (name: string, g: Expr) => result.set(name, result.has(name) ? add(result.get(name)!, g) : g);
  for (const e of topoOrder(root)) {
    const parts = adj.get(e);
    if (!parts) continue;
    const U = parts.length === 1 ? parts[0] : add(...parts);
    if (e.kind === 'sym') {
      addTo(e.name, U);
      continue;
    }
    if (e.kind !== 'op') continue;
    if (isOp(e, 'isum')) {
      for (const [name, g] of pullback(e.args[0], U)) addTo(name, sumOver(e.attrs.range!, g));
      continue;
    }
    const adjoint = linearOp(e, 'adjoint');
    e.args.forEach((a, i) => {
      if (!a.hasDelta) return;
      const list = adj.get(a) ?? [];
      list.push(adjoint(e, i, U));
      adj.set(a, list);
    });
  }
  return result;
}

/** J_X with d vec F = Σ_X J_X d vec X (numerator layout; the Jacobian in denominator layout is J_Xᵀ). */
/** Stands for the identity map of d vec X while Jacobians are chained (the 1×1 identity is 1 too). */
const IDENTITY = num(1);

export function vecJacobians(dF: Expr | null, F: Expr, vars: readonly SymNode[]): Map<string, Expr> {
  const memo = new Map<Expr, Map<string, Expr>>();
  const walk = (e: Expr): Map<string, Expr> => {
    const m = memo.get(e);
    if (m) return m;
    const out = new Map<string, Expr>();
    if (e.kind === 'sym' && e.delta) out.set(e.name, IDENTITY);
    else if (isOp(e, 'isum') && e.hasDelta) {
      // vec Σ_j L_j = Σ_j vec L_j: the body's Jacobians with j bound, summed
      for (const [name, J] of walk(e.args[0])) out.set(name, sumOver(e.attrs.range!, J === IDENTITY ? eye(dimMul(e.shape.rows, e.shape.cols)) : J));
    } else if (e.kind === 'op' && e.hasDelta) {
      const lin = linearOp(e, 'vecLinear');
      e.args.forEach((a, i) => {
        if (!a.hasDelta) return;
        const M = lin(e, i);
        for (const [name, J] of walk(a)) {
          const term = J === IDENTITY ? M : mul(M, J);
          out.set(name, out.has(name) ? add(out.get(name)!, term) : term);
        }
      });
    }
    memo.set(e, out);
    return out;
  };
  const result = new Map<string, Expr>();
  if (dF) {
    const top = walk(dF);
    for (const v of vars) {
      const J = top.get(v.name);
      if (!J) continue;
      // a bare dX (F = X) has Jacobian I
      result.set(v.name, J === IDENTITY ? eye(dimMul(v.shape.rows, v.shape.cols)) : J);
    }
  }
  for (const v of vars)
    if (!result.has(v.name)) result.set(v.name, zeros(dimMul(F.shape.rows, F.shape.cols), dimMul(v.shape.rows, v.shape.cols)));
  return result;
}
