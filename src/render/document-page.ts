// A checked derivation document as a page (HTML, .tex, Markdown through render/document.ts). Two readers:
// the paper, for which the .tex holds the author's comments, claims and proofs as an appendix prints them
// (each line as the author wrote it, the paper's equation numbers as tags, no verdicts), and the
// verification report (HTML and Markdown), which adds the setting, a heading with the source line for
// each claim and proof, and the checker's verdict, diagnosis and counterexample after each.
import { sym, type Expr } from '../expr/ast.js';
import { toLatex } from './print.js';
import { notationFor, withNotation } from '../ops/elementwise.js';
import { matText, numText } from './verify-output.js';
import { evidenceText, type InequalityVerdict } from '../check/inequality.js';
import type { EqualityCounterexample } from '../verify/counterexample.js';
import { GREEK, symLatex } from './names.js';
import { dimLatex } from '../expr/dim.js';
import { isScalarShape, isSquare, type Shape } from '../expr/shape.js';
import { familyMember, type Declarations } from '../lang/decl.js';
import { parseExpression } from '../lang/parse.js';
import { splitEquation } from '../doc/format.js';
import { idxOf, indexVar } from '../expr/indices.js';
import { idxLatex } from '../ops/range.js';
import { math, text, type Inline } from './prose.js';
import { authorParagraph, authorPlain, authorProse, type AuthorNames } from './author-math.js';
import type { Block, DocumentInput, Heading, Mark, Section, Tag } from './document.js';
import type { DocumentResult, LineResult } from '../doc/check.js';
import type { Derivation, Reason, Step } from '../derivation/model.js';
import type { Rule } from '../rewrite/rules.js';

const report = (...parts: Inline[]): Block => ({ kind: 'prose', parts, report: true });

export function documentStatus(r: DocumentResult): string {
  return r.passed ? 'verified: every claim and every step holds' : `FALSE at line ${r.firstFailure!.line}: ${r.firstFailure!.message}`;
}

/** A counterexample in one sentence: the point, then the two values. */
function counterexampleProse(c: EqualityCounterexample, left: string, right: string): string {
  const where = [c.instance ? `at ${c.instance.replace(/,/g, ', ').replace(/=/g, ' = ')}` : '', Object.entries(c.sizes).map(([k, v]) => `${k} = ${v}`).join(', ')].filter(Boolean).join(', ');
  const inputs = [...c.inputs].map(([name, v]) => `${name} = ${matText(v)}`).join(', ');
  return `Counterexample (${where || 'no dimensions'}, ${c.entries} entries): ${inputs}; there ${left} is ${matText(c.left)} and ${right} is ${matText(c.right)}.`;
}

const RELATION_LATEX = { '=': '=', '<=': '\\le', '<': '<', '>=': '\\ge', '>': '>' } as const;
/** What a refutation shows: the relation does not hold. */
const NEGATED_LATEX = { '=': '\\neq', '<=': '\\not\\le', '<': '\\not<', '>=': '\\not\\ge', '>': '\\not>' } as const;

/** Where an inequality fails: the point, both sides and the margin, in one sentence. */
function inequalityCounterexampleProse(v: InequalityVerdict): string {
  const c = v.counterexample!;
  const sizes = Object.entries(c.sizes).map(([k, n]) => `${k} = ${n}`).join(', ');
  const values = [...c.values].map(([name, m]) => `${name} = ${matText(m)}`).join(', ');
  const by = c.foundBy === 'search' ? `found by local search ${c.index}` : `random point ${c.index}`;
  return `at ${values}${sizes ? ` (${sizes}; ${by})` : ` (${by})`} the left side is ${numText(c.left)} and the right side ${numText(c.right)}: it fails by ${numText(Math.abs(c.margin))} (relative margin ${c.relative.toExponential(1)})`;
}

/**
 * The paper's equation number in a label: "(92)–(97)" → 92 to 97, "(17), k′ = k" → 17, "(4.2) as printed"
 * → 4.2; none in "§4.1 corrected" or "App. B, W2–W2".
 */
export function labelNumbers(label: string | undefined): { first: string; last?: string } | undefined {
  const m = /^\s*\(([A-Z]?\.?\d+(?:\.\d+)?[a-z]?)\)(?:\s*[–—-]+\s*\(([A-Z]?\.?\d+(?:\.\d+)?[a-z]?)\))?/.exec(label ?? '');
  return m ? { first: m[1], ...(m[2] ? { last: m[2] } : {}) } : undefined;
}

/** The single-letter bases of the names that print bold (matrices and vectors): W of W1 and W[k], G of G_k, and I. */
function boldNames(decls: Declarations, defs: ReadonlyMap<string, Expr>): AuthorNames {
  // I is the identity, bold in the displays (eye prints \boldsymbol{I})
  const bold = new Set<string>(['I']);
  // W of W1 and W_k; a Greek name whole (Omega: Ω, Delta1: Δ)
  const base = (name: string) => {
    const b = /^[A-Za-z]+(?=[_\d]|$)/.exec(name)?.[0];
    return b && (b.length === 1 || GREEK.has(b)) ? b : undefined;
  };
  for (const f of decls.families.values()) if (!isScalarShape(f.shape)) bold.add(f.name);
  for (const s of decls.symbols.values()) if (!isScalarShape(s.shape) && !s.member) base(s.name) && bold.add(base(s.name)!);
  for (const [name, v] of defs) if (!isScalarShape(v.shape)) base(name) && bold.add(base(name)!);
  return { bold };
}

/**
 * The line as the author wrote it: parsed with every definition kept as its name (G_k, h, e), so the
 * page shows G_k where the author wrote G_k and the Kronecker product where the author wrote it.
 */
function asWritten(r: DocumentResult): (src: string, fallback: Expr) => Expr {
  const names = (symmetric: boolean) => {
    const symbols = new Map(r.decls.symbols);
    for (const [name, value] of r.defs) symbols.set(name, sym(name, value.shape, symmetric && isSquare(value.shape) ? ['symmetric'] : []));
    return { decls: { ...r.decls, symbols } };
  };
  // a name stands for its value, which the checker has parsed: eigvals(Σ) of a defined Σ = Σ_XYᵀΣ_XX⁻¹Σ_XY
  // is accepted there, so a name that a spectral function needs symmetric is read as symmetric (the
  // property changes no printed form)
  const scopes = [names(false), names(true)];
  return (src, fallback) => {
    for (const scope of scopes) {
      try {
        return parseExpression(src, scope);
      } catch {
        // the next reading, or the checked form
      }
    }
    return fallback; // cannot happen for a line the checker parsed; the checked form is the next best
  };
}

function settingSection(r: DocumentResult, written: (src: string, fallback: Expr) => Expr): Section {
  const setting: Block[] = [];
  const decl: Inline[] = [text('Symbols: ')];
  const dims = (sh: Shape) => `${dimLatex(sh.rows)} \\times ${dimLatex(sh.cols)}`;
  const parts: Inline[][] = [];
  // a family as the papers introduce it: W_j (d×d), j = 1, …, l
  for (const f of r.decls.families.values()) {
    const slots = f.slots.map((v, i) => (v.name.startsWith('_') ? `j_${i + 1}` : v.name));
    const ranges = f.slots.map((v, i) => `${slots[i]} = ${idxLatex(v.lo)}, \\ldots, ${idxLatex(v.hi!)}`).join(',\\ ');
    parts.push([math(`${symLatex(familyMember(f, f.slots.map((v, i) => idxOf(indexVar(slots[i], v.lo, v.hi)))))} \\in \\mathbb{R}^{${dims(f.shape)}}`), text(' for '), math(ranges)]);
  }
  const members = new Set([...r.decls.families.keys()]);
  for (const s of r.decls.symbols.values())
    if (!s.member || !members.has(s.member.family)) parts.push([math(`${toLatex(s)} \\in ${isScalarShape(s.shape) ? '\\mathbb{R}' : `\\mathbb{R}^{${dims(s.shape)}}`}`), ...(s.props.size ? [text(` (${[...s.props].join(', ')})`)] : [])]);
  for (const v of r.decls.indices.values()) if (v.hi) parts.push([math(`${idxLatex(idxOf(v))} \\in \\{${idxLatex(v.lo)}, \\ldots, ${idxLatex(v.hi)}\\}`)]);
  parts.forEach((p, i) => decl.push(...(i ? [text(', ')] : []), ...p));
  setting.push({ kind: 'prose', parts: [...decl, text('.')] });
  // each right side as written, earlier definitions by their names (not expanded: a chain of
  // definitions would otherwise print its first ones over and over)
  const rhs = (line: string | undefined, value: Expr) => {
    const eq = line === undefined ? undefined : splitEquation(line);
    return toLatex(eq ? written(eq[1], value) : value);
  };
  // displays, not inline math: a definition can be wider than a phone's screen
  if (r.defs.size) {
    setting.push({ kind: 'prose', parts: [text(r.defs.size > 1 ? 'Definitions:' : 'Definition:')] });
    setting.push({ kind: 'equations', rows: [...r.defs].map(([name, value], i) => ({ lhs: toLatex(sym(name, value.shape)), rhs: rhs(r.doc.defs[i]?.text, value), tag: null })) });
  }
  if (r.assumptions.length) {
    setting.push({ kind: 'prose', parts: [text('Evaluated at points where')] });
    // at: lines are substitutions "Y = …" (as written); assume: lines were solved for a symbol
    const at = (i: number) => (i < r.doc.at.length ? r.doc.at[i].text : undefined);
    setting.push({ kind: 'equations', rows: r.assumptions.map((a, i) => ({ lhs: toLatex(a.symbol), rhs: rhs(at(i), a.value), tag: null })) });
  }
  setting.push({ kind: 'prose', parts: [text(`Status: ${documentStatus(r)}.`)] });
  return { title: 'Setting', blocks: setting, report: true };
}

/** Why a step holds: the rules it cites (their texts and formulas), or the author's words. */
function stepReason(l: LineResult, rules: ReadonlyMap<string, Rule>, names: AuthorNames, where: string): Reason | undefined {
  const cited = l.rule ? l.rule.name.split(', ').map((n) => rules.get(n)) : [];
  if (cited.length && cited.every(Boolean)) {
    const [first, ...more] = cited.map((rule): Reason => ({ rule: rule!.name, says: { text: rule!.says ?? rule!.name, latex: `${toLatex(rule!.lhs)} = ${toLatex(rule!.rhs)}` }, ...(rule!.cite ? { citation: rule!.cite } : {}) }));
    return more.length ? { ...first, with: more } : first;
  }
  if (l.because) return { says: { text: l.because.replace(/\$/g, ''), latex: '', parts: authorProse(l.because, names, where) } };
  return undefined;
}

export function documentPage(r: DocumentResult, rules: ReadonlyMap<string, Rule>): DocumentInput {
  const exprs = [...r.defs.values(), ...r.results.flatMap((x) => (x.kind === 'claim' ? [x.lhs, x.rhs] : x.lines.map((l) => l.expr)))];
  const notation = notationFor(exprs.filter((e): e is Expr => e !== undefined));
  return { ...withNotation(notation, () => pageOf(r, rules)), notation };
}

function pageOf(r: DocumentResult, rules: ReadonlyMap<string, Rule>): DocumentInput {
  const names = boldNames(r.decls, r.defs);
  const written = asWritten(r);
  const at = (line: number) => `${r.doc.file}:${line}`;
  const body: Block[] = [];
  let k = 0;
  for (const item of r.doc.items) {
    if (item.kind === 'prose') {
      // "## …" is a note for the report (how the lines were checked), not the paper's text
      const report = item.report === true;
      for (const part of authorParagraph(item.text, names, at(item.line)))
        body.push('prose' in part ? { kind: 'prose', parts: part.prose, report } : { kind: 'equations', rows: [{ ...part.display, rel: part.display.lhs ? '=' : '', tag: null }], report });
      continue;
    }
    const res = r.results[k++];
    const numbers = labelNumbers(res.item.label);
    if (res.kind === 'claim') {
      const what = res.item.expected ? 'Claim' : 'Printed formula, refuted';
      body.push({ kind: 'heading', title: `${what}${res.item.label ? ' ' + res.item.label : ''} (line ${res.item.line})`, report: true });
      const rel = res.item.relation;
      if (res.lhs && res.rhs) {
        const mark: Mark = res.passed ? 'ok' : 'bad';
        // a refuted formula is shown as what the check found, lhs ≠ rhs, without the paper's number; a
        // claim without one is unnumbered, as a paper leaves a display it does not refer to (a (1) of
        // ours would read as the paper's eq. (1))
        const tag: Tag = !res.item.expected ? null : numbers?.first ?? null;
        body.push({ kind: 'equations', rows: [{ lhs: toLatex(written(res.item.lhs, res.lhs)), rel: (res.item.expected ? RELATION_LATEX : NEGATED_LATEX)[rel], rhs: toLatex(written(res.item.rhs, res.rhs)), tag, mark }] });
      } else body.push(report(text(`${res.item.lhs} ${rel} ${res.item.rhs}`)));
      const iq = res.inequality;
      const verdict = iq
        ? iq.status === 'holds'
          ? `holds: ${evidenceText(iq)} — evidence, not proof`
          : iq.status === 'fails'
            ? `does not hold: ${inequalityCounterexampleProse(iq)}`
            : `could not be checked: ${iq.reason}`
        : res.status === 'holds'
          ? `holds at random points (relative difference ${res.error?.toExponential(1)})${res.passed ? '' : ': no finite counterexample exists there'}`
          : res.status === 'fails'
            ? `does not hold: ${res.message}`
            : `${res.message}`;
      body.push(report(text(`${res.passed ? '✓' : '✗'} The ${iq ? 'inequality' : 'equation'} ${verdict}${res.passed && !res.item.expected ? ', as the document says' : ''}.`)));
      for (const f of res.diagnosis?.findings ?? []) body.push(report(text(`Diagnosis: ${f}.`)));
      if (res.diagnosis?.correct) body.push(report(text(`Correct: ${res.diagnosis.correct}.`)));
      if (res.counterexample) body.push(report(text(counterexampleProse(res.counterexample, 'the left side', 'the right side'))));
      continue;
    }
    body.push({ kind: 'heading', title: `Proof${res.item.label ? ' ' + res.item.label : ''} (lines ${res.item.line}–${res.lines[res.lines.length - 1].line})`, report: true });
    const [first, ...rest] = res.lines;
    if (!first.expr || rest.some((l) => !l.expr) || !rest.length) {
      body.push(report(text(`✗ A line does not parse or typecheck: ${res.lines.find((l) => !l.passed)?.message ?? 'the proof has no steps'}.`)));
      continue;
    }
    const steps: Step[] = rest.map((l) => {
      const reason = stepReason(l, rules, names, at(l.line));
      return { expr: written(l.source, l.expr!), ...(reason ? { reason } : {}) };
    });
    // the first written line is the quantity, the first step its first right-hand side
    const derivation: Derivation = {
      quantity: { text: first.source, latex: toLatex(written(first.source, first.expr)) },
      start: steps[0].expr,
      ...(steps[0].reason ? { startReason: steps[0].reason } : {}),
      steps: steps.slice(1),
      where: [],
    };
    // a range (92)–(97) numbers the lines; a single number is the result the chain ends in (Zhu et al.'s (32))
    const tag: Tag = numbers?.first ?? null;
    body.push({
      kind: 'derivation',
      derivation,
      tag,
      ...(numbers?.last ? { lastTag: numbers.last } : {}),
      ...(numbers && !numbers.last ? { numbering: 'last' as const } : {}),
      marks: rest.map((l) => (l.passed ? 'ok' : 'bad')),
    });
    const bad = res.lines.find((l) => !l.passed);
    body.push(report(text(res.passed ? '✓ Every step holds at random points, and every cited rule produces its step.' : `✗ Line ${bad!.line}: ${bad!.message}.`)));
    for (const f of bad?.findings ?? []) body.push(report(text(`Diagnosis: ${f}.`)));
    if (bad?.counterexample) body.push(report(text(counterexampleProse(bad.counterexample, 'the line before', 'this line'))));
  }
  // the title and source line may hold math too ("for any depth $l$ and any layer $k$")
  const heading = (s: string, what: string): Heading => (s.includes('$') ? { plain: authorPlain(s), parts: authorProse(s, names, `${r.doc.file}: the ${what}`) } : s);
  return {
    title: heading(r.doc.title ?? r.doc.file, 'title'),
    ...(r.doc.source ? { source: heading(r.doc.source, 'source line') } : {}),
    sections: [settingSection(r, written), { blocks: body }],
  };
}
