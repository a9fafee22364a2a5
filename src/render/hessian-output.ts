// Output of `matcalc derive --hessian` in text, LaTeX and JSON.
import { notationFor, withNotation } from '../ops/elementwise.js';
import { sym, type Expr, type SymNode } from '../expr/ast.js';
import { dimMul, isOne } from '../expr/dim.js';
import { shape, shapeText } from '../expr/shape.js';
import type { FamilyHessianOutput, HessianOutput, RecordedHessianDerivation } from '../app/hessian.js';
import type { QuadraticVerdict } from '../check/instances.js';
import type { HessianVerdict } from '../check/hessian.js';
import { symLatex } from './names.js';
import { toLatex, toText } from './print.js';
import { alignedLatex, chainCheckJson, checkedDerivationText, checkedVerdictLine, declarationsText, pointsText, uncheckedLine, verdictJson } from './derive-output.js';
import { derivationLatex } from './derivation-latex.js';
import type { FamilyHessianJson, HessianJson, HessianStepsJson } from '../api/types.js';

export const VEC_CONVENTION =
  'vec stacks columns; H[Wi, Wj] = ∇_vec(Wi) ∇_vec(Wj) f is |Wi|×|Wj| (|W| = number of entries), the full Hessian stacks the blocks with the variables in --wrt order, and d²f = Σ vec(dWi)ᵀ H[Wi, Wj] vec(dWj)';
export const SYMMETRIC_HESSIAN_NOTE =
  'for a symmetric variable the Hessian is the quadratic form on symmetric directions dX (it is the derivative of the symmetric-subspace gradient sym(G))';

const size = (w: SymNode) => dimMul(w.shape.rows, w.shape.cols);

export function hessianVerdictLine(v: HessianVerdict): string {
  const unchecked = uncheckedLine(v);
  if (unchecked) return unchecked;
  const sizes = pointsText(v.points);
  const worst = (k: 'hvpError' | 'blockError' | 'quadraticError' | 'asymmetry') => Math.max(...v.points.map((p) => p[k])).toExponential(1);
  return `${v.passed ? 'check passed' : 'CHECK FAILED'}: gradient ${v.gradient.maxError.toExponential(1)}, H·V ${worst('blockError')}, HVP expressions ${worst('hvpError')}, ∇²f[V,V] ${worst('quadraticError')} (tolerances ${v.tolerance.toExponential(0)}, ${v.quadraticTolerance.toExponential(0)}), asymmetry ${worst('asymmetry')}, at ${v.points.length} random points [${sizes}], ${v.evaluations} evaluations`;
}

export function formatHessianText(o: HessianOutput): string {
  const L: string[] = [];
  const decl = declarationsText(o.decls);
  L.push(`f = ${o.input.expr.trim()}`, `  with ${decl}`);
  for (const a of o.assumptions) L.push(`  at ${a.symbol.name} = ${toText(a.value)}`);
  L.push('', `Hessian blocks (${VEC_CONVENTION}):`);
  o.wrt.forEach((wi, i) =>
    o.wrt.forEach((wj, j) => {
      if (j < i) return; // H[Wj, Wi] = H[Wi, Wj]ᵀ
      L.push(`H[${wi.name}, ${wj.name}] (${shapeText(shape(size(wi), size(wj)))}):`, `  ${toText(o.display.blocks[i][j])}`);
    }),
  );
  if (o.wrt.length > 1) L.push('(the blocks below the diagonal are the transposes: H[Wj, Wi] = H[Wi, Wj]ᵀ)');
  if (o.wrt.some((w) => w.props.has('symmetric') || w.props.has('spd'))) L.push(`note: ${SYMMETRIC_HESSIAN_NOTE}`);
  L.push('', `bilinear form ∇²f[Δ, Δ] (directions ${o.wrt.map((w) => 'd' + w.name).join(', ')}):`, `  ${toText(o.display.bilinear)}`);
  L.push('', 'Hessian-vector product H·Δ in matrix form:');
  for (const w of o.wrt) L.push(`  (HΔ)_${w.name} = ${toText(o.display.hvp.get(w.name)!)}`);
  if (o.named.length) {
    L.push('where');
    for (const n of o.named) L.push(`  ${n.name} = ${toText(n.value)}   (${shapeText(n.value.shape)})`);
  }
  for (const d of o.derivations ?? []) L.push('', ...checkedDerivationText(d, `derivation of ${d.title}, step by step (differentials):`, d.result));
  L.push('', o.verdict ? hessianVerdictLine(o.verdict) : 'check skipped (--no-check)');
  for (const n of o.verdict?.notes ?? []) L.push(`  note: ${n}`);
  return L.join('\n') + '\n';
}

/** The blocks on and above the diagonal and the bilinear form, as LaTeX equations. */
export function hessianRows(o: HessianOutput): { lhs: string; rhs: string }[] {
  // ∇²_{vec(W)} f on the diagonal, ∇_{vec(W_1)}(∇_{vec(W_2)} f) off it (Zhou & Liang (98)); a vector is its own vec
  const v = (w: (typeof o.wrt)[number]) => (isOne(w.shape.cols) ? symLatex(w) : `\\operatorname{vec}(${symLatex(w)})`);
  const rows: { lhs: string; rhs: string }[] = [];
  o.wrt.forEach((wi, i) =>
    o.wrt.forEach((wj, j) => {
      if (j >= i) rows.push({ lhs: i === j ? `\\nabla^2_{${v(wi)}} f` : `\\nabla_{${v(wi)}}(\\nabla_{${v(wj)}} f)`, rhs: toLatex(o.display.blocks[i][j]) });
    }),
  );
  rows.push({ lhs: '\\nabla^2 f[\\boldsymbol{\\Delta}, \\boldsymbol{\\Delta}]', rhs: toLatex(o.display.bilinear, 'Delta') });
  return rows;
}

/** The Hessian-vector products (HΔ)_W in matrix form. */
export function hvpRows(o: HessianOutput): { lhs: string; rhs: string }[] {
  return o.wrt.map((w) => ({ lhs: `(\\boldsymbol{H}\\boldsymbol{\\Delta})_{${symLatex(w)}}`, rhs: toLatex(o.display.hvp.get(w.name)!, 'Delta') }));
}

export function formatHessianLatex(o: HessianOutput): string {
  // σ is the logistic function unless the generic σ appears too (notationFor)
  return withNotation(notationFor([o.f]), () => {
    const where = o.named.map((n) => `${toLatex(sym(n.name, n.value.shape))} = ${toLatex(n.value)}`);
    const lines = [`% f = ${toText(o.f)}`, `% ${VEC_CONVENTION}`, ...o.assumptions.map((a) => `% at ${a.symbol.name} = ${toText(a.value)}`), alignedLatex(hessianRows(o), where)];
    if (o.verdict) lines.push(`% ${hessianVerdictLine(o.verdict)}`);
    return lines.join('\n') + '\n';
  });
}

export const hessianJson = (o: HessianOutput): HessianJson => withNotation(notationFor([o.f]), () => hessianJsonIn(o));

function hessianJsonIn(o: HessianOutput): HessianJson {
  const ex = (e: Expr) => ({ text: toText(e), latex: toLatex(e, 'Delta') });
  return {
    matcalc: 1,
    command: 'derive',
    kind: 'hessian',
    function: { text: toText(o.f), latex: toLatex(o.f), shape: 'scalar' },
    variables: o.wrt.map((w) => ({ name: w.name, shape: shapeText(w.shape) })),
    assumptions: o.assumptions.map((a) => ({ symbol: a.symbol.name, value: toText(a.value), source: a.source })),
    convention: VEC_CONVENTION,
    blocks: o.wrt.flatMap((wi, i) => o.wrt.map((wj, j) => ({ rows: wi.name, cols: wj.name, shape: shapeText(shape(size(wi), size(wj))), ...ex(o.display.blocks[i][j]) }))),
    bilinear: ex(o.display.bilinear),
    hvp: o.wrt.map((w) => ({ wrt: w.name, ...ex(o.display.hvp.get(w.name)!) })),
    definitions: o.named.map((n) => ({ name: n.name, text: toText(n.value), latex: toLatex(n.value), shape: shapeText(n.value.shape) })),
    ...(o.derivations ? { steps: o.derivations.map(hessianStepsJson) } : {}),
    check: o.verdict ? verdictJson(o.verdict) : null,
    errors: [],
  };
}

function hessianStepsJson(d: RecordedHessianDerivation): HessianStepsJson {
  return {
    quantity: d.title,
    result: d.result,
    latex: derivationLatex(d.display),
    text: checkedDerivationText(d, '', d.result).slice(1),
    check: chainCheckJson(d.verdict, checkedVerdictLine(d.verdict, d.result, true)),
  };
}

// ── --hessian --wrt W for a family: the bilinear form over every layer ─────────────────────────────

const FAMILY_NOTE = (w: string) =>
  `every member of ${w} varies: ∇²f[Δ, Δ] = Σ_{i,j} ∇²f[Δ_i, Δ_j] with Δ_i = d${w}[i]; products over ${w} give a sum over one layer and then over pairs of layers`;

export function familyVerdictLine(v: QuadraticVerdict): string {
  return uncheckedLine(v) ?? `${v.passed ? 'check passed' : 'CHECK FAILED'}: ∇²f[V,V] ${v.maxError.toExponential(1)} (tolerance ${v.tolerance.toExponential(0)}) at ${v.points.length} random points [${pointsText(v.points)}], ${v.evaluations} evaluations`;
}

export function formatFamilyHessianText(o: FamilyHessianOutput): string {
  const L = [`f = ${o.input.expr.trim()}`, `  with ${declarationsText(o.decls)}`];
  for (const a of o.assumptions) L.push(`  at ${a.symbol.name} = ${toText(a.value)}`);
  L.push('', `bilinear form ∇²f[Δ, Δ] over every layer (${FAMILY_NOTE(o.family)}):`, `  ${toText(o.display)}`);
  if (o.named.length) L.push('where', ...o.named.map((n) => `  ${n.name} = ${toText(n.value)}   (${shapeText(n.value.shape)})`));
  L.push('', o.verdict ? familyVerdictLine(o.verdict) : 'check skipped (--no-check)');
  return L.join('\n') + '\n';
}

export function formatFamilyHessianLatex(o: FamilyHessianOutput): string {
  // σ is the logistic function unless the generic σ appears too (notationFor)
  return withNotation(notationFor([o.f]), () => {
    const where = o.named.map((n) => `${toLatex(sym(n.name, n.value.shape))} = ${toLatex(n.value)}`);
    const lines = [`% f = ${toText(o.f)}; ${FAMILY_NOTE(o.family)}`, alignedLatex([{ lhs: '\\nabla^2 f[\\boldsymbol{\\Delta}, \\boldsymbol{\\Delta}]', rhs: toLatex(o.display, 'Delta') }], where)];
    if (o.verdict) lines.push(`% ${familyVerdictLine(o.verdict)}`);
    return lines.join('\n') + '\n';
  });
}

export const familyHessianJson = (o: FamilyHessianOutput): FamilyHessianJson => withNotation(notationFor([o.f]), () => familyHessianJsonIn(o));

function familyHessianJsonIn(o: FamilyHessianOutput): FamilyHessianJson {
  return {
    matcalc: 1,
    command: 'derive',
    kind: 'hessian-family',
    function: { text: toText(o.f), latex: toLatex(o.f), shape: 'scalar' },
    family: o.family,
    assumptions: o.assumptions.map((a) => ({ symbol: a.symbol.name, value: toText(a.value), source: a.source })),
    bilinear: { text: toText(o.display), latex: toLatex(o.display, 'Delta') },
    definitions: o.named.map((n) => ({ name: n.name, text: toText(n.value), latex: toLatex(n.value), shape: shapeText(n.value.shape) })),
    check: o.verdict ? verdictJson(o.verdict) : null,
    errors: [],
  };
}
