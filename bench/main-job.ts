// The main job, `npm start` (matcalc check: every document of derivations/ verified and rendered), as a
// whole process. With a baseline — another checkout, built (`--baseline DIR` or MATCALC_BASELINE) — the
// two run in turn, round after round, so that both see the same machine (it is shared and loaded): the
// figures to compare are the medians of the same run. Each build checks its own derivations/ and writes
// its pages into a temporary directory. CPU time (user + system) comes from /usr/bin/time when present.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, median } from './common.js';

const ROUNDS = 5;
const TIME = '/usr/bin/time';

interface Run {
  wall: number;
  cpu?: number;
}

function runOnce(dir: string, out: string): Run {
  const args = [join(dir, 'bin/matcalc.js'), 'check', '--out', out];
  const withTime = existsSync(TIME);
  const t = process.hrtime.bigint();
  const r = withTime ? spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, ...args], { cwd: dir, encoding: 'utf8' }) : spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`matcalc check in ${dir} exited with ${r.status}: ${r.stdout.slice(-400)}${r.stderr.slice(-400)}`);
  const m = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, ...(m ? { cpu: Number(m[1]) + Number(m[2]) } : {}) };
}

export function benchMainJob(baseline = process.env.MATCALC_BASELINE) {
  const builds: Record<string, string> = { 'this build': ROOT, ...(baseline ? { baseline } : {}) };
  const names = Object.keys(builds);
  const out = mkdtempSync(join(tmpdir(), 'matcalc-main-job-'));
  const samples: Record<string, Run[]> = Object.fromEntries(names.map((n) => [n, []]));
  try {
    for (const n of names) runOnce(builds[n], join(out, n.replace(/ /g, '-'))); // warm the file cache
    for (let r = 0; r < ROUNDS; r++) for (const n of names) samples[n].push(runOnce(builds[n], join(out, n.replace(/ /g, '-'))));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const result = Object.fromEntries(
    names.map((n) => {
      const cpu = samples[n].map((s) => s.cpu).filter((c): c is number => c !== undefined);
      return [n, { dir: builds[n], wallSeconds: median(samples[n].map((s) => s.wall)), ...(cpu.length ? { cpuSeconds: median(cpu) } : {}) }];
    }),
  );
  console.log(`\nThe main job, npm start (matcalc check), whole processes, ${ROUNDS} rounds in turn, medians`);
  for (const n of names) {
    const r = result[n] as { dir: string; wallSeconds: number; cpuSeconds?: number };
    console.log(`  ${n.padEnd(12)} ${r.wallSeconds.toFixed(2).padStart(6)} s wall${r.cpuSeconds !== undefined ? `, ${r.cpuSeconds.toFixed(2)} s CPU` : ''}   (${r.dir})`);
  }
  if (!baseline) console.log('  (give --baseline DIR, a built checkout of another commit, to compare in the same run)');
  return { rounds: ROUNDS, builds: result };
}

if (process.argv[1]?.endsWith('main-job.js')) {
  const i = process.argv.indexOf('--baseline');
  benchMainJob(i > 0 ? process.argv[i + 1] : undefined);
}
