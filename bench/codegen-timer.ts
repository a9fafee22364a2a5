// The TypeScript side of the cheap-gradient benchmark, run by bench/codegen.ts as a child process:
// `node dist/bench/codegen-timer.js DIR JOBS.json BUDGET_SECONDS`. For each job it imports DIR/<module>.mjs
// (a generated module, transpiled), reads the arguments from raw float64 files (column-major), times
// value and gradient in turn, and prints {"times": [{value, gradient}, …]} in seconds per call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timeInterleaved } from './common.js';

interface Job {
  module: string;
  args: Record<string, { rows: number; cols: number; file: string }>;
}
interface Generated {
  value(args: object): number;
  gradient(args: object): object;
}

const [dir, jobsFile, budget] = process.argv.slice(2);
const times: { value: number; gradient: number }[] = [];
for (const job of JSON.parse(readFileSync(jobsFile, 'utf8')) as Job[]) {
  const m = (await import(pathToFileURL(join(dir, `${job.module}.mjs`)).href)) as Generated;
  const args = Object.fromEntries(
    Object.entries(job.args).map(([name, v]) => [name, { rows: v.rows, cols: v.cols, data: new Float64Array(new Uint8Array(readFileSync(v.file)).buffer) }]),
  );
  const [value, gradient] = timeInterleaved(Number(budget), [() => m.value(args), () => m.gradient(args)]);
  times.push({ value, gradient });
}
console.log(JSON.stringify({ times }));
