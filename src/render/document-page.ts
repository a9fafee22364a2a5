// A checked derivation document as a page (HTML, .tex, Markdown through render/document.ts): the
// setting, then every comment, claim and proof in the author's order, each followed by its verdict;
// definitions are shown by name, as the author wrote them.
import { Expr, substitute, sym } from '../expr/ast.js';
import { toLatex } from './print.js';
import { matText, numText } from './verify-output.js';
import { evidenceText, type InequalityVerdict } from '../check/inequality.js';
import type { EqualityCounterexample } from '../verify/counterexample.js';
import { symLatex } from './names.js';
import { dimLatex } from '../expr/dim.js';
import type { Shape } from '../expr/shape.js';
import { familyMember } from '../lang/decl.js';
import { idxOf, indexVar } from '../expr/indices.js';
import { idxLatex } from '../ops/range.js';
import { math, text, type Inline } from './prose.js';
import type { Block, DocumentInput, Section } from './document.js';
import type { DocumentResult } from '../doc/check.js';
import type { Derivation, Step } from '../derivation/model.js';
import type { Rule } from '../rewrite/rules.js';

const prose = (...parts: Inline[]): Block => ({ kind: 'prose', parts });

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

/** Where an inequality fails: the point, both sides and the margin, in one sentence. */
function inequalityCounterexampleProse(v: InequalityVerdict): string {
  const c = v.counterexample!;
  const sizes = Object.entries(c.sizes).map(([k, n]) => `${k} = ${n}`).join(', ');
  const values = [...c.values].map(([name, m]) => `${name} = ${matText(m)}`).join(', ');
  const by = c.foundBy === 'search' ? `found by local search ${c.index}` : `random point ${c.index}`;
  return `at ${values}${sizes ? ` (${sizes}; ${by})` : ` (${by})`} the left side is ${numText(c.left)} and the right side ${numText(c.right)}: it fails by ${numText(Math.abs(c.margin))} (relative margin ${c.relative.toExponential(1)})`;
}

export function documentPage(r: DocumentResult, rules: ReadonlyMap<string, Rule>): DocumentInput {
  const fold = new Map<Expr, Expr>([...r.defs].map(([name, value]) => [value, sym(name, value.shape)]));
  const show = (e: Expr) => toLatex(substitute(e, fold));
  const setting: Block[] = [];
  if (r.doc.source) setting.push(prose(text(`Source: ${r.doc.source}.`)));
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
    if (!s.member || !members.has(s.member.family)) parts.push([math(toLatex(s)), text(` (${s.shape.rows.syms.join('') || s.shape.rows.coef}×${s.shape.cols.syms.join('') || s.shape.cols.coef}${s.props.size ? ', ' + [...s.props].join(', ') : ''})`)]);
  for (const v of r.decls.indices.values()) if (v.hi) parts.push([math(`${v.name} \\in \\{${idxLatex(v.lo)}, \\ldots, ${idxLatex(v.hi)}\\}`)]);
  parts.forEach((p, i) => decl.push(...(i ? [text(', ')] : []), ...p));
  setting.push(prose(...decl, text('.')));
  for (const [name, value] of r.defs) setting.push(prose(text('Definition: '), math(`${toLatex(sym(name, value.shape))} = ${toLatex(value)}`), text('.')));
  for (const a of r.assumptions) setting.push(prose(text('Evaluated at points where '), math(`${toLatex(a.symbol)} = ${toLatex(a.value)}`), text('.')));
  setting.push(prose(text(`Status: ${documentStatus(r)}.`)));

  const body: Block[] = [];
  let k = 0;
  for (const item of r.doc.items) {
    if (item.kind === 'prose') {
      body.push(prose(text(item.text)));
      continue;
    }
    const res = r.results[k++];
    if (res.kind === 'claim') {
      const head = `${res.item.expected ? 'Claim' : 'Printed formula (refuted)'}${res.item.label ? ' ' + res.item.label : ''}, line ${res.item.line}:`;
      body.push(prose(text(head)));
      const rel = res.item.relation;
      if (res.lhs && res.rhs) body.push({ kind: 'equations', rows: [{ lhs: show(res.lhs), rel: RELATION_LATEX[rel], rhs: show(res.rhs) }] });
      else body.push(prose(text(`${res.item.lhs} ${rel} ${res.item.rhs}`)));
      const iq = res.inequality;
      const verdict = iq
        ? iq.status === 'holds'
          ? `holds: ${evidenceText(iq)} — evidence, not proof`
          : iq.status === 'fails'
            ? `does not hold: ${inequalityCounterexampleProse(iq)}`
            : `could not be checked: ${iq.reason}`
        : res.holds
          ? `holds at random points (relative difference ${res.error?.toExponential(1)})`
          : `does not hold: ${res.message}`;
      body.push(prose(text(`${res.passed ? '✓' : '✗'} The ${iq ? 'inequality' : 'equation'} ${verdict}.`)));
      for (const f of res.diagnosis?.findings ?? []) body.push(prose(text(`Diagnosis: ${f}.`)));
      if (res.diagnosis) body.push(prose(text(`Correct: ${res.diagnosis.correct}.`)));
      if (res.counterexample) body.push(prose(text(counterexampleProse(res.counterexample, 'the left side', 'the right side'))));
      continue;
    }
    const [first, ...rest] = res.lines;
    if (!first.expr || rest.some((l) => !l.expr)) {
      body.push(prose(text(`Proof${res.item.label ? ' ' + res.item.label : ''}, line ${res.item.line}: ✗ a line does not parse or typecheck: ${res.lines.find((l) => !l.passed)?.message ?? ''}`)));
      continue;
    }
    const steps: Step[] = rest.map((l) => {
      const rule = l.rule ? rules.get(l.rule.name) : undefined;
      const says = rule
        ? { text: rule.says ?? l.rule!.name, latex: `${toLatex(rule.lhs)} = ${toLatex(rule.rhs)}` }
        : l.because
          ? { text: l.because, latex: '' }
          : undefined;
      return { expr: substitute(l.expr!, fold), ...(says ? { reason: { rule: l.rule?.name, says, citation: rule?.cite } } : {}) };
    });
    if (!steps.length) continue;
    // the first written line is the quantity, the first step its first right-hand side
    const derivation: Derivation = {
      title: `Proof${res.item.label ? ' ' + res.item.label : ''} (line ${res.item.line})`,
      quantity: { text: first.source, latex: show(first.expr) },
      start: steps[0].expr,
      ...(steps[0].reason ? { startReason: steps[0].reason } : {}),
      steps: steps.slice(1),
      where: [],
    };
    body.push({ kind: 'derivation', derivation });
    const bad = res.lines.find((l) => !l.passed);
    body.push(prose(text(res.passed ? `✓ Every step holds at random points, and every cited rule produces its step.` : `✗ Line ${bad!.line}: ${bad!.message}.`)));
    for (const f of bad?.findings ?? []) body.push(prose(text(`Diagnosis: ${f}.`)));
    if (bad?.counterexample) body.push(prose(text(counterexampleProse(bad.counterexample, 'the line before', 'this line'))));
  }
  const sections: Section[] = [
    { title: 'Setting', blocks: setting },
    { title: 'Claims and proofs', blocks: body },
  ];
  return { title: r.doc.title ?? r.doc.file, sections };
}

