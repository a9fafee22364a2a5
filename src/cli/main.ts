// The command line. Commands parse their options and call the app layer; nothing else lives here.
// Exit codes: 0 success / all verified, 1 a check or claim failed, 2 bad input or usage.
import { Command, CommanderError, Option } from 'commander';
import { InputError, UnsupportedError } from '../expr/errors.js';
import { CheckError } from '../check/derivative.js';
import { runDerive, splitWrt } from '../app/derive.js';
import { checkAndRender, DOCUMENT_EXTENSION, documentFiles, documentText, verifyDocumentFile } from '../app/documents.js';
import { documentStatus } from '../render/document-page.js';
import { runFamilyHessian, runHessian, wrtIsFamily } from '../app/hessian.js';
import { familyHessianJson, formatFamilyHessianLatex, formatFamilyHessianText, formatHessianLatex, formatHessianText, hessianJson } from '../render/hessian-output.js';
import { runCodegen } from '../app/codegen.js';
import { EXAMPLES } from '../app/examples.js';
import { formatLatex, formatText, toJson } from '../render/derive-output.js';
import { deriveDocument, hessianDocument, stepsLatex } from '../render/derive-document.js';
import type { DocumentInput } from '../render/document.js';
import { documentPage, writeDocument, OUT_BASENAME } from '../app/document-output.js';
import { VERIFY_KINDS, verifyClaim } from '../verify/claim.js';
import { formatVerifyText, verifyJson } from '../render/verify-output.js';

const list = (v: string) => splitWrt(v);
const collect = (v: string, prev: string[] = []) => [...prev, v];

function program(): Command {
  const p = new Command('matcalc')
    .description('Matrix calculus you can check: gradients and Jacobians in denominator layout, verified by finite differences.')
    .version('0.1.0')
    .showHelpAfterError('(matcalc <command> --help shows the usage)')
    .exitOverride();

  p.command('derive')
    .description('derive gradients (scalar f) or vec-Jacobians (matrix F) and check them numerically')
    .argument('<expr>', 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2"')
    .requiredOption('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--wrt <vars>', 'variables, comma separated (default: every matrix or vector f depends on)', list)
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable); results use the name', collect)
    .option('--jacobian', 'derive ∇_{vec X} vec F, the Jacobian in denominator layout (for any F)')
    .option('--hessian', 'derive the Hessian: vec blocks, the bilinear form ∇²f[Δ,Δ] and Hessian-vector products')
    .option('--at <substitution>', 'evaluate at a point given by a substitution, e.g. "Y = W2*W1*X" (repeatable)', collect)
    .option('--assume <equation>', 'evaluate where an equation holds, e.g. "W2*W1*X - Y = 0" (repeatable)', collect)
    .option('--steps', 'show the derivation of ∇_vec(X) f step by step, each step justified by a rule from rules/ and checked')
    .addOption(new Option('--format <format>', 'output format (md and html: a document with the results, derivations and the check)').choices(['text', 'latex', 'md', 'html', 'json']).default('text'))
    .option('--out <dir>', `write a complete document into DIR instead of printing: ${OUT_BASENAME}.tex (standalone, pdflatex), ${OUT_BASENAME}.md, or ${OUT_BASENAME}.html with KaTeX's CSS and fonts in DIR/katex/ (--format latex, md or html)`)
    .option('--no-check', 'skip the numerical check')
    .option('--seed <n>', 'seed of the random check points', (v) => Number(v))
    .action((expr: string, o) => {
      if (o.hessian && wrtIsFamily({ decl: o.decl, wrt: o.wrt })) {
        if (o.format === 'md' || o.format === 'html' || o.out !== undefined)
          throw new InputError(`--hessian --wrt ${o.wrt[0]} (a whole family) prints as text, latex or json; md, html and --out are not available for it yet`);
        const h = runFamilyHessian({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, at: o.at, assume: o.assume, check: o.check, seed: o.seed });
        process.stdout.write(o.format === 'json' ? JSON.stringify(familyHessianJson(h), null, 2) + '\n' : o.format === 'latex' ? formatFamilyHessianLatex(h) : formatFamilyHessianText(h));
        if ((h.verdict && !h.verdict.passed) || h.checkError) process.exitCode = 1;
        return;
      }
      if (o.hessian) {
        const h = runHessian({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, at: o.at, assume: o.assume, check: o.check, seed: o.seed });
        if (!emitDocument(o, () => hessianDocument(h))) {
          const text = o.format === 'json' ? JSON.stringify(hessianJson(h), null, 2) + '\n' : o.format === 'latex' ? formatHessianLatex(h) : formatHessianText(h);
          process.stdout.write(text);
        }
        if ((h.verdict && !h.verdict.passed) || h.checkError) process.exitCode = 1;
        return;
      }
      if (o.at || o.assume) throw new InputError('--at and --assume choose the point of a Hessian; use them with --hessian');
      if (o.steps && o.format === 'json') throw new UnsupportedError('--steps --format json is not available yet: the step-by-step derivation prints as text, latex, md or html');
      const out = runDerive({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, jacobian: o.jacobian, check: o.check, seed: o.seed, steps: o.steps });
      if (!emitDocument(o, () => deriveDocument(out))) {
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
      if ((out.verdict && !out.verdict.passed) || out.checkError || out.derivations?.some((d) => !d.verdict.passed)) process.exitCode = 1;
    });

  p.command('verify')
    .description('verify a claimed derivative (--claim …) or derivation documents (FILE…): VERIFIED (exit 0) or FALSE (exit 1) with a diagnosis')
    .argument('[files...]', `derivation documents (*${DOCUMENT_EXTENSION}) or directories of them`)
    .option('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--f <expr>', 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2"')
    .option('--wrt <var>', 'the variable, e.g. W1')
    .option('--claim <expr>', "the claimed derivative, e.g. \"W2'*(W2*W1*X - Y)*X'\"")
    .addOption(
      new Option('--kind <kind>', 'grad: ∇_X f (shape of X); vecgrad: ∇_vec(X) f; jacobian: ∇_vec(X) vec(F); hessian: ∇_vec(X)∇_vec(X) f; hessian-form: ∇²f[dX, dX] in the direction dX (default: grad for scalar f, jacobian otherwise)').choices([
        ...VERIFY_KINDS,
      ]),
    )
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable), usable in --f and --claim', collect)
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--seed <n>', 'seed of the random check points', (v) => Number(v))
    .action((files: string[], o) => {
      if (files.length) {
        if (o.claim || o.f) throw new InputError('give either documents (matcalc verify FILE…) or a claim (--decl, --f, --wrt, --claim), not both');
        let failed = 0;
        for (const file of documentFiles(files)) {
          const r = verifyDocumentFile(file, o.seed);
          process.stdout.write(documentText(r));
          if (!r.passed) failed++;
        }
        if (failed) process.exitCode = 1;
        return;
      }
      const missing = ['decl', 'f', 'wrt', 'claim'].filter((k) => !o[k]);
      if (missing.length) throw new InputError(`verify needs ${missing.map((m) => '--' + m).join(', ')} (or derivation documents: matcalc verify FILE…)`);
      const out = verifyClaim({ decl: o.decl, f: o.f, wrt: o.wrt, claim: o.claim, kind: o.kind, defs: o.def, seed: o.seed });
      process.stdout.write(o.format === 'json' ? JSON.stringify(verifyJson(out), null, 2) + '\n' : formatVerifyText(out));
      if (!out.verified) process.exitCode = 1;
    });

  p.command('codegen')
    .description('write f and its gradients as a module: numpy, torch (PyTorch) or ts (TypeScript, no dependencies)')
    .argument('<expr>', 'the function, e.g. "0.5*norm(W2*W1*X - Y)^2"')
    .requiredOption('--decl <decls>', 'declarations, e.g. "W1: h x d; W2: k x h; X: d x n; Y: k x n"')
    .option('--wrt <vars>', 'variables, comma separated (default: every matrix or vector f depends on)', list)
    .requiredOption('--target <target>', 'numpy, torch or ts')
    .option('--sizes <sizes>', 'typical sizes for ordering matrix products, e.g. "n=60000, d=784" (default: every dimension 100)')
    .option('--def <definition>', 'a definition such as "e = W2*W1*X - Y" (repeatable)', collect)
    .option('--no-check', 'skip the numerical check of the gradients')
    .option('--seed <n>', 'seed of the random check points', (v) => Number(v))
    .action((expr: string, o) => {
      const out = runCodegen({ expr, decl: o.decl, wrt: o.wrt, defs: o.def, target: o.target, sizes: o.sizes, check: o.check, seed: o.seed });
      const v = out.derived.verdict;
      if (v && !v.passed) {
        fail(1, 'check', `the derived gradient failed its numerical check (max relative error ${v.maxError.toExponential(2)}); no code written`);
        return;
      }
      process.stdout.write(out.code);
    });

  p.command('check')
    .description('verify every derivation document and render each (HTML, .tex, Markdown) with an index page')
    .argument('[paths...]', `documents (*${DOCUMENT_EXTENSION}) or directories of them`, ['derivations'])
    .option('--out <dir>', 'where the rendered pages go', 'docs/derivations')
    .action((paths: string[], o) => {
      const tty = process.stderr.isTTY;
      const checked = checkAndRender(paths, o.out, (done, total, file) => {
        if (tty) process.stderr.write(`\rchecking ${done}/${total} ${file}`.padEnd(80).slice(0, 80) + (done === total ? '\n' : ''));
      });
      for (const c of checked) process.stdout.write(`${c.result.passed ? '✓' : '✗'} ${c.file}: ${documentStatus(c.result)}\n`);
      const failed = checked.filter((c) => !c.result.passed).length;
      process.stdout.write(`${checked.length - failed} of ${checked.length} documents verified; pages in ${o.out}/index.html\n`);
      if (failed) process.exitCode = 1;
    });

  p.command('examples')
    .description("derive and check the seeds' objectives (the main job until derivation documents exist)")
    .action(() => {
      let failed = 0;
      for (const ex of EXAMPLES) {
        const out = runDerive(ex);
        process.stdout.write(`── ${ex.title} (${ex.source})\n`);
        process.stdout.write(formatText(out).replace(/^/gm, '   ').replace(/ +$/gm, '') + '\n');
        if (!out.verdict?.passed) failed++;
      }
      process.stdout.write(`${EXAMPLES.length - failed} of ${EXAMPLES.length} examples checked${failed ? `, ${failed} FAILED` : ''}\n`);
      if (failed) process.exitCode = 1;
    });
  return p;
}

/**
 * Documents: md and html print a page; with --out DIR, latex, md and html write a complete document
 * there. Returns false when the format is printed by the command itself (text, json, latex to stdout).
 */
function emitDocument(o: { format: string; out?: string }, doc: () => DocumentInput): boolean {
  if (o.out === undefined) {
    if (o.format !== 'md' && o.format !== 'html') return false;
    process.stdout.write(documentPage(doc(), o.format));
    return true;
  }
  if (o.format !== 'latex' && o.format !== 'md' && o.format !== 'html') throw new InputError(`--out writes a document: use it with --format latex, md or html (not ${o.format})`);
  const files = writeDocument(doc(), o.format, o.out);
  process.stdout.write(`wrote ${files[0]}${files.length > 1 ? ` and ${files.length - 1} KaTeX files (CSS, fonts)` : ''} in ${o.out}\n`);
  return true;
}

let jsonOutput = false;

/** Errors go to stderr as one message; with --format json, also as JSON on stdout (docs/json.md). */
function fail(code: number, kind: string, message: string, detail?: string): void {
  process.stderr.write(`matcalc: ${message}\n${detail ? detail + '\n' : ''}`);
  if (jsonOutput) process.stdout.write(JSON.stringify({ matcalc: 1, errors: [{ kind, message, ...(detail ? { detail } : {}) }] }, null, 2) + '\n');
  process.exitCode = code;
}

export function main(argv: string[]): void {
  jsonOutput = argv.some((a, i) => a === '--format=json' || (a === '--format' && argv[i + 1] === 'json'));
  try {
    program().parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message already
      const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0;
      process.exitCode = ok ? 0 : 2;
      if (!ok && jsonOutput) process.stdout.write(JSON.stringify({ matcalc: 1, errors: [{ kind: 'usage', message: e.message }] }, null, 2) + '\n');
    } else if (e instanceof InputError) fail(2, 'input', e.message, e.detail);
    else if (e instanceof UnsupportedError) fail(2, 'unsupported', `not supported: ${e.message}`);
    else if (e instanceof CheckError) fail(1, 'check', `check could not run: ${e.message}`);
    else fail(1, 'internal', `internal error (please report it with the command line): ${(e as Error)?.message ?? String(e)}`);
  }
}

