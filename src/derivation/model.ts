// A derivation as the papers' appendices write it: a quantity, then a chain of equalities, each step
// justified by a rule ("(ii) follows because vec(AXB) = (Bᵀ ⊗ A) vec(X)"), then "where e = …".
// The engine records derivations in this form; the renderers (LaTeX, Markdown, HTML) print it; the
// checker verifies each step. Nothing here depends on how a derivation was produced.
import type { Expr } from '../expr/ast.js';
import type { Inline } from '../render/prose.js';

/** Text in two notations: the input language (or plain prose) and LaTeX. */
export interface Label {
  readonly text: string;
  readonly latex: string;
  /** the text as typeset prose (an author's reason with $…$ math), when it is not plain */
  readonly parts?: readonly Inline[];
}

export interface Reason {
  /** the rule's name in rules/*.rules, when a rule justifies the step */
  readonly rule?: string;
  /** how the paper would say it: "the product rule", "vec(AXB) = (Bᵀ ⊗ A) vec(X)" */
  readonly says: Label;
  /** where the identity comes from: "Magnus & Neudecker (2019), Thm 2.2", "Matrix Cookbook eq. (520)" */
  readonly citation?: string;
  /** further rules the same step applies, in order (Zhou & Liang's (iii): the chain rule and (A ⊗ B)ᵀ = Aᵀ ⊗ Bᵀ) */
  readonly with?: readonly Reason[];
}

/** One application of a rule inside a step: the subexpression before and after. */
export interface RuleApplication {
  readonly rule: string;
  readonly before: Expr;
  readonly after: Expr;
  /** the rule read from right to left (p(A ∘ B) + q(A ∘ C) = A ∘ (pB + qC) as a distribution) */
  readonly reversed?: boolean;
}

export interface Step {
  /** the right-hand side after this step */
  readonly expr: Expr;
  /** why it equals the previous line; steps without a reason are bookkeeping (re-association, ×1) */
  readonly reason?: Reason;
  /** the subexpression the rule rewrote, before and after (for "applied to …" and for checking) */
  readonly site?: { readonly before: Expr; readonly after: Expr };
  /**
   * Every rule application the step makes, in order, the ones a paper does silently (linearity, moving
   * a factor across ⟨·, ·⟩) included: each can be checked against its rule by the matcher.
   */
  readonly rewrites?: readonly RuleApplication[];
}

export interface Definition {
  readonly name: string;
  readonly value: Expr;
}

export interface Derivation {
  readonly title?: string;
  /** the quantity derived, e.g. ∇_{vec(W2)} f */
  readonly quantity: Label;
  /** the first right-hand side (what the quantity is by definition) */
  readonly start: Expr;
  /** why the quantity equals the first right-hand side, when that is itself a justified step */
  readonly startReason?: Reason;
  readonly steps: readonly Step[];
  /** "where e = W3W2W1X − Y" */
  readonly where: readonly Definition[];
  /** the paper's equation number for the first line, if the derivation reproduces one */
  readonly equation?: string;
  /**
   * What the quantity means, for the checker, when the first line is not that by definition: the
   * checker compares it with the first line (d²f = diff(diff(f, X, dX), X, dX) against d(df) with df
   * written out). Derivative operators in it are evaluated by finite differences.
   */
  readonly definition?: Expr;
  /**
   * The derivation goes on with another quantity, "⇒ ∇_X f = G" after "df = ⟨G, dX⟩"; its startReason
   * says why (the identification theorem).
   */
  readonly then?: Derivation;
}

/** The derivation and the ones it goes on with, in order. */
export function segments(d: Derivation): Derivation[] {
  const out: Derivation[] = [];
  for (let s: Derivation | undefined = d; s; s = s.then) out.push(s);
  return out;
}
