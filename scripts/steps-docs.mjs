// The examples of docs/steps.md from real runs (after `npm run build`): every ``` block that starts with
// `$ npx matcalc …` gets that command's output, and the picture after it (`![…](steps/NAME.png)`) is
// the same command with --format latex --out, typeset with pdflatex and cropped to its text by pdftoppm
// (poppler-utils). Prints each example's number of lines before and after.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const file = join(root, 'docs/steps.md');
const cli = join(root, 'bin/matcalc.js');

/** The words of a command line as the shell splits them (double quotes only, as the examples use). */
function words(line) {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function run(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`matcalc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout.replace(/\s+$/, '');
}

/**
 * The derivations as `--format latex` prints them to paste into a paper, typeset on one tall page of a
 * paper's text width (11pt article, 1in margins) and cropped to the ink.
 */
function picture(args, png) {
  const dir = mkdtempSync(join(tmpdir(), 'steps-docs-'));
  try {
    const body = run([...args, '--format', 'latex']);
    const tex = ['\\documentclass[11pt]{article}', '\\usepackage{amsmath,amssymb,bm}', '\\usepackage[paperwidth=8.5in,paperheight=60in,margin=1in]{geometry}',
      '\\allowdisplaybreaks', '\\emergencystretch=3em', '\\pagestyle{empty}', '\\begin{document}', body, '\\end{document}', ''].join('\n');
    writeFileSync(join(dir, 'steps.tex'), tex);
    execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'steps.tex'], { cwd: dir, stdio: 'ignore' });
    const pdf = join(dir, 'steps.pdf');
    const b = inkBox(execFileSync('pdftoppm', ['-gray', '-r', '80', '-f', '1', '-l', '1', pdf], { maxBuffer: 1 << 28 }));
    const m = 10;
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', '-x', String(b.x0 - m), '-y', String(b.y0 - m), '-W', String(b.x1 - b.x0 + 2 * m), '-H', String(b.y1 - b.y0 + 2 * m), pdf, join(root, 'docs', png.replace(/\.png$/, ''))]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The smallest box around the pixels darker than white in a binary PGM (P5, 8 bit). */
function inkBox(pgm) {
  let at = 0;
  const token = () => {
    while (pgm[at] === 0x20 || pgm[at] === 0x0a || pgm[at] === 0x0d || pgm[at] === 0x09) at++;
    const start = at;
    while (pgm[at] > 0x20) at++;
    return pgm.subarray(start, at).toString();
  };
  if (token() !== 'P5') throw new Error('pdftoppm -gray did not write a binary PGM');
  const w = Number(token()), h = Number(token());
  token();
  at++;
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (pgm[at + y * w + x] < 200) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  return x1 < 0 ? undefined : { x0, y0, x1, y1 };
}

const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
const out = [];
const counts = [];
for (let i = 0; i < lines.length; i++) {
  if (lines[i] !== '```' || !lines[i + 1]?.startsWith('$ npx matcalc ')) {
    out.push(lines[i]);
    continue;
  }
  const command = lines[i + 1];
  let end = i + 2;
  while (lines[end] !== '```') end++;
  const args = words(command.slice('$ npx matcalc '.length));
  const body = run(args);
  counts.push({ command: command.slice(2, 80), before: end - i - 2, after: body.split('\n').length });
  out.push('```', command, body, '```');
  i = end;
  // the picture that belongs to this example
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
    const m = /!\[[^\]]*\]\((steps\/[^)]+\.png)\)/.exec(lines[j]);
    if (m) {
      picture(args, m[1]);
      break;
    }
    if (lines[j] === '```') break;
  }
}
writeFileSync(file, out.join('\n'));
for (const c of counts) console.log(`${String(c.before).padStart(4)} → ${String(c.after).padStart(4)} lines  ${c.command}`);
