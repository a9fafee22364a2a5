// Where a rendered document goes: stdout (Markdown; HTML as one self-contained page) or a directory
// (--out DIR: DIR/derive.tex, DIR/derive.md, or DIR/derive.html with KaTeX's CSS and fonts in DIR/katex/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../expr/errors.js';
import { renderDocument, type DocumentInput } from '../render/document.js';

export type DocumentFormat = 'latex' | 'md' | 'html';
export const OUT_BASENAME = 'derive';

/** The page for stdout: Markdown, or HTML with the KaTeX CSS and fonts inlined. */
export function documentPage(doc: DocumentInput, format: 'md' | 'html'): string {
  const r = renderDocument(doc, { assets: 'inline' });
  return format === 'md' ? r.md : r.html;
}

/** Write the document into `dir` (created if needed); returns the files written, relative to `dir`. */
export function writeDocument(doc: DocumentInput, format: DocumentFormat, dir: string): string[] {
  const r = renderDocument(doc, { assets: 'files' });
  const ext = format === 'latex' ? 'tex' : format;
  const files = [{ path: `${OUT_BASENAME}.${ext}`, data: format === 'latex' ? r.tex : format === 'md' ? r.md : r.html }, ...(format === 'html' ? r.assets : [])];
  try {
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.data);
    }
  } catch (e) {
    throw new InputError(`--out ${dir}: cannot write the document there (${(e as Error).message})`);
  }
  return files.map((f) => f.path);
}
