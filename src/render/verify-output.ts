// Output of `matcalc verify` in text and JSON (schema: docs/verify.md).
import { shapeText } from '../expr/shape.js';
import type { Mat } from '../numeric/mat.js';
import type { VerifyOutput } from '../verify/claim.js';
import { MISTAKES } from '../verify/diagnose.js';
import { toLatex, toText } from './print.js';
import { declarationsText, verdictJson, verdictLine } from './derive-output.js';
import type { VerifyJson } from '../api/types.js';

/** A number as a person would type it: integers plainly, others to 6 significant digits. */
export function numText(v: number): string {
  const r = Math.round(v);
  if (Math.abs(v - r) < 1e-9 * Math.max(1, Math.abs(v))) return String(r === 0 ? 0 : r);
  return String(Number(v.toPrecision(6)));
}

/** Rows separated by ';' (the input language's matrix literal style): [1 -2; 0 3]; a 1×1 value plainly. */
export function matText(m: Mat): string {
  if (m.rows === 1 && m.cols === 1) return numText(m.data[0]);
  return '[' + m.toRows().map((r) => r.map(numText).join(' ')).join('; ') + ']';
}

function symbolicLine(o: VerifyOutput): string {
  const s = o.symbolic!;
  const sym = s.symmetrised ? ' (after symmetrising the claim)' : '';
  if (s.how === 'identical') return `(a) symbolic: the simplified claim is identical to matcalc's result${sym}`;
  if (s.how === 'difference-zero') return `(a) symbolic: the difference between the claim and matcalc's result simplifies to zero${sym}`;
  return "(a) symbolic: not shown — the claim does not simplify to matcalc's result";
}

export function formatVerifyText(o: VerifyOutput): string {
  const lines: string[] = [];
  const truthText = `${o.label} = ${toText(o.truth.value)}   (${shapeText(o.expectedShape)})`;
  if (o.status === 'holds') lines.push(`VERIFIED: ${o.label} = ${o.input.claim}`);
  else if (o.status === 'unchecked') lines.push(`COULD NOT CHECK: ${o.label} = ${o.input.claim} — ${o.numerical?.reason ?? 'no verdict'}`);
  else if (o.illTyped) lines.push(`FALSE: ill-typed claim — ${o.illTyped.message}`, ...(o.illTyped.detail ? [o.illTyped.detail] : []));
  else lines.push(`FALSE: the claim is not ${o.label}`);
  lines.push(`  f = ${toText(o.f)}, with ${declarationsText(o.decls)}`);
  if (!o.verified && o.claim) lines.push(`  claim: ${o.input.claim.trim()}   (${shapeText(o.claim.shape)})`);
  if (o.symbolic) lines.push(`  ${symbolicLine(o)}`);
  if (o.numerical) lines.push(`  (b) numerical: ${verdictLine(o.numerical)}`);
  if (o.verified) lines.push(`  method: ${o.numerical!.method}`);
  for (const n of [...o.notes, ...(o.numerical?.notes ?? [])]) lines.push(`  note: ${n}`);
  if (o.status === 'fails') {
    if (o.diagnosis) {
      if (o.diagnosis.findings.length) {
        lines.push('diagnosis:');
        for (const f of o.diagnosis.findings) {
          lines.push(`  - ${f.sentence}`);
          if (f.corrected) lines.push(`    corrected: ${toText(f.corrected)}`);
        }
      } else if (!o.claim)
        lines.push('diagnosis: no transpose added or removed, no factors reordered, no product of the other kind (* or .*) and no arguments swapped make the claim well-typed and right');
      else if (!o.diagnosis.claimMatchesTruth)
        lines.push(`diagnosis: none of the usual mistakes (${MISTAKES.map((m) => m.name).join(', ')}) explains the difference exactly`);
    }
    lines.push(`correct: ${truthText}`);
    if (o.truth.cookbook) lines.push(`  (Matrix Cookbook convention, not a Frobenius gradient: ${toText(o.truth.cookbook)})`);
    if (o.truthCheck) lines.push(`  (matcalc's result, checked the same way: ${verdictLine(o.truthCheck)})`);
    const c = o.counterexample;
    if (c) {
      const sizes = Object.entries(c.sizes).map(([k, v]) => `${k} = ${v}`).join(', ');
      lines.push(`counterexample (${sizes || 'no dimensions'}; ${c.entries} entries):`);
      for (const [name, v] of c.inputs) lines.push(`  ${name} = ${matText(v)}`);
      lines.push(`  claimed ${o.label} = ${matText(c.claimed)}`);
      lines.push(`  true    ${o.label} = ${matText(c.truth)}`);
      lines.push(`  (central differences give ${matText(c.differences)})`);
    } else if (o.claim && o.kind !== 'hessian-form') lines.push('counterexample: none found at small sizes');
  }
  return lines.join('\n') + '\n';
}

const matJson = (m: Mat) => m.toRows();

export function verifyJson(o: VerifyOutput): VerifyJson {
  const c = o.counterexample;
  return {
    matcalc: 1,
    command: 'verify',
    kind: o.kind,
    verdict: o.status === 'holds' ? 'VERIFIED' : o.status === 'fails' ? 'FALSE' : 'UNCHECKED',
    status: o.status,
    function: { text: toText(o.f), shape: shapeText(o.f.shape) },
    wrt: { name: o.variable.name, shape: shapeText(o.variable.shape), properties: [...o.variable.props] },
    derivative: o.label,
    claim: {
      input: o.input.claim,
      text: o.claim ? toText(o.claim) : null,
      shape: o.claim ? shapeText(o.claim.shape) : null,
      expectedShape: shapeText(o.expectedShape),
    },
    illTyped: o.illTyped ?? null,
    symbolic: o.symbolic ?? null,
    numerical: o.numerical ? verdictJson(o.numerical) : null,
    correct: {
      text: toText(o.truth.value),
      latex: toLatex(o.truth.value),
      shape: shapeText(o.expectedShape),
      ...(o.truth.cookbook ? { cookbook: toText(o.truth.cookbook) } : {}),
      check: o.truthCheck ? verdictJson(o.truthCheck) : null,
    },
    diagnosis: o.diagnosis ? o.diagnosis.findings.map((f) => ({ kinds: f.kinds, slips: f.slips, sentence: f.sentence, corrected: f.corrected ? toText(f.corrected) : null })) : null,
    counterexample: c
      ? {
          sizes: c.sizes,
          entries: c.entries,
          inputs: Object.fromEntries([...c.inputs].map(([k, v]) => [k, matJson(v)])),
          claimed: matJson(c.claimed),
          true: matJson(c.truth),
          centralDifferences: matJson(c.differences),
        }
      : null,
    notes: [...o.notes, ...(o.numerical?.notes ?? [])],
    errors: [],
  };
}
