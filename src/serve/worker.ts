// A worker thread of `matcalc serve`: runs one request at a time through the library and answers with an
// HTTP status and the JSON the command line prints (an error: the CLI's message, caret and position).
import { parentPort } from 'node:worker_threads';
import { asMatcalcError, checkDocuments, codegen, derive, MatcalcError, render, verify } from '../api/api.js';
import type { ErrorJson } from '../api/types.js';
import type { Answer, Job } from './pool.js';

const STATUS: Record<ErrorJson['kind'], number> = { input: 400, unsupported: 400, usage: 400, 'too-large': 413, check: 422, internal: 500, timeout: 503 };

const ENDPOINTS: Record<string, (body: any) => unknown> = {
  derive,
  verify,
  codegen,
  // documents come as text: the server reads and writes no files for its clients
  check: (b) => checkDocuments({ documents: b.documents ?? (b.document !== undefined ? [{ text: b.document, name: b.name }] : undefined), seed: b.seed }),
  render: (b) => render(b.document !== undefined ? { document: b.document, name: b.name, seed: b.seed, format: b.format } : b),
};

function answer({ endpoint, body }: Job): Answer {
  try {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MatcalcError('usage', `POST /api/${endpoint} takes a JSON object (docs/serve.md)`);
    if ('paths' in body || 'out' in body) throw new MatcalcError('usage', 'the server reads and writes no files: give documents as text ({ "document": "…" })');
    return { status: 200, json: ENDPOINTS[endpoint](body) };
  } catch (e) {
    const err = asMatcalcError(e);
    return { status: STATUS[err.kind], json: err.toJSON() };
  }
}

parentPort?.on('message', (job: Job) => parentPort!.postMessage(answer(job)));
