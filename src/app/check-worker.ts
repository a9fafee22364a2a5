// A worker thread of `matcalc check` (checkAndRenderInParallel in documents.ts): verifies and renders
// the documents it is given, one at a time, writes their pages, and answers with what the index page and
// the command line need.
import { parentPort } from 'node:worker_threads';
import { loadRules } from '../rewrite/rules.js';
import { checkAndRenderOne, summary, type CheckJob } from './documents.js';

const rules = loadRules();

parentPort?.on('message', (job: CheckJob) => {
  try {
    parentPort!.postMessage({ summary: summary(checkAndRenderOne(job, rules)) });
  } catch (e) {
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
