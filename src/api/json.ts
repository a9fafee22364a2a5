// The JSON of checked derivation documents (every claim and step with its verdict) and of codegen
// (types.ts): what `verify FILE… --format json`, `check --format json` and `codegen --format json` print.
import type { DocumentResult } from '../doc/check.js';
import type { EqualityCounterexample } from '../verify/counterexample.js';
import type { Mat } from '../numeric/mat.js';
import { documentStatus } from '../render/document-page.js';
import type { CodegenOutput } from '../app/codegen.js';
import type { CodegenJson, CounterexampleJson, DocumentJson, DocumentsJson, InequalityJson } from './types.js';
import type { InequalityVerdict } from '../check/inequality.js';
import { verdictJson } from '../render/derive-output.js';

const rows = (m: Mat) => m.toRows();

export function counterexampleJson(c: EqualityCounterexample | undefined): CounterexampleJson | null {
  if (!c) return null;
  return {
    ...(c.instance ? { instance: c.instance } : {}),
    sizes: c.sizes,
    entries: c.entries,
    inputs: Object.fromEntries([...c.inputs].map(([k, v]) => [k, rows(v)])),
    left: rows(c.left),
    right: rows(c.right),
  };
}

/** An inequality's verdict and evidence (documents, and verify of a relation). */
export function inequalityJson(v: InequalityVerdict): InequalityJson {
  const c = v.counterexample;
  return {
    status: v.status, relation: v.relation, points: v.points, searches: v.searches, evaluations: v.evaluations, tolerance: v.tolerance,
    closest: v.closest ?? null, reason: v.reason ?? null,
    counterexample: c
      ? { sizes: c.sizes, values: Object.fromEntries([...c.values].map(([k, m]) => [k, rows(m)])), left: c.left, right: c.right, margin: c.margin, relative: c.relative, foundBy: c.foundBy, index: c.index, rounded: c.rounded }
      : null,
  };
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

export function documentJson(r: DocumentResult): DocumentJson {
  return {
    file: r.doc.file,
    title: r.doc.title ?? null,
    source: r.doc.source ?? null,
    verdict: r.passed ? 'VERIFIED' : 'FALSE',
    passed: r.passed,
    status: documentStatus(r),
    items: r.results.map((x) =>
      x.kind === 'claim'
        ? {
            kind: x.item.expected ? ('claim' as const) : ('refute' as const),
            line: x.item.line,
            label: x.item.label ?? null,
            lhs: x.item.lhs,
            relation: x.item.relation,
            rhs: x.item.rhs,
            status: x.status,
            holds: x.holds,
            passed: x.passed,
            error: finite(x.error),
            message: x.message ?? null,
            diagnosis: x.diagnosis ? { findings: [...x.diagnosis.findings], correct: x.diagnosis.correct ?? null } : null,
            counterexample: counterexampleJson(x.counterexample),
            inequality: x.inequality ? inequalityJson(x.inequality) : null,
          }
        : {
            kind: 'proof' as const,
            line: x.item.line,
            label: x.item.label ?? null,
            passed: x.passed,
            steps: x.lines.map((l) => ({
              line: l.line,
              source: l.source,
              passed: l.passed,
              status: l.status ?? 'holds',
              error: finite(l.error),
              rule: l.rule ? { name: l.rule.name, justified: l.rule.justified } : null,
              because: l.because ?? null,
              message: l.message ?? null,
              findings: [...(l.findings ?? [])],
              counterexample: counterexampleJson(l.counterexample),
            })),
          },
    ),
    firstFailure: r.firstFailure ?? null,
  };
}

export function documentsJson(command: 'verify' | 'check', results: readonly DocumentResult[], pages?: string): DocumentsJson {
  return documentsJsonOf(command, results.map(documentJson), pages);
}

/** The same from documents already in JSON (checked in worker threads). */
export function documentsJsonOf(command: 'verify' | 'check', documents: readonly DocumentJson[], pages?: string): DocumentsJson {
  const verified = documents.filter((d) => d.passed).length;
  return {
    matcalc: 1,
    command,
    kind: 'documents',
    passed: verified === documents.length,
    verified,
    total: documents.length,
    documents,
    ...(pages !== undefined ? { pages: `${pages}/index.html` } : {}),
  };
}

export function codegenJson(out: CodegenOutput): CodegenJson {
  return {
    matcalc: 1,
    command: 'codegen',
    target: out.target,
    code: out.code,
    check: out.derived.verdict ? verdictJson(out.derived.verdict) : null,
    hessianSkipped: 'skipped' in out.hessian ? out.hessian.skipped : null,
  };
}
