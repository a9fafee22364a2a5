// matcalc serve: the JSON API answers with the CLI's JSON (and its messages, with a 400, for bad input),
// limits the size and the time of a request, serves several at once; the playground page, in headless
// Chromium, derives as you type, shows KaTeX and the verdict, and sends nothing off this machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/matcalc.js', import.meta.url));
const NET = 'W1: h x d; W2: k x h; X: d x n; Y: k x n';
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
// a Hessian that takes a minute: the pathological request the time limit is for
const SLOW = { f: 'sum(exp(A^300))', decl: 'A: n x n', hessian: true };

let server: ChildProcess;
let base = '';

beforeAll(async () => {
  server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--timeout', '3'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`matcalc serve exited with ${code}: ${out}`)));
  });
});

afterAll(() => {
  server?.kill();
});

async function post(endpoint: string, body: unknown): Promise<{ status: number; json: any; ms: number }> {
  const t = performance.now();
  const res = await fetch(`${base}api/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json(), ms: performance.now() - t };
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the JSON API', () => {
  it('POST /api/derive answers with what derive --format json prints', async () => {
    const r = await post('derive', { f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: 'W1,W2' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual(JSON.parse(cli('derive', '0.5*norm(W2*W1*X - Y)^2', '--decl', NET, '--wrt', 'W1,W2', '--format', 'json').out));
    expect(r.json.results[0].text).toBe("W2'*E*X'");
  });

  it('verify, check, codegen and render', async () => {
    const v = await post('verify', { f: '0.5*norm(W2*W1*X - Y)^2', decl: NET, wrt: 'W1', claim: "X*(W2*W1*X - Y)'*W2" });
    expect(v.status).toBe(200);
    expect(v.json).toEqual(JSON.parse(cli('verify', '--decl', NET, '--f', '0.5*norm(W2*W1*X - Y)^2', '--wrt', 'W1', '--claim', "X*(W2*W1*X - Y)'*W2", '--format', 'json').out));
    expect(v.json.verdict).toBe('FALSE');
    const doc = readFileSync(new URL('../derivations/ma-pca.matcalc', import.meta.url), 'utf8');
    const c = await post('check', { document: doc, name: 'derivations/ma-pca.matcalc' });
    expect(c.status).toBe(200);
    expect(c.json).toEqual(JSON.parse(cli('verify', 'derivations/ma-pca.matcalc', '--format', 'json').out));
    const g = await post('codegen', { f: '0.5*norm(A*x - b)^2', decl: 'A: m x n; x: n; b: m', wrt: 'x', target: 'torch' });
    expect(g.status).toBe(200);
    expect(g.json.code).toBe(cli('codegen', '0.5*norm(A*x - b)^2', '--decl', 'A: m x n; x: n; b: m', '--wrt', 'x', '--target', 'torch').out);
    const p = await post('render', { document: doc, format: 'html' });
    expect(p.status).toBe(200);
    expect(p.json.page).toMatch(/^\/rendered\/[0-9a-f]{24}$/);
    const page = await fetch(base + p.json.page.slice(1));
    expect(page.headers.get('content-security-policy')).toContain('sandbox');
    expect(await page.text()).toContain('class="katex"');
  });

  it('bad input: HTTP 400 with the CLI\'s message and the position', async () => {
    const r = await post('derive', { f: '0.5*norm(W1*W2*X - Y)^2', decl: NET });
    expect(r.status).toBe(400);
    const shown = cli('derive', '0.5*norm(W1*W2*X - Y)^2', '--decl', NET).err;
    expect(shown).toBe(`matcalc: ${r.json.errors[0].message}\n${r.json.errors[0].detail}\n`);
    expect(r.json.errors[0]).toMatchObject({ kind: 'input', position: { input: 'expression', column: 10, endColumn: 15 } });
    expect((await post('derive', { decl: NET })).status).toBe(400);
    expect((await post('derive', '{"f": ')).json.errors[0].message).toMatch(/not JSON/);
    expect((await post('derive', [1, 2])).status).toBe(400);
    expect((await post('check', { paths: ['/etc'] })).json.errors[0].message).toMatch(/reads and writes no files/);
    expect((await post('nothing', {})).status).toBe(404);
    expect((await fetch(`${base}api/derive`)).status).toBe(405);
    // what another site's page could send without asking first (text/plain), and a foreign host name
    expect((await fetch(`${base}api/derive`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ f: 'sum(x)', decl: 'x: n' }) })).status).toBe(415);
    const port = new URL(base).port;
    const foreign = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Host: attacker.example:${port}`, base], { encoding: 'utf8' });
    if (foreign.status === 0) expect(foreign.stdout).toBe('403');
  });

  it('a request larger than the limit is refused with 413', async () => {
    const r = await post('derive', { f: 'x'.repeat(300 * 1024), decl: 'x: n' });
    expect(r.status).toBe(413);
    expect(r.json.errors[0].kind).toBe('too-large');
  });

  it('a pathological request is stopped at the time limit, a fast one is answered meanwhile, and the server goes on', async () => {
    const slow = post('derive', SLOW);
    const fast = await post('derive', { f: "tr(X'*A*X)", decl: 'X: n x m; A: n x n', wrt: 'X' });
    expect(fast.status).toBe(200);
    const stopped = await slow;
    expect(stopped.status).toBe(503);
    expect(stopped.json.errors[0]).toMatchObject({ kind: 'timeout' });
    expect(stopped.json.errors[0].message).toContain('3 s');
    expect(stopped.ms).toBeLessThan(20_000);
    expect(fast.ms).toBeLessThan(stopped.ms);
    const after = await post('derive', { f: 'sum(exp(x))', decl: 'x: n' });
    expect(after.status).toBe(200);
    expect(after.json.results[0].text).toBe('exp(x)');
  });

  it('the page, its script and KaTeX are served with a strict Content-Security-Policy', async () => {
    const page = await fetch(base);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    for (const path of ['app.js', 'style.css', 'katex/katex.min.js', 'katex/katex.min.css', 'katex/fonts/KaTeX_Main-Regular.woff2']) expect((await fetch(base + path)).status, path).toBe(200);
    expect((await fetch(`${base}katex/fonts/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});

describe.skipIf(!CHROMIUM)('the playground in headless Chromium', () => {
  async function withPage(width: number, run: (page: import('playwright-core').Page, seen: { requests: string[]; errors: string[]; dialogs: number }) => Promise<void>) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      const seen = { requests: [] as string[], errors: [] as string[], dialogs: 0 };
      page.on('request', (r) => seen.requests.push(r.url()));
      // the browser logs every answer with an error status (400 for bad input): not an error of the page
      page.on('console', (m) => m.type() === 'error' && !/the server responded with a status of 4\d\d/.test(m.text()) && seen.errors.push(m.text()));
      page.on('pageerror', (e) => seen.errors.push(e.message));
      page.on('dialog', (d) => {
        seen.dialogs++;
        void d.dismiss();
      });
      // anything addressed elsewhere would be refused here (and counted above)
      await page.route((url) => !url.href.startsWith(base), (route) => route.abort());
      await page.goto(base);
      await run(page, seen);
      expect(seen.errors).toEqual([]);
      expect(seen.requests.filter((u) => !u.startsWith(base))).toEqual([]);
    } finally {
      await browser.close();
    }
  }

  it('typing 0.5*norm(W2*W1*X - Y)^2 with its declarations and W1 shows the rendered gradient and the verdict', async () => {
    await withPage(1000, async (page, seen) => {
      await page.fill('[data-testid=expr]', '');
      await page.fill('[data-testid=decl]', '');
      await page.fill('[data-testid=wrt]', '');
      await page.locator('[data-testid=expr]').pressSequentially('0.5*norm(W2*W1*X - Y)^2');
      await page.locator('[data-testid=decl]').pressSequentially(NET);
      await page.locator('[data-testid=wrt]').pressSequentially('W1');
      const result = page.locator('[data-testid=result]');
      // as you type: no click on run
      await expect.poll(async () => result.locator('[data-testid=verdict]').textContent(), { timeout: 30_000 }).toMatch(/check passed: max relative error/);
      await expect.poll(async () => result.locator('.katex').count()).toBeGreaterThan(1);
      // the gradient W2ᵀ E Xᵀ, typeset (KaTeX's MathML annotation holds the LaTeX it rendered)
      const latex = await result.locator('annotation').allTextContents();
      expect(latex.join('\n')).toContain('\\nabla_{\\boldsymbol{W}_{1}} f &= \\boldsymbol{W}_{2}^\\top\\boldsymbol{E}\\boldsymbol{X}^\\top');
      expect(await result.locator('[data-testid=latex]').textContent()).toContain('\\boldsymbol{W}_{2}^\\top');
      await expect.poll(async () => result.locator('[data-testid=code]').textContent(), { timeout: 30_000 }).toContain('def gradient(');
      expect(seen.requests.some((u) => u.endsWith('/api/derive'))).toBe(true);
    });
  });

  it('the run button, the Hessian and the steps', async () => {
    await withPage(1000, async (page) => {
      const result = page.locator('[data-testid=result]');
      await page.check('input[value=hessian]');
      await page.click('[data-testid=run]');
      await expect.poll(async () => result.locator('[data-testid=verdict]').textContent(), { timeout: 30_000 }).toMatch(/check passed: max relative error gradient .*, Hessian /);
      expect((await result.locator('annotation').allTextContents()).join('\n')).toContain('\\otimes');
      await page.check('input[value=steps]');
      await expect.poll(async () => result.textContent(), { timeout: 30_000 }).toContain('step by step');
      expect(await result.locator('.verdict.ok').count()).toBeGreaterThan(0);
    });
  });

  it('bad input is shown as text with the caret, and never runs', async () => {
    await withPage(375, async (page, seen) => {
      await page.fill('[data-testid=expr]', '<img src=x onerror=alert(1)>');
      const result = page.locator('[data-testid=result]');
      await expect.poll(async () => result.locator('[data-testid=error]').textContent(), { timeout: 30_000 }).toContain('syntax error in expression');
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.locator('[data-testid=expr]').getAttribute('aria-invalid')).toBe('true');
      expect(seen.dialogs).toBe(0);
    });
  });

  it('the Verify tab shows the diagnosis and the counterexample; the Document tab renders a document', async () => {
    await withPage(1000, async (page) => {
      await page.click('#tab-verify');
      const v = page.locator('[data-testid=verify-result]');
      await expect.poll(async () => v.locator('[data-testid=verdict]').textContent(), { timeout: 30_000 }).toContain('FALSE');
      expect(await v.locator('[data-testid=diagnosis]').textContent()).toContain('transpose');
      expect(await v.locator('[data-testid=counterexample]').textContent()).toContain('claimed');
      await page.click('#tab-document');
      const d = page.locator('[data-testid=document-result]');
      await expect.poll(async () => d.locator('[data-testid=verdict]').textContent(), { timeout: 60_000 }).toContain('verified');
      const frame = page.frameLocator('[data-testid=document-frame]');
      await expect.poll(async () => frame.locator('.katex').count(), { timeout: 30_000 }).toBeGreaterThan(2);
      expect(await frame.locator('h1').textContent()).toBe('Least squares with a ridge');
    });
  });
});
