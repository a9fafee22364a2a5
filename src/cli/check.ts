// matcalc check: verify every derivation document and render each, with an index page.
import { checkAndRenderInParallel, readDocuments } from '../app/documents.js';
import { readStdin, STDIN } from './stdin.js';
import { documentsJsonOf } from '../api/json.js';

export async function check(paths: string[], o: { out: string; format: string; checkmarks?: boolean }): Promise<void> {
  const docs = readDocuments(paths, paths.includes(STDIN) ? await readStdin() : undefined);
  const tty = process.stderr.isTTY;
  const checked = await checkAndRenderInParallel(docs, o.out, (done, total, file) => {
    if (tty) process.stderr.write(`\rchecking ${done}/${total} ${file}`.padEnd(80).slice(0, 80) + (done === total ? '\n' : ''));
  }, { checkmarks: o.checkmarks === true });
  if (o.format === 'json') process.stdout.write(JSON.stringify(documentsJsonOf('check', checked.map((c) => c.json), o.out), null, 2) + '\n');
  else for (const c of checked) process.stdout.write(`${c.passed ? '✓' : '✗'} ${c.file}: ${c.status}\n`);
  const failed = checked.filter((c) => !c.passed).length;
  if (o.format !== 'json') process.stdout.write(`${checked.length - failed} of ${checked.length} documents verified; pages in ${o.out}/index.html\n`);
  if (failed) process.exitCode = 1;
}
