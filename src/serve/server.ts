// `matcalc serve`: the playground page (playground/) and the JSON API, on this machine only by default.
//   POST /api/derive | verify | check | codegen | render   — the library's functions (docs/serve.md)
// The page and KaTeX (script, CSS, fonts) are served from the package: nothing is fetched from elsewhere.
// The engine runs in worker threads (pool.ts) with a time limit per request; bodies are size-limited.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from './pool.js';

export interface ServeOptions {
  readonly port?: number;
  readonly host?: string;
  /** seconds a request may compute before it is stopped */
  readonly timeout?: number;
  /** the largest request body, in bytes */
  readonly maxBody?: number;
}

export const DEFAULT_TIMEOUT_S = 30;
export const DEFAULT_MAX_BODY = 256 * 1024;
const ENDPOINTS = new Set(['derive', 'verify', 'check', 'codegen', 'render']);

// The page runs only its own script; KaTeX styles its output through the DOM (not style attributes).
const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// A rendered document (shown in the Document tab's sandboxed frame): no scripts at all, its own inline CSS and fonts.
const RENDERED_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; sandbox; frame-ancestors 'self'";

/** The package's root: the directory above dist/ (or src/) with package.json and playground/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'playground'))) return dir;
  throw new Error('the playground/ directory was not found next to the package');
}

/** The worker's script: in the bundle, its own entry; from tsc's output, the module beside this one. */
function workerScript(): URL {
  const here = new URL('.', import.meta.url);
  return here.pathname.includes('/dist/bundle/') ? new URL('serve-worker.js', new URL(`file://${packageRoot()}/dist/bundle/`)) : new URL('./worker.js', import.meta.url);
}

interface StaticFile {
  readonly type: string;
  readonly data: Buffer;
}

function staticFiles(): Map<string, StaticFile> {
  const root = packageRoot();
  const katex = dirname(createRequire(import.meta.url).resolve('katex/dist/katex.min.css'));
  const files = new Map<string, StaticFile>();
  const add = (url: string, path: string, type: string) => files.set(url, { type, data: readFileSync(path) });
  add('/', join(root, 'playground/index.html'), 'text/html; charset=utf-8');
  add('/app.js', join(root, 'playground/app.js'), 'text/javascript; charset=utf-8');
  add('/style.css', join(root, 'playground/style.css'), 'text/css; charset=utf-8');
  add('/katex/katex.min.js', join(katex, 'katex.min.js'), 'text/javascript; charset=utf-8');
  add('/katex/katex.min.css', join(katex, 'katex.min.css'), 'text/css; charset=utf-8');
  return files;
}

function katexFont(name: string): StaticFile | undefined {
  if (!/^KaTeX_[\w-]+\.(woff2|woff|ttf)$/.test(name)) return undefined;
  const path = join(dirname(createRequire(import.meta.url).resolve('katex/dist/katex.min.css')), 'fonts', name);
  if (!existsSync(path)) return undefined;
  return { type: `font/${name.split('.').pop()}`, data: readFileSync(path) };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body, null, 2) + '\n');
};
const error = (res: ServerResponse, status: number, kind: string, message: string) => json(res, status, { matcalc: 1, errors: [{ kind, message }] });

/**
 * The body as text, or undefined when it is larger than `max` bytes. The rest of a body that is too large
 * is read and dropped (so that the client gets the answer), up to a bound after which the connection is cut.
 */
function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
      else if (size > 16 * max) req.destroy();
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface Playground {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export async function serve(opts: ServeOptions = {}): Promise<Playground> {
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBody ?? DEFAULT_MAX_BODY;
  const files = staticFiles();
  const pool = new WorkerPool(workerScript(), Math.max(1, Math.min(4, availableParallelism())), (opts.timeout ?? DEFAULT_TIMEOUT_S) * 1000);
  // rendered documents, for the Document tab's frame: the last few, by an unguessable id
  const rendered = new Map<string, string>();
  const local = ['127.0.0.1', 'localhost', '::1'].includes(host);
  const allowedHosts = new Set<string>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      // on this machine only, answer only to its own names (a foreign name pointed at 127.0.0.1 is refused)
      if (local && !allowedHosts.has(req.headers.host ?? '')) return error(res, 403, 'usage', `this server answers to ${[...allowedHosts][0]}`);
      if (url.pathname.startsWith('/api/')) {
        const endpoint = url.pathname.slice(5);
        if (!ENDPOINTS.has(endpoint)) return error(res, 404, 'usage', `no endpoint ${url.pathname} (POST /api/derive, /api/verify, /api/check, /api/codegen, /api/render)`);
        if (req.method !== 'POST') return error(res, 405, 'usage', `${url.pathname} takes POST with a JSON body`);
        // a JSON content type makes a browser ask first (CORS preflight, which this server does not grant):
        // another site's page cannot make a visitor's browser run requests here
        if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) return error(res, 415, 'usage', 'send the body as JSON, with content-type: application/json');
        const text = await readBody(req, maxBody);
        if (text === undefined) return error(res, 413, 'too-large', `the request is larger than ${maxBody} bytes`);
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (e) {
          return error(res, 400, 'usage', `the body is not JSON: ${(e as Error).message}`);
        }
        const a = await pool.run({ endpoint, body });
        const out = a.json as { command?: string; format?: string; content?: string; page?: string };
        if (endpoint === 'render' && a.status === 200 && out.format === 'html') {
          const id = randomBytes(12).toString('hex');
          rendered.set(id, out.content!);
          if (rendered.size > 16) rendered.delete(rendered.keys().next().value!);
          out.page = `/rendered/${id}`;
        }
        return json(res, a.status, out);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return error(res, 405, 'usage', 'pages take GET');
      if (url.pathname === '/favicon.ico') return res.writeHead(204).end();
      const page = url.pathname.match(/^\/rendered\/([0-9a-f]{24})$/);
      if (page && rendered.has(page[1])) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': RENDERED_CSP, 'x-content-type-options': 'nosniff' });
        return res.end(rendered.get(page[1]));
      }
      const file = files.get(url.pathname) ?? (url.pathname.startsWith('/katex/fonts/') ? katexFont(url.pathname.slice(13)) : undefined);
      if (!file) return error(res, 404, 'usage', `no page ${url.pathname}`);
      res.writeHead(200, {
        'content-type': file.type,
        'content-security-policy': PAGE_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': url.pathname.startsWith('/katex/') ? 'max-age=86400' : 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : file.data);
    } catch (e) {
      if (!res.headersSent) error(res, 500, 'internal', `internal error (please report it): ${(e as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, resolve);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  for (const name of [host, 'localhost', '127.0.0.1', '[::1]']) allowedHosts.add(`${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}`);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    server,
    url,
    close: async () => {
      await pool.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
