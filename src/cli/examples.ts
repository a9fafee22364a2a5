// matcalc examples: the seeds' objectives, derived and checked.
import { runDerive } from '../app/derive.js';
import { EXAMPLES } from '../app/examples.js';
import { formatText } from '../render/derive-output.js';

export function examples(): void {
  let failed = 0;
  for (const ex of EXAMPLES) {
    const out = runDerive(ex);
    process.stdout.write(`── ${ex.title} (${ex.source})\n`);
    process.stdout.write(formatText(out).replace(/^/gm, '   ').replace(/ +$/gm, '') + '\n');
    if (!out.verdict?.passed) failed++;
  }
  process.stdout.write(`${EXAMPLES.length - failed} of ${EXAMPLES.length} examples checked${failed ? `, ${failed} FAILED` : ''}\n`);
  if (failed) process.exitCode = 1;
}
