// Verifying derivation documents: read, check, and describe the outcome (text for the terminal).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../expr/errors.js';
import { parseDocument } from '../doc/format.js';
import { checkDocument, type DocumentResult } from '../doc/check.js';
import { loadRules } from '../rewrite/rules.js';

export const DOCUMENT_EXTENSION = '.matcalc';

/** The documents named, directories expanded to their *.matcalc files (sorted). */
export function documentFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) out.push(...readdirSync(p).filter((f) => f.endsWith(DOCUMENT_EXTENSION)).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  if (!out.length) throw new InputError(`no derivation documents (*${DOCUMENT_EXTENSION}) in ${paths.join(', ')}`);
  return out;
}

export function verifyDocumentFile(file: string, seed?: number): DocumentResult {
  const rules = loadRules();
  return checkDocument(parseDocument(readFileSync(file, 'utf8'), file), { seed, rules });
}

/** One paragraph per document: the verdict, every claim and step with its line, the first failure. */
export function documentText(r: DocumentResult): string {
  const L = [`${r.passed ? 'VERIFIED' : 'FALSE'}: ${r.doc.file}${r.doc.title ? ` — ${r.doc.title}` : ''}`];
  for (const x of r.results) {
    if (x.kind === 'claim') {
      const what = x.item.expected ? 'claim' : 'refute';
      const verdict = x.holds ? 'holds' : `does not hold (${x.message})`;
      L.push(`  line ${x.item.line}: ${what}${x.item.label ? ' ' + x.item.label : ''} ${verdict}${x.passed ? '' : '   ← FAILS'}`);
      for (const f of x.diagnosis?.findings ?? []) L.push(`      diagnosis: ${f}`);
      if (x.diagnosis) L.push(`      correct: ${x.diagnosis.correct}`);
    } else {
      L.push(`  line ${x.item.line}: proof${x.item.label ? ' ' + x.item.label : ''}: ${x.lines.length - 1} steps${x.passed ? ', every step holds' : ''}`);
      for (const l of x.lines.slice(1)) {
        const why = l.rule ? ` by ${l.rule.name}${l.rule.justified ? '' : ' (not justified)'}` : l.because ? ` because ${l.because}` : '';
        const err = l.error !== undefined ? ` (${Number.isFinite(l.error) ? l.error.toExponential(1) : '∞'})` : '';
        L.push(`    line ${l.line}: ${l.passed ? 'ok' : 'FAILS'}${why}${err}${l.message ? ' — ' + l.message : ''}`);
      }
    }
  }
  if (r.firstFailure) L.push(`  first failure: line ${r.firstFailure.line}: ${r.firstFailure.message}`);
  return L.join('\n') + '\n';
}

