// Verifying derivation documents: read, check, and describe the outcome (text for the terminal).
import type { EqualityCounterexample } from '../verify/counterexample.js';
import { matText, numText } from '../render/verify-output.js';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { documentJson } from '../api/json.js';
import type { DocumentJson } from '../api/types.js';
import { renderDocument } from '../render/document.js';
import { documentPage, documentStatus } from '../render/document-page.js';
import { htmlEscape, mdText, typography } from '../render/prose.js';
import { authorPieces, authorPlain } from '../render/author-math.js';
import { InputError } from '../expr/errors.js';
import { parseDocument } from '../doc/format.js';
import { checkDocument, type DocumentResult } from '../doc/check.js';
import { loadRules, type Rule } from '../rewrite/rules.js';
import { evidenceText, type InequalityVerdict } from '../check/inequality.js';

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

/** A document's text and the name it is reported under (its file, or `<stdin>`). */
export interface DocumentText {
  readonly file: string;
  readonly text: string;
}

/** The name under which a document read from standard input is reported. */
export const STDIN_DOCUMENT = '<stdin>';

/** The documents named, read: `-` stands for `stdin` (the text of standard input), directories are expanded. */
export function readDocuments(paths: readonly string[], stdin?: string): DocumentText[] {
  if (paths.filter((p) => p === '-').length > 1) throw new InputError('standard input (-) can be read once');
  return paths.flatMap((p) => (p === '-' ? [{ file: STDIN_DOCUMENT, text: stdin ?? '' }] : documentFiles([p]).map((file) => ({ file, text: readFileSync(file, 'utf8') }))));
}

export function verifyDocument(d: DocumentText, seed?: number, rules: ReadonlyMap<string, Rule> = loadRules()): DocumentResult {
  return checkDocument(parseDocument(d.text, d.file), { seed, rules });
}

export function verifyDocumentFile(file: string, seed?: number): DocumentResult {
  return verifyDocument({ file, text: readFileSync(file, 'utf8') }, seed);
}

/** "counterexample (d = 1, n = 2; integer entries): X = [1 -2], …, left side = …, right side = …" */
export function counterexampleText(c: EqualityCounterexample, left: string, right: string, indent = '      '): string[] {
  const where = [c.instance ? c.instance.replace(/,/g, ', ').replace(/=/g, ' = ') : '', Object.entries(c.sizes).map(([k, v]) => `${k} = ${v}`).join(', ')].filter(Boolean).join('; ');
  return [
    `${indent}counterexample (${where || 'no dimensions'}; ${c.entries} entries):`,
    ...[...c.inputs].map(([name, v]) => `${indent}  ${name} = ${matText(v)}`),
    `${indent}  ${left} = ${matText(c.left)}`,
    `${indent}  ${right} = ${matText(c.right)}`,
  ];
}

/** The point where an inequality fails, both sides there and the margin (sides: their text, when known). */
export function inequalityCounterexampleLines(v: InequalityVerdict, indent = '      ', sides?: readonly [string, string]): string[] {
  const c = v.counterexample!;
  const sizes = Object.entries(c.sizes).map(([k, n]) => `${k} = ${n}`).join(', ');
  const by = (c.foundBy === 'search' ? `found by local search ${c.index}` : `at random point ${c.index}`) + (c.rounded ? ', entries rounded to integers' : '');
  const [l, r] = sides ? [`left side  ${sides[0]}`, `right side ${sides[1]}`] : ['left side', 'right side'];
  return [
    `${indent}counterexample (${sizes || 'no dimensions'}; ${by}):`,
    ...[...c.values].map(([name, m]) => `${indent}  ${name} = ${matText(m)}`),
    `${indent}  ${l} = ${numText(c.left)}`,
    `${indent}  ${r} = ${numText(c.right)}`,
    `${indent}  it fails by ${numText(Math.abs(c.margin))} (relative margin ${c.relative.toExponential(1)}; rounding is below ${v.tolerance.toExponential(0)})`,
  ];
}

/** One paragraph per document: the verdict, every claim and step with its line, the first failure. */
export function documentText(r: DocumentResult): string {
  const L = [`${r.passed ? 'VERIFIED' : 'FALSE'}: ${r.doc.file}${r.doc.title ? ` — ${authorPlain(r.doc.title)}` : ''}`];
  for (const x of r.results) {
    if (x.kind === 'claim') {
      const what = x.item.expected ? 'claim' : 'refute';
      const iq = x.inequality;
      const verdict = iq
        ? iq.status === 'holds' ? `holds: ${evidenceText(iq)}` : iq.status === 'fails' ? 'does not hold' : `could not be checked: ${iq.reason}`
        : x.status === 'holds' ? 'holds' : x.status === 'fails' ? `does not hold (${x.message})` : (x.message ?? 'could not be checked');
      L.push(`  line ${x.item.line}: ${what}${x.item.label ? ' ' + x.item.label : ''} ${verdict}${x.passed ? '' : '   ← FAILS'}`);
      if (iq?.counterexample) L.push(...inequalityCounterexampleLines(iq));
      for (const f of x.diagnosis?.findings ?? []) L.push(`      diagnosis: ${f}`);
      if (x.diagnosis?.correct) L.push(`      correct: ${x.diagnosis.correct}`);
      if (x.counterexample) L.push(...counterexampleText(x.counterexample, 'left side', 'right side'));
    } else {
      L.push(`  line ${x.item.line}: proof${x.item.label ? ' ' + x.item.label : ''}: ${x.lines.length - 1} step${x.lines.length === 2 ? '' : 's'}${x.passed ? ', every step holds' : ''}`);
      for (const l of x.lines.slice(1)) {
        const why = l.rule ? ` by ${l.rule.name}${l.rule.justified ? '' : ' (not justified)'}` : l.because ? ` because ${l.because}` : '';
        const err = l.error !== undefined ? ` (${Number.isFinite(l.error) ? l.error.toExponential(1) : '∞'})` : '';
        L.push(`    line ${l.line}: ${l.passed ? 'ok' : 'FAILS'}${why}${err}${l.message ? ' — ' + l.message : ''}`);
        for (const f of l.findings ?? []) L.push(`      diagnosis: ${f}`);
        if (l.counterexample) L.push(...counterexampleText(l.counterexample, 'line before', 'this line'));
      }
    }
  }
  if (r.firstFailure) L.push(`  first failure: line ${r.firstFailure.line}: ${r.firstFailure.message}`);
  return L.join('\n') + '\n';
}


export interface CheckedDocument {
  readonly file: string;
  readonly result: DocumentResult;
  /** the files' common name in the output directory (the page is NAME.html) */
  readonly name: string;
  /** the page, relative to the output directory */
  readonly page: string;
}

/**
 * A link to one of the files written into the output directory: relative (./), with every byte outside
 * [A-Za-z0-9._~-] percent-encoded, so that no file name can become a scheme (javascript:), a path
 * outside the directory, markup, or a Markdown link's end.
 */
export function fileHref(file: string): string {
  const enc = [...Buffer.from(file, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`));
  return './' + enc.join('');
}

/** The output name of each document: its file's base name (stdin for standard input), made unique (two inputs called a.matcalc give a and a-2). */
function outputNames(files: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return files.map((f) => {
    const base = f === STDIN_DOCUMENT ? 'stdin' : basename(f, DOCUMENT_EXTENSION);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

export interface CheckOptions {
  /** the .tex files mark every checked line with ✓ (✗ where it fails) */
  readonly checkmarks?: boolean;
}

/**
 * `matcalc check`: verify every document and render each (HTML, .tex, Markdown) into `out`, next to a
 * copy of its source, with an index page that shows each document's status. KaTeX's stylesheet and fonts
 * are written once, next to the pages, so the directory works offline.
 */
export function checkAndRender(
  docs: readonly string[] | readonly DocumentText[],
  out: string,
  progress?: (done: number, total: number, file: string) => void,
  opts: CheckOptions = {},
): CheckedDocument[] {
  const texts = docs.map((d) => (typeof d === 'string' ? readDocuments([d]) : [d])).flat();
  const names = outputNames(texts.map((d) => d.file));
  const rules = loadRules();
  mkdirSync(out, { recursive: true });
  const checked = texts.map((doc, i) => {
    progress?.(i, texts.length, doc.file);
    return checkAndRenderOne({ doc, name: names[i], out, checkmarks: opts.checkmarks, assets: i === 0 }, rules);
  });
  progress?.(texts.length, texts.length, '');
  writeIndex(out, checked.map(summary));
  return checked;
}

/** One document of `matcalc check`: what a worker thread is given (src/app/check-worker.ts). */
export interface CheckJob {
  readonly doc: DocumentText;
  /** the files' common name in the output directory */
  readonly name: string;
  readonly out: string;
  readonly checkmarks?: boolean;
  /** write KaTeX's stylesheet and fonts too (the first document does) */
  readonly assets: boolean;
}

/** Verify one document and write its pages (HTML, .tex, Markdown, the source) into the output directory. */
export function checkAndRenderOne(job: CheckJob, rules: ReadonlyMap<string, Rule> = loadRules()): CheckedDocument {
  const { doc, name, out } = job;
  const result = verifyDocument(doc, undefined, rules);
  const rendered = renderDocument(documentPage(result, rules), { assets: 'files', checkmarks: job.checkmarks });
  writeFileSync(join(out, `${name}.html`), rendered.html);
  writeFileSync(join(out, `${name}.tex`), rendered.tex);
  writeFileSync(join(out, `${name}.md`), rendered.md);
  writeFileSync(join(out, `${name}${DOCUMENT_EXTENSION}`), doc.text);
  if (job.assets)
    for (const a of rendered.assets) {
      mkdirSync(dirname(join(out, a.path)), { recursive: true });
      writeFileSync(join(out, a.path), a.data);
    }
  return { file: doc.file, result, name, page: `${name}.html` };
}

/** What the index page and the command line need of a checked document (plain data: it crosses threads). */
export interface CheckedSummary {
  readonly file: string;
  readonly name: string;
  readonly page: string;
  readonly passed: boolean;
  /** documentStatus: "verified: …" or the first failure */
  readonly status: string;
  readonly title?: string;
  readonly source?: string;
  /** printed formulas the document shows false */
  readonly refuted: number;
  readonly json: DocumentJson;
}

export function summary(c: CheckedDocument): CheckedSummary {
  const r = c.result;
  return {
    file: c.file, name: c.name, page: c.page, passed: r.passed, status: documentStatus(r),
    ...(r.doc.title !== undefined ? { title: r.doc.title } : {}), ...(r.doc.source !== undefined ? { source: r.doc.source } : {}),
    refuted: r.results.filter((x) => x.kind === 'claim' && !x.item.expected).length,
    json: documentJson(r),
  };
}

/**
 * checkAndRender with the documents spread over worker threads (one per core, at most 4): the longest
 * first, the results in the documents' order. Without a worker script (running from the TypeScript
 * sources) or with one document or one core, in this thread.
 */
export async function checkAndRenderInParallel(
  docs: readonly DocumentText[],
  out: string,
  progress?: (done: number, total: number, file: string) => void,
  opts: CheckOptions = {},
): Promise<CheckedSummary[]> {
  const script = checkWorkerScript();
  const threads = Math.min(availableParallelism(), 4, docs.length);
  if (!script || threads < 2) return checkAndRender(docs, out, progress, opts).map(summary);
  const names = outputNames(docs.map((d) => d.file));
  mkdirSync(out, { recursive: true });
  const jobs = docs.map((doc, i) => ({ doc, name: names[i], out, checkmarks: opts.checkmarks, assets: i === 0 }));
  const queue = jobs.map((_, i) => i).sort((a, b) => docs[b].text.length - docs[a].text.length);
  const results: CheckedSummary[] = new Array(docs.length);
  let done = 0;
  progress?.(0, docs.length, docs[queue[0]].file);
  await Promise.all(
    Array.from({ length: threads }, async () => {
      const worker = new Worker(script);
      try {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          results[i] = await new Promise<CheckedSummary>((resolve, reject) => {
            worker.once('message', (m: { summary?: CheckedSummary; error?: string }) => (m.summary ? resolve(m.summary) : reject(new Error(m.error))));
            worker.once('error', reject);
            worker.postMessage(jobs[i]);
          });
          progress?.(++done, docs.length, docs[i].file);
        }
      } finally {
        await worker.terminate();
      }
    }),
  );
  writeIndex(out, results);
  return results;
}

/** The worker's script: in the bundle, its own entry; from tsc's output, the module beside this one; none from the sources. */
function checkWorkerScript(): URL | undefined {
  const at = import.meta.url.indexOf('/dist/bundle/');
  const url = at >= 0 ? new URL(`${import.meta.url.slice(0, at)}/dist/bundle/check-worker.js`) : new URL('./check-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

function writeIndex(out: string, docs: readonly CheckedSummary[]): void {
  writeFileSync(join(out, 'index.html'), indexHtml(docs));
  writeFileSync(join(out, 'index.md'), indexMd(docs));
}

function indexHtml(docs: readonly CheckedSummary[]): string {
  const ok = docs.filter((d) => d.passed).length;
  const link = (file: string, label: string) => `<a href="${htmlEscape(fileHref(file))}">${label}</a>`;
  const rows = docs
    .map((d) => {
      const note = d.refuted ? `<div class="src">${d.refuted} printed formula${d.refuted > 1 ? 's' : ''} shown false</div>` : '';
      const status = d.passed ? `<span class="ok">✓&nbsp;verified</span>${note}` : `<span class="bad">✗ ${htmlEscape(d.status)}</span>`;
      const title = pieceHtml(d.title ?? d.name);
      return `<tr><td>${link(`${d.name}.html`, title)}<div class="src">${pieceHtml(d.source ?? '')}</div></td><td>${status}</td><td>${link(`${d.name}.tex`, '.tex')} · ${link(`${d.name}.md`, '.md')} · ${link(`${d.name}${DOCUMENT_EXTENSION}`, 'source')}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>matcalc: derivations</title>
<style>body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.6rem .4rem;vertical-align:top;text-align:left}td:nth-child(3){white-space:nowrap}.src{color:#666;font-size:.85em;margin-top:.2rem}.ok{color:#1a7f37;font-weight:bold}.bad{color:#b42318;font-weight:bold}
@media (max-width:600px){thead{display:none}tr,td{display:block}td{border:0;padding:.15rem 0}tr{border-bottom:1px solid #ddd;padding:.6rem 0}}</style>
</head><body>
<h1>Derivations checked by matcalc</h1>
<p>${ok} of ${docs.length} documents verified: every claim and every step checked numerically at random points, and every cited rule checked to produce its step. The .tex files are the papers' text, ready to \\input into an appendix; the pages are the verification reports.</p>
<table><thead><tr><th>Document</th><th>Status</th><th>Files</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** An author's title or source line in the index (which loads no math fonts): the math in italics. */
const pieceHtml = (s: string): string =>
  authorPieces(s)
    .map((p, i, all) => (p.math ? `<i>${htmlEscape(p.text)}</i>` : htmlEscape(typography(p.text, i > 0 && all[i - 1].math))))
    .join('');

function indexMd(docs: readonly CheckedSummary[]): string {
  const link = (label: string, file: string) => `[${label}](${fileHref(file)})`;
  const rows = docs.map((d) => `| ${link(mdText(authorPlain(d.title ?? d.name)), `${d.name}.md`)} | ${d.passed ? '✓ verified' : '✗ ' + mdText(d.status)} | ${link('.tex', `${d.name}.tex`)} · ${link('source', `${d.name}${DOCUMENT_EXTENSION}`)} |`);
  return `# Derivations checked by matcalc\n\n| Document | Status | Files |\n| --- | --- | --- |\n${rows.join('\n')}\n`;
}
