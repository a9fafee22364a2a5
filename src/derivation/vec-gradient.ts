// Step-by-step derivations of ∇_{vec X} f in the style of Zhou & Liang App. B (90)–(97): the quantity is
// rewritten by rules from rules/ — ‖e‖² = vec(e)ᵀvec(e), the product rule, vec(AXB) = (Bᵀ ⊗ A)vec(X),
// ∇_x Ax = Aᵀ, (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ, … — one recorded step per rule. Bookkeeping (re-association,
// collecting ½·2, dropping ×1, Aᵀᵀ = A, moving a constant factor out) is merged into the step it
// follows. The strategy is a list of rule names, tried in order at every step; when none applies and
// a derivative operator is left, the derivation is incomplete and says so.
import { Expr, OpNode, SymNode, isOp, mapDag, num, op, substitute } from '../expr/ast.js';
import { dependentPositions } from '../ops/range.js';
import { UnsupportedError } from '../expr/errors.js';
import { opDef } from '../ops/registry.js';
import { NO_BINDINGS, prebind, rewriteOnce, type Bindings } from '../rewrite/match.js';
import type { Rule } from '../rewrite/rules.js';
import { toText } from '../render/print.js';
import { symLatex } from '../render/names.js';
import type { Derivation, Step } from './model.js';
import { reasonOf } from './rule-reasons.js';
import { dependsOn } from '../calculus/differential.js';

/** Rules applied silently, folded into the step before them. */
const MERGED = new Set(['jac-scale', 'transpose-transpose']);
/** Rules shown as their own line without a label (Zhou & Liang (94): dropping −Y). */
const PLAIN = new Set(['jac-constant']);

/** Expand: remove the derivative operator. */
const EXPAND = [
  'frobenius-vec', 'jac-scale', 'jac-square', 'jac-product', 'jac-constant',
  'jac-entrywise', 'prod-split', 'vec-kron', 'vec-kron-left', 'vec-kron-right', 'jac-linear', 'jac-chain',
  'kron-transpose', 'transpose-transpose',
];
/** Collect: back from diag/Kronecker forms to vec of a matrix, as ZL eq. (15) does for σ′. */
const COLLECT = ['vec-kron-left-collect', 'vec-hadamard-collect'];

/** Rules that may move any function of the variable out of a product, not only the variable itself. */
const FOCUS = new Set(['vec-kron', 'vec-kron-left', 'vec-kron-right']);

/** X depends on the variable and every other bound piece is constant. */
function focused(b: Bindings, x: SymNode): boolean {
  const X = b.exprs.get('X');
  if (!X || !dependsOn(X, x)) return false;
  return [...b.exprs].every(([k, e]) => k === 'X' || !dependsOn(e, x));
}

/** Bookkeeping that needs no justification: flatten products, collect numbers, drop I and Aᵀᵀ. */
export function tidy(e: Expr): Expr {
  return mapDag(e, (_o, r) => {
    if (isOp(r, 'transpose') && isOp(r.args[0], 'transpose')) return r.args[0].args[0];
    if (isOp(r, 'transpose') && isOp(r.args[0], 'eye')) return r.args[0];
    // a number's power is a number (2μ⟨U, dU⟩/2 = μ⟨U, dU⟩)
    if (isOp(r, 'pow') && r.args[0].kind === 'num' && Number.isFinite(r.args[0].value ** r.attrs.k!) && r.args[0].value !== 0) return num(r.args[0].value ** r.attrs.k!);
    if (isOp(r, 'mul')) {
      const s = opDef('mul').simplify!(r);
      return s === r ? r : tidy(s);
    }
    return r;
  });
}

function hasDerivative(e: Expr): boolean {
  return e.kind === 'op' && (['jac', 'grad', 'diff', 'hess'].includes(e.op) || e.args.some(hasDerivative));
}

/**
 * For a member W[k]: split the product inside ∇_vec(W_k) that contains W_k at k (ZL (95)), by the rule
 * prod-split with its k bound to the factor's position — only inside the derivative, not in vec(e).
 */
function splitAtVariable(rule: Rule, cur: Expr, x: SymNode): { result: Expr; site: { before: Expr; after: Expr } } | undefined {
  const jacs: OpNode[] = [];
  const seen = new Set<Expr>();
  const walk = (e: Expr) => {
    if (seen.has(e) || e.kind !== 'op') return;
    seen.add(e);
    if (isOp(e, 'jac') && e.args[1] === x) jacs.push(e);
    e.args.forEach(walk);
  };
  walk(cur);
  for (const J of jacs) {
    const prods: Expr[] = [];
    const inner = new Set<Expr>();
    const find = (e: Expr) => {
      if (inner.has(e) || e.kind !== 'op') return;
      inner.add(e);
      if (isOp(e, 'prod')) prods.push(e);
      else e.args.forEach(find);
    };
    find(J.args[0]);
    for (const P of prods) {
      const at = dependentPositions(P as OpNode, [x]);
      if (at.length !== 1) continue;
      const k = [...rule.decls.indices.values()].find((v) => v.name === 'k');
      const r = k && rewriteOnce(rule, P, { ...NO_BINDINGS, idx: new Map([[k, at[0]]]) });
      if (!r || r.site.before !== P) continue;
      const J2 = substitute(J, new Map([[P, r.result]]));
      return { result: substitute(cur, new Map([[J, J2]])), site: { before: P, after: r.result } };
    }
  }
  return undefined;
}

export function vecGradientDerivation(f: Expr, x: SymNode, rules: ReadonlyMap<string, Rule>): Derivation {
  const start = op('jac', [f, x]);
  const steps: Step[] = [];
  let cur: Expr = start;
  let pendingSite: Step['site'];
  for (const phase of [EXPAND, COLLECT]) {
    for (let guard = 0; guard < 40; guard++) {
      let applied = false;
      for (const name of phase) {
        const rule = rules.get(name);
        if (!rule) throw new Error(`the strategy names rule ${name}, which is not in rules/`);
        // while expanding, the rules' X is the variable; collecting works on any matrix
        if (name === 'prod-split') {
          const r = x.member ? splitAtVariable(rule, cur, x) : undefined;
          if (!r) continue;
          cur = tidy(r.result);
          applied = true;
          steps.push({ expr: cur, reason: reasonOf(rule), site: pendingSite ?? r.site });
          pendingSite = undefined;
          break;
        }
        const fixed = phase === EXPAND ? prebind(rule, { X: x }) : NO_BINDINGS;
        // the vec rules may also pull out a function of the variable (vec(W2 σ(W1X)) with X := σ(W1X)),
        // as long as everything else is constant
        const r =
          (fixed && rewriteOnce(rule, cur, fixed)) ||
          (FOCUS.has(name) ? rewriteOnce(rule, cur, NO_BINDINGS, (b) => focused(b, x)) : undefined);
        if (!r) continue;
        const next = tidy(r.result);
        if (next === cur) continue;
        cur = next;
        applied = true;
        const last = steps[steps.length - 1];
        if (MERGED.has(name) || (last?.reason?.rule === name && !PLAIN.has(name))) {
          // the same rule twice in a row is one step, as a paper would write it
          // folded into the previous line (or the next, when there is none yet)
          if (steps.length) steps[steps.length - 1] = { ...steps[steps.length - 1], expr: cur };
          else pendingSite = r.site;
        } else {
          steps.push({ expr: cur, ...(PLAIN.has(name) ? {} : { reason: reasonOf(rule) }), site: pendingSite ?? r.site });
          pendingSite = undefined;
        }
        break;
      }
      if (!applied) break;
    }
  }
  if (hasDerivative(cur))
    throw new UnsupportedError(
      `no step-by-step derivation for ∇_vec(${x.name}) of this function: the vec rules in rules/ stop at ${toText(cur)}; --steps differential derives it with differentials`,
    );
  return {
    quantity: { text: `jac(f, ${x.name})`, latex: `\\nabla_{\\operatorname{vec}(${symLatex(x)})} f` },
    start,
    steps,
    where: [],
  };
}
