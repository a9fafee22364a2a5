// Memory: 10,000 distinct derivations in one process (the library or `matcalc serve` running for a long
// time). The interned expression table and the simplifier's cache hold their entries weakly, so the heap
// after garbage collection should stay flat. Run in a child process with --expose-gc; between batches the
// loop yields to the event loop, as a server does between requests (JavaScript keeps weakly held objects
// alive until the current task ends).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { derive } from '../src/index.js';
import { internedCount } from '../src/expr/ast.js';

const DERIVES = 10_000;
const BATCH = 100;
const GOAL_MB = 64;

/** The i-th function: five shapes of objective, with constants that make every one distinct. */
function objective(i: number): { f: string; decl: string; wrt: string } {
  const c = (i % 97) + 2;
  const k = Math.floor(i / 97) + 1;
  switch (i % 5) {
    case 0: return { f: `0.5*norm(W2*W1*X - ${c}*Y)^2 + ${k}*norm(W1)^2`, decl: 'W1: h x d; W2: k x h; X: d x n; Y: k x n', wrt: 'W1,W2' };
    case 1: return { f: `${c}*tr(X'*A*X) + ${k}*sum(exp(X))`, decl: 'X: n x m; A: n x n', wrt: 'X' };
    case 2: return { f: `logdet(S) - ${c}*tr(S*C) + ${k}*norm(S)^2`, decl: 'S, C: n x n spd', wrt: 'S' };
    case 3: return { f: `sum(softplus(${(c / 50).toFixed(2)}*A*x - ${k}*b))`, decl: 'A: m x n; x: n; b: m', wrt: 'x' };
    default: return { f: `0.5*norm(W2*tanh(${(c / 50).toFixed(2)}*W1*X) - Y)^2 + ${k}*sum(W2)`, decl: 'W1: h x d; W2: k x h; X: d x n; Y: k x n', wrt: 'W1,W2' };
  }
}

const heapMB = () => {
  (globalThis as { gc?: () => void }).gc!();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function child(): Promise<void> {
  const tick = () => new Promise((r) => setImmediate(r));
  await tick();
  const start = heapMB();
  const samples: { derives: number; heapMB: number; interned: number }[] = [];
  const failed: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < DERIVES; i++) {
    const r = derive({ ...objective(i), seed: i });
    if (!r.check?.passed) failed.push(objective(i).f);
    if ((i + 1) % BATCH === 0) await tick();
    if ((i + 1) % 1000 === 0) samples.push({ derives: i + 1, heapMB: heapMB(), interned: internedCount() });
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ startMB: start, samples, seconds, checkFailed: failed }));
}

export function benchMemory() {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`memory bench failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { startMB: number; samples: { derives: number; heapMB: number; interned: number }[]; seconds: number; checkFailed: string[] };
  const peak = Math.max(...out.samples.map((s) => s.heapMB));
  const last = out.samples[out.samples.length - 1];
  console.log(`\nMemory (${DERIVES} distinct checked derives in one process, yielding every ${BATCH}; heap after GC, node --expose-gc)`);
  console.log(`  before: ${out.startMB.toFixed(1)} MB; after ${out.samples.map((s) => `${s.derives / 1000}k: ${s.heapMB.toFixed(1)} MB`).join(', ')}`);
  if (out.checkFailed.length) console.log(`  check FAILED on ${out.checkFailed.length}: ${out.checkFailed.slice(0, 3).join('; ')}`);
  console.log(`  entries in the interned-expression table at the end: ${last.interned} (those of collected expressions are swept when it doubles); ${(out.seconds * 1000 / DERIVES).toFixed(2)} ms per derive`);
  console.log(`  heap stays under ${GOAL_MB} MB: ${peak < GOAL_MB ? 'met' : 'NOT met'} (peak ${peak.toFixed(1)} MB, growth from 1k to 10k ${(last.heapMB - out.samples[0].heapMB).toFixed(1)} MB)`);
  return { derives: DERIVES, batch: BATCH, goalMB: GOAL_MB, peakMB: peak, ...out };
}

if (process.argv.includes('--child')) void child();
else if (process.argv[1] === fileURLToPath(import.meta.url)) benchMemory();
