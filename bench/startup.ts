// Start-up: a checked small gradient from the command line, as a whole process, next to `node -e 0`
// (the floor: Node's own start). The processes run in turn, round after round, so that every command
// sees the same machine; the figure is the ratio of medians. "unbundled" runs the same command from
// tsc's output (one file per module, all of mathjs loaded): what the bundle (scripts/bundle.mjs) saves.
import { spawnSync } from 'node:child_process';
import { ROOT, median, met } from './common.js';

const GOAL_RATIO = 3;
const ROUNDS = 15;
const DERIVE = ['derive', "tr(X'*A*X)", '--decl', 'X: n x m; A: n x n', '--wrt', 'X'];

const COMMANDS: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'matcalc --version': [`${ROOT}bin/matcalc.js`, '--version'],
  'matcalc derive (checked)': [`${ROOT}bin/matcalc.js`, ...DERIVE],
  'unbundled matcalc derive (checked)': ['--input-type=module', '-e', `import(${JSON.stringify(`${ROOT}dist/src/cli/main.js`)}).then((m) => m.main(${JSON.stringify(DERIVE)}))`],
};

function seconds(args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return s;
}

export function benchStartup() {
  const names = Object.keys(COMMANDS);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) seconds(COMMANDS[n]); // warm the file cache
  for (let r = 0; r < ROUNDS; r++) for (const n of names) samples[n].push(seconds(COMMANDS[n]));
  const medians = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
  const floor = medians['node -e 0'];
  const ratio = medians['matcalc derive (checked)'] / floor;
  console.log(`\nStart-up (whole processes, ${ROUNDS} rounds in turn, median wall time)`);
  for (const n of names) console.log(`  ${n.padEnd(36)} ${(medians[n] * 1000).toFixed(0).padStart(5)} ms   ${(medians[n] / floor).toFixed(1)}× node -e 0`);
  console.log(`  a checked gradient within ${GOAL_RATIO}× the start of node -e 0: ${met(ratio <= GOAL_RATIO)} (${ratio.toFixed(1)}×; unbundled ${(medians['unbundled matcalc derive (checked)'] / floor).toFixed(1)}×)`);
  return { rounds: ROUNDS, command: DERIVE, medianSeconds: medians, ratio, goalRatio: GOAL_RATIO };
}

if (process.argv[1]?.endsWith('startup.js')) benchStartup();
