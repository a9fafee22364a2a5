// `matcalc derive` and `derive --hessian` as documents (Markdown, HTML, standalone LaTeX): the function
// and its declarations, the results as numbered equations, the names used, recorded derivations when
// --steps asked for them, and the check's verdict as prose. Also `derive --steps --format latex`: the
// derivations alone, to paste into a paper.
import { notationFor, withNotation } from '../ops/elementwise.js';
import { sym, type Expr, type SymNode } from '../expr/ast.js';
import type { Derivation } from '../derivation/model.js';
import { dimLatex, isOne } from '../expr/dim.js';
import { isScalarShape } from '../expr/shape.js';
import type { Declarations } from '../lang/decl.js';
import type { Named } from '../rewrite/present.js';
import type { DeriveOutput, RecordedDerivation } from '../app/derive.js';
import type { HessianOutput, RecordedHessianDerivation } from '../app/hessian.js';
import { chainVerdictLine, checkedVerdictLine, COOKBOOK_NOTE, derivedQuantity, resultRows, symmetricNote, verdictLine } from './derive-output.js';
import { hessianRows, hessianVerdictLine, hvpRows, SYMMETRIC_HESSIAN_NOTE, VEC_CONVENTION } from './hessian-output.js';
import { derivationLatex } from './derivation-latex.js';
import { symLatex } from './names.js';
import { toLatex } from './print.js';
import { math, text, type Inline } from './prose.js';
import type { Block, DocumentInput, Heading, Section } from './document.js';
import { visibleLength } from './layout.js';

/**
 * "Gradient of f = ½‖Xw − y‖²": the function typeset in the title (its text has ^ and * that text mode
 * would print as accents and stars), or "Gradient of f" when it is too long for a title's line or two.
 */
function titleOf(what: string, f: DeriveOutput['f'], expr: string): Heading {
  const tex = `f = ${toLatex(f)}`;
  return { plain: `${what} of f = ${expr.trim()}`, parts: [text(`${what} of `), math(visibleLength(tex) <= 36 ? tex : 'f')] };
}

const prose = (...parts: Inline[]): Block => ({ kind: 'prose', parts });
/** Messages of the checker as sentences: a capital and a full stop (the report's, not the paper's). */
const sentence = (s: string): Block => ({ kind: 'prose', parts: [text(s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?)]$/.test(s) ? '' : '.'))], report: true });

function membership(s: SymNode): Inline[] {
  const space = isScalarShape(s.shape)
    ? '\\mathbb{R}'
    : isOne(s.shape.cols)
      ? `\\mathbb{R}^{${dimLatex(s.shape.rows)}}`
      : `\\mathbb{R}^{${dimLatex(s.shape.rows)} \\times ${dimLatex(s.shape.cols)}}`;
  return [math(`${symLatex(s)} \\in ${space}`), ...(s.props.size ? [text(` ${[...s.props].join(', ')}`)] : [])];
}

/** "f = …, where W1 ∈ ℝ^{h×d}, …, at Y = …" */
function functionSection(f: DeriveOutput['f'], decls: Declarations, at: readonly Inline[][] = []): Section {
  const parts: Inline[] = [text('The function is '), math(`f = ${toLatex(f)}`), text(', with ')];
  [...decls.symbols.values()].forEach((s, i) => parts.push(...(i ? [text(', ')] : []), ...membership(s)));
  at.forEach((a, i) => parts.push(text(i ? ' and ' : ', evaluated where '), ...a));
  parts.push(text('.'));
  return { title: 'Function', blocks: [prose(...parts)] };
}

function whereBlock(named: readonly Named[]): Block[] {
  if (!named.length) return [];
  const parts: Inline[] = [text('where ')];
  named.forEach((n, i) => parts.push(...(i ? [text(i === named.length - 1 ? ' and ' : ', ')] : []), math(`${toLatex(sym(n.name, n.value.shape))} = ${toLatex(n.value)}`)));
  parts.push(text('.'));
  return [prose(...parts)];
}

/**
 * A document and the notation it is printed in: σ is the logistic function unless f uses the generic σ
 * too (notationFor); the renderer prints its derivations in the same notation.
 */
function inNotation<O extends { f: Expr }>(o: O, doc: (o: O) => DocumentInput): DocumentInput {
  const notation = notationFor([o.f]);
  return { ...withNotation(notation, () => doc(o)), notation };
}

export const deriveDocument = (o: DeriveOutput): DocumentInput => inNotation(o, gradientDocument);
export const hessianDocument = (o: HessianOutput): DocumentInput => inNotation(o, hessianPage);

function gradientDocument(o: DeriveOutput): DocumentInput {
  const gradient = o.kind === 'gradient';
  const result: Block[] = [{ kind: 'equations', rows: resultRows(o) }, ...whereBlock(o.named)];
  for (const r of o.results)
    if (r.cookbookDisplay) {
      result.push(prose(text(`Note: ${symmetricNote(r.variable.name)}. An ${COOKBOOK_NOTE}:`)));
      result.push({ kind: 'equations', rows: [{ lhs: '', rhs: toLatex(r.cookbookDisplay) }] });
    }
  if (!gradient)
    result.push(prose(text('Convention: vec stacks columns; ∇_{vec X} vec F is (mn)×(pq) for X m×n and F p×q, and d vec F = (∇_{vec X} vec F)ᵀ d vec X.')));
  const sections: Section[] = [functionSection(o.f, o.decls), { title: gradient ? 'Gradient' : 'Jacobian (denominator layout)', blocks: result }];
  for (const d of o.derivations ?? [])
    sections.push({
      title: `Derivation of the gradient with respect to ${d.style === 'vec' ? `vec(${d.variable.name})` : d.variable.name}, step by step`,
      blocks: [{ kind: 'derivation', derivation: d.display }, sentence(chainVerdictLine(d))],
    });
  const check = o.verdict ? [verdictLine(o.verdict), ...o.verdict.notes.map((n) => `note: ${n}`)] : ['check skipped (--no-check)'];
  sections.push({ title: 'Check', blocks: check.map(sentence), report: true });
  return { title: titleOf(gradient ? 'Gradient' : 'Jacobian', o.f, o.input.expr), sections };
}

function hessianPage(o: HessianOutput): DocumentInput {
  const at = o.assumptions.map((a) => [math(`${symLatex(a.symbol)} = ${toLatex(a.value)}`)]);
  const blocks: Block[] = [prose(text(`Convention: ${VEC_CONVENTION}.`)), { kind: 'equations', rows: hessianRows(o) }];
  if (o.wrt.length > 1) blocks.push(prose(text('The blocks below the diagonal are the transposes: H[Wj, Wi] = H[Wi, Wj]ᵀ.')));
  if (o.wrt.some((w) => w.props.has('symmetric') || w.props.has('spd'))) blocks.push(prose(text(`Note: ${SYMMETRIC_HESSIAN_NOTE}.`)));
  blocks.push(prose(text('Hessian-vector products in matrix form:')), { kind: 'equations', rows: hvpRows(o) }, ...whereBlock(o.named));
  const check = o.verdict ? hessianVerdictLine(o.verdict) : 'check skipped (--no-check)';
  const steps: Section[] = (o.derivations ?? []).map((d) => ({
    title: `Derivation of ${HESSIAN_TITLES[d.result](d.title)}, step by step`,
    blocks: [{ kind: 'derivation', derivation: d.display }, sentence(checkedVerdictLine(d.verdict, d.result, true))],
  }));
  return {
    title: titleOf('Hessian', o.f, o.input.expr),
    sections: [functionSection(o.f, o.decls, at), { title: 'Hessian', blocks }, ...steps, { title: 'Check', blocks: [sentence(check)], report: true }],
  };
}

const HESSIAN_TITLES: Record<RecordedHessianDerivation['result'], (t: string) => string> = {
  'Hessian block': (t) => `the block ${t}`,
  'bilinear form': () => 'the second differential (the bilinear form)',
  'Hessian-vector product': (t) => `the Hessian-vector product ${t}`,
};

/** --hessian --steps --format latex: each derivation as an align and its "where (i) …" paragraph. */
export function hessianStepsLatex(derivations: readonly RecordedHessianDerivation[]): string {
  return withNotation(notationFor(derivations.flatMap(chainExprs)), () => derivations.map((d) => `% ${d.title}, step by step (matcalc); ${checkedVerdictLine(d.verdict, d.result, true)}\n${derivationLatex(d.display)}`).join('\n'));
}

/** Each recorded derivation as an align and its "where (i) …" paragraph, after a comment with its check. */
export function stepsLatex(derivations: readonly RecordedDerivation[]): string {
  return withNotation(notationFor(derivations.flatMap(chainExprs)), () => derivations.map((d) => `% ${derivedQuantity(d)}, step by step (matcalc); ${chainVerdictLine(d)}\n${derivationLatex(d.display)}`).join('\n'));
}

/** The expressions of a recorded chain (for its notation: σ). */
const chainExprs = (d: { display: Derivation }): Expr[] => [d.display.start, ...d.display.steps.map((s) => s.expr)];
