// matcalc derive: gradients, vec-Jacobians and Hessians, printed as text, LaTeX, JSON or a document.
import { InputError, UnsupportedError } from '../expr/errors.js';
import { runDerive } from '../app/derive.js';
import { runFamilyHessian, runHessian, wrtIsFamily } from '../app/hessian.js';
import { familyHessianJson, formatFamilyHessianLatex, formatFamilyHessianText, formatHessianLatex, formatHessianText, hessianJson } from '../render/hessian-output.js';
import { formatLatex, formatText, toJson } from '../render/derive-output.js';
import { deriveDocument, hessianDocument, hessianStepsLatex, stepsLatex } from '../render/derive-document.js';
import type { DocumentInput } from '../render/document.js';

export async function derive(expr: string, o: { format: string; out?: string; [option: string]: any }): Promise<void> {
  if (o.hessian && wrtIsFamily({ decl: o.decl, wrt: o.wrt })) {
    if (o.steps) throw new UnsupportedError(`--steps for --hessian --wrt ${o.wrt[0]} (a whole family) is not available yet: the differential steps do not split products over a family; derive a block with --wrt "${o.wrt[0]}[k]" or concrete layers`);
    if (o.format === 'md' || o.format === 'html' || o.out !== undefined)
      throw new InputError(`--hessian --wrt ${o.wrt[0]} (a whole family) prints as text, latex or json; md, html and --out are not available for it yet`);
    const h = runFamilyHessian({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, at: o.at, assume: o.assume, check: o.check, seed: o.seed });
    process.stdout.write(o.format === 'json' ? JSON.stringify(familyHessianJson(h), null, 2) + '\n' : o.format === 'latex' ? formatFamilyHessianLatex(h) : formatFamilyHessianText(h));
    if (h.verdict && !h.verdict.passed) process.exitCode = 1;
    return;
  }
  if (o.hessian) {
    const h = runHessian({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, at: o.at, assume: o.assume, check: o.check, seed: o.seed, steps: o.steps });
    if (!(await emitDocument(o, () => hessianDocument(h)))) {
      const text =
        o.format === 'json' ? JSON.stringify(hessianJson(h), null, 2) + '\n' : o.format === 'latex' ? (h.derivations ? hessianStepsLatex(h.derivations) : formatHessianLatex(h)) : formatHessianText(h);
      process.stdout.write(text);
    }
    if ((h.verdict && !h.verdict.passed) || h.derivations?.some((d) => !d.verdict.passed)) process.exitCode = 1;
    return;
  }
  if (o.at || o.assume) throw new InputError('--at and --assume choose the point of a Hessian; use them with --hessian');
  const out = runDerive({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, jacobian: o.jacobian, check: o.check, seed: o.seed, steps: o.steps });
  if (!(await emitDocument(o, () => deriveDocument(out)))) {
    const text =
      o.format === 'json'
        ? JSON.stringify(toJson(out), null, 2) + '\n'
        : o.format === 'latex'
          ? out.derivations
            ? stepsLatex(out.derivations)
            : formatLatex(out)
          : formatText(out);
    process.stdout.write(text);
  }
  if ((out.verdict && !out.verdict.passed) || out.derivations?.some((d) => !d.verdict.passed)) process.exitCode = 1;
}

/**
 * Documents: md and html print a page; with --out DIR, latex, md and html write a complete document
 * there. Returns false when the format is printed by the command itself (text, json, latex to stdout).
 * The renderer (and KaTeX) is loaded only here.
 */
async function emitDocument(o: { format: string; out?: string }, doc: () => DocumentInput): Promise<boolean> {
  if (o.out === undefined) {
    if (o.format !== 'md' && o.format !== 'html') return false;
    const { documentPage } = await import('../app/document-output.js');
    process.stdout.write(documentPage(doc(), o.format));
    return true;
  }
  if (o.format !== 'latex' && o.format !== 'md' && o.format !== 'html') throw new InputError(`--out writes a document: use it with --format latex, md or html (not ${o.format})`);
  const { writeDocument } = await import('../app/document-output.js');
  const files = writeDocument(doc(), o.format, o.out);
  process.stdout.write(`wrote ${files[0]}${files.length > 1 ? ` and ${files.length - 1} KaTeX files (CSS, fonts)` : ''} in ${o.out}\n`);
  return true;
}
