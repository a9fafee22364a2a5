// Output of `matcalc derive` in text, LaTeX and JSON (schema: docs/json.md).
import { notationFor, withNotation } from '../ops/elementwise.js';
import { sym, type Expr } from '../expr/ast.js';
import { dimMul } from '../expr/dim.js';
import { isScalarShape, shapeText, shape } from '../expr/shape.js';
import type { DeriveOutput, RecordedDerivation } from '../app/derive.js';
import { segments, type Derivation, type Reason } from '../derivation/model.js';
import type { ChainVerdict } from '../check/equality.js';
import type { Verdict } from '../check/derivative.js';
import type { Judgement } from '../check/verdict.js';
import type { Mat } from '../numeric/mat.js';
import type { Declarations, Family } from '../lang/decl.js';
import { symLatex } from './names.js';
import { roman } from './derivation-latex.js';
import { toLatex, toText } from './print.js';
import type { CheckCounterexampleJson, DeriveJson, StepsJson } from '../api/types.js';
import { derivationLatex } from './derivation-latex.js';
import { alignLatex, PAPER_WIDTH } from './layout.js';

export const symmetricNote = (x: string) =>
  `${x} is symmetric: its gradient is taken on the space of symmetric matrices, sym(G) = (G + Gᵀ)/2, so that df = ⟨∇f, d${x}⟩ for every symmetric d${x}`;
export const COOKBOOK_NOTE = "alternative (Matrix Cookbook convention G + Gᵀ − G∘I, which counts off-diagonal entries once; not a gradient in the Frobenius inner product)";

function resultShape(o: DeriveOutput, i: number) {
  const r = o.results[i];
  if (o.kind === 'gradient') return r.variable.shape;
  return shape(dimMul(r.variable.shape.rows, r.variable.shape.cols), dimMul(o.f.shape.rows, o.f.shape.cols));
}

/** "d=4,n=2 | …", with the indices first for a result at any depth: "l=3,k=2: d=4,n=2 | …". */
export function pointsText(points: readonly { instance?: string; sizes: Record<string, number> }[]): string {
  return points.map((p) => (p.instance ? `${p.instance}: ` : '') + Object.entries(p.sizes).map(([k, n]) => `${k}=${n}`).join(',')).join(' | ');
}

/** "CHECK COULD NOT RUN: <reason>" for a verdict without one; undefined for a verdict. */
export function uncheckedLine(v: Judgement): string | undefined {
  return v.status === 'unchecked' ? `CHECK COULD NOT RUN: ${v.reason}` : undefined;
}

export function verdictLine(v: Verdict): string {
  const head = v.status === 'holds' ? 'check passed' : 'CHECK FAILED';
  return uncheckedLine(v) ?? `${head}: max relative error ${v.maxError.toExponential(1)} (tolerance ${v.tolerance.toExponential(0)}) at ${v.points.length} random points [${pointsText(v.points)}], ${v.evaluations} function evaluations`;
}

const rows = (m: Mat) => m.toRows();
const mats = (m: ReadonlyMap<string, Mat>) => Object.fromEntries([...m].map(([k, v]) => [k, rows(v)]));

type Json<V> = Omit<V, 'counterexample' | 'gradient'> & { counterexample?: CheckCounterexampleJson } & (V extends { gradient: infer G } ? { gradient: Json<G> } : unknown);

/** A verdict as JSON (docs/json.md): status holds | fails | unchecked, matrices as lists of rows (a Hessian's gradient verdict too). */
export function verdictJson<V extends Judgement>(v: V): Json<V> {
  const c = v.counterexample;
  const gradient = (v as { gradient?: Judgement }).gradient;
  return {
    ...v,
    ...(gradient ? { gradient: verdictJson(gradient) } : {}),
    ...(c
      ? {
          counterexample: {
            ...(c.instance ? { instance: c.instance } : {}),
            sizes: c.sizes,
            values: mats(c.values),
            left: rows(c.left),
            right: rows(c.right),
            ...(c.direction ? { direction: mats(c.direction) } : {}),
          },
        }
      : {}),
  } as Json<V>;
}

/** "W1: h×d, W2: k×h, S: n×n symmetric", families as "W[k]: d×d for k = 1..l", then the index variables. */
/** "W[k]: n[k]×n[k-1] for k = 1..l" */
export function familyText(f: Family): string {
  const slots = f.slots.map((v) => (v.name.startsWith('_') ? `${v.lo.text}..${v.hi!.text}` : v.name));
  const ranges = f.slots.filter((v) => !v.name.startsWith('_')).map((v) => `${v.name} = ${v.lo.text}..${v.hi!.text}`);
  return `${f.name}[${slots.join(',')}]: ${shapeText(f.shape)}${f.props.map((x) => ' ' + x).join('')}${ranges.length ? ` for ${ranges.join(', ')}` : ''}`;
}

export function declarationsText(decls: Declarations): string {
  const props = (p: Iterable<string>) => [...p].map((x) => ' ' + x).join('');
  const concrete = new Set<string>();
  const families = [...decls.families.values()].map((f) => {
    for (const s of decls.symbols.values()) if (s.member?.family === f.name) concrete.add(s.name);
    return familyText(f);
  });
  const symbols = [...decls.symbols.values()].filter((s) => !concrete.has(s.name)).map((s) => `${s.name}: ${shapeText(s.shape)}${props(s.props)}`);
  const indices = [...decls.indices.values()].filter((v) => v.hi).map((v) => `${v.name} in ${v.lo.text}..${v.hi!.text}`);
  // the constraints too, so that the reader sees the sizes were drawn under them
  const constraints = decls.constraints.map((c) => c.text);
  return [...families, ...symbols, ...indices].join(', ') + (constraints.length ? `; ${constraints.join(', ')}` : '');
}

export function formatText(o: DeriveOutput): string {
  const lines: string[] = [];
  lines.push(`f = ${o.input.expr.trim()}`, `  with ${declarationsText(o.decls)}`, ...(o.input.defs ?? []).map((d) => `  and ${d.trim()}`), '');
  o.results.forEach((r, i) => {
    const what =
      o.kind === 'gradient'
        ? `gradient with respect to ${r.variable.name} (${shapeText(resultShape(o, i))})`
        : `∇_vec(${r.variable.name}) ${isScalarShape(o.f.shape) ? 'f' : 'vec(F)'}, denominator layout, ${shapeText(resultShape(o, i))}`;
    lines.push(`${what}:`, `  ${toText(r.display)}`);
    if (r.cookbookDisplay) {
      lines.push(`  note: ${symmetricNote(r.variable.name)}`);
      lines.push(`  ${COOKBOOK_NOTE}:`, `    ${toText(r.cookbookDisplay)}`);
    }
  });
  if (o.named.length) {
    lines.push('where');
    for (const n of o.named) lines.push(`  ${n.name} = ${toText(n.value)}   (${shapeText(n.value.shape)})`);
  }
  if (o.kind === 'vec-jacobian') lines.push('', 'convention: vec stacks columns; ∇_{vec X} vec F is (mn)×(pq) for X m×n, F p×q, and d vec F = (∇_{vec X} vec F)ᵀ d vec X');
  for (const d of o.derivations ?? []) lines.push('', ...derivationText(d));
  lines.push('');
  if (o.verdict) {
    lines.push(verdictLine(o.verdict));
    for (const n of o.verdict.notes) lines.push(`  note: ${n}`);
  } else lines.push('check skipped (--no-check)');
  return lines.join('\n') + '\n';
}


/** What a recorded derivation derives: "∇_vec(W2) f" (vec style) or "∇_W2 f" (differential style). */
export function derivedQuantity(r: RecordedDerivation): string {
  return r.style === 'vec' ? `∇_vec(${r.variable.name}) f` : `∇_${r.variable.name} f`;
}

/** A derivation as displayed, with its check. */
interface Checked {
  readonly display: Derivation;
  readonly verdict: ChainVerdict;
}

/** A recorded derivation in text: one line per step, labelled (i), (ii), … with the rule that justifies it. */
export function derivationText(r: RecordedDerivation): string[] {
  return checkedDerivationText(r, `derivation of ${derivedQuantity(r)}, step by step (${r.style === 'vec' ? 'vec/Kronecker' : 'differentials'}):`, 'gradient', r.style === 'differential');
}

export function checkedDerivationText(r: Checked, heading: string, result: string, directions = true): string[] {
  const out = [heading];
  let k = 0;
  let line = 0;
  const reasons: string[] = [];
  const label = (reason: Reason | undefined) => {
    if (!reason) return '';
    const l = roman(++k);
    const one = (x: Reason) => `${x.says.text}${x.rule || x.citation ? ` [${[x.rule, x.citation].filter(Boolean).join('; ')}]` : ''}`;
    // a step that applies several rules names each on a line of its own
    reasons.push([`(${l}) ${one(reason)}`, ...(reason.with ?? []).map((w) => `  and ${one(w)}`)].join('\n    '));
    return `(${l})`;
  };
  const ok = () => (r.verdict.steps[line++]?.passed === false ? '   ← NOT EQUAL to the line before' : '');
  segments(r.display).forEach((d, i) => {
    const head = `  ${i === 0 ? '' : '⇒ '}${d.quantity.text} =${label(d.startReason)} `;
    out.push(`${head}${toText(d.start)}${ok()}`);
    for (const s of d.steps) out.push(`    =${label(s.reason)} ${toText(s.expr)}${ok()}`);
  });
  if (r.verdict.steps[line]?.passed === false) out.push(`    ← the last line is NOT the derived ${result}`);
  if (reasons.length) out.push('  where', ...reasons.map((x) => `    ${x}`));
  if (r.display.where.length) out.push(`  ${reasons.length ? 'and ' : 'where '}${r.display.where.map((w) => `${w.name} = ${toText(w.value)}`).join(', ')}`);
  out.push(`  ${checkedVerdictLine(r.verdict, result, directions)}`);
  return out;
}

/** What the check of a recorded derivation found, in one sentence. */
export function chainVerdictLine(r: RecordedDerivation): string {
  return checkedVerdictLine(r.verdict, 'gradient', r.style === 'differential');
}

export function checkedVerdictLine(v: ChainVerdict, result: string, directions: boolean): string {
  const last = v.steps[v.steps.length - 1];
  if (v.status === 'unchecked') return `STEPS COULD NOT BE CHECKED: ${v.reason}`;
  return v.passed
    ? `steps checked: every equality holds at ${v.instances ? `random points at the indices ${v.instances.join(' | ')}` : '3 random points'}${directions ? ' and random directions dX' : ''} (max error ${Math.max(...v.steps.map((s) => s.error)).toExponential(1)}), and the last line equals the derived ${result}`
    : v.firstFailure === v.steps.length - 1
      ? `STEPS CHECK FAILED: the last line differs from the derived ${result} (error ${last.error.toExponential(1)})`
      : `STEPS CHECK FAILED at line ${v.firstFailure}`;
}

function nablaLatex(o: DeriveOutput, i: number): string {
  const v = symLatex(o.results[i].variable);
  if (o.kind === 'gradient') return `\\nabla_{${v}} f`;
  return `\\nabla_{\\operatorname{vec}(${v})} ${isScalarShape(o.f.shape) ? 'f' : '\\operatorname{vec}(F)'}`;
}

/** The results as `∇ f = …` equations (LaTeX left and right sides). */
export function resultRows(o: DeriveOutput): { lhs: string; rhs: string }[] {
  return o.results.map((r, i) => ({ lhs: nablaLatex(o, i), rhs: toLatex(r.display) }));
}

/**
 * Results as an `aligned` block for a display of the reader's own: long rows broken to a paper's width,
 * and the names used ("where E = …") on a last row under the right sides.
 */
export function alignedLatex(rows: readonly { lhs: string; rhs: string }[], where: readonly string[]): string {
  const tex = alignLatex(rows.map((r) => ({ ...r, rel: '=' })), PAPER_WIDTH, 'aligned');
  return where.length ? tex.replace(/\n\\end\{aligned\}$/, ` \\\\\n&\\text{where } ${where.join(',\\quad ')}\n\\end{aligned}`) : tex;
}

export function formatLatex(o: DeriveOutput): string {
  // σ is the logistic function unless the generic σ appears too (notationFor)
  return withNotation(notationFor([o.f]), () => {
    const where = o.named.map((n) => `${toLatex(symOf(n.name, n.value))} = ${toLatex(n.value)}`);
    const lines = [`% f = ${toText(o.f)}`, alignedLatex(resultRows(o), where)];
    for (const r of o.results) if (r.cookbookDisplay) lines.push(`% ${symmetricNote(r.variable.name)}`);
    if (o.verdict) lines.push(`% ${verdictLine(o.verdict)}`);
    return lines.join('\n') + '\n';
  });
}

function symOf(name: string, value: Expr): Expr {
  return sym(name, value.shape);
}

/** Families and index variables, when declared (docs/json.md): absent otherwise, so older readers see no change. */
export function familiesJson(decls: Declarations): Pick<DeriveJson, 'families' | 'indices'> {
  if (!decls.families.size && !decls.indices.size) return {};
  return {
    families: [...decls.families.values()].map((f) => ({
      name: f.name,
      indices: f.slots.map((v) => ({ ...(v.name.startsWith('_') ? {} : { name: v.name }), from: v.lo.text, to: v.hi!.text })),
      shape: shapeText(f.shape),
      properties: [...f.props],
    })),
    indices: [...decls.indices.values()].map((v) => ({ name: v.name, from: v.lo.text, ...(v.hi ? { to: v.hi.text } : {}) })),
  };
}

// σ is the logistic function unless the generic σ appears too (notationFor)
export const toJson = (o: DeriveOutput): DeriveJson => withNotation(notationFor([o.f]), () => toJsonIn(o));

function toJsonIn(o: DeriveOutput): DeriveJson {
  return {
    matcalc: 1,
    command: 'derive',
    kind: o.kind,
    function: { text: toText(o.f), latex: toLatex(o.f), shape: shapeText(o.f.shape) },
    declarations: [...o.decls.symbols.values()].map((s) => ({ name: s.name, shape: shapeText(s.shape), properties: [...s.props] })),
    ...familiesJson(o.decls),
    results: o.results.map((r, i) => ({
      wrt: r.variable.name,
      shape: shapeText(resultShape(o, i)),
      text: toText(r.display),
      latex: toLatex(r.display),
      expanded: toText(r.value),
      ...(r.cookbookDisplay
        ? { note: symmetricNote(r.variable.name), alternative: { convention: 'matrix-cookbook', text: toText(r.cookbookDisplay), latex: toLatex(r.cookbookDisplay) } }
        : {}),
    })),
    definitions: o.named.map((n) => ({ name: n.name, text: toText(n.value), latex: toLatex(n.value), shape: shapeText(n.value.shape) })),
    ...(o.derivations ? { steps: o.derivations.map(stepsJson) } : {}),
    check: o.verdict ? verdictJson(o.verdict) : null,
    errors: [],
  };
}

/** A recorded derivation (--steps) in JSON: the LaTeX display, the text lines and the chain's check. */
function stepsJson(r: RecordedDerivation): StepsJson {
  return {
    wrt: r.variable.name,
    style: r.style,
    latex: derivationLatex(r.display),
    text: derivationText(r).slice(1),
    check: chainCheckJson(r.verdict, chainVerdictLine(r)),
  };
}

/** The JSON of a recorded chain's check (derive --steps and --hessian --steps). */
export function chainCheckJson(v: ChainVerdict, summary: string): StepsJson['check'] {
  return {
    status: v.status,
    passed: v.passed,
    ...(v.reason ? { reason: v.reason } : {}),
    tolerance: v.tolerance,
    maxError: Math.max(...v.steps.map((s) => s.error)),
    firstFailure: v.firstFailure ?? null,
    summary,
  };
}
