// The playground's script. Results come from the local JSON API (POST /api/…, the CLI's JSON). Text the
// user typed, and text derived from it, only ever goes into the page as textContent; the only markup
// inserted is KaTeX's own output (katex.render) and a rendered document inside a sandboxed frame.
const $ = (sel, root = document) => root.querySelector(sel);
const DEBOUNCE_MS = 450;

const SAMPLE_DOCUMENT = `title: Least squares with a ridge
decl: A: m x n; x: n; b: m; lambda: scalar
def: r = A*x - b
claim (gradient): grad(0.5*norm(r)^2 + 0.5*lambda*norm(x)^2, x) = A'*r + lambda*x
refute (a slip): grad(0.5*norm(r)^2, x) = 2*A'*r
claim (Hessian): hess(0.5*norm(r)^2 + 0.5*lambda*norm(x)^2, x, x) = A'*A + lambda*eye(n)
`;

// ── small DOM helpers (no innerHTML) ────────────────────────────────────────────────────────────────

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function tex(latex, display = true) {
  const span = el('span', { class: display ? 'math display' : 'math' });
  if (window.katex) window.katex.render(latex, span, { displayMode: display, throwOnError: false, strict: 'ignore', trust: false });
  else span.textContent = latex;
  return span;
}

/** LaTeX prose ("where (i) follows because $…$"): the math typeset, the words as text. */
function prose(latexText) {
  const p = el('p', { class: 'prose' });
  latexText.split(/(\$[^$]+\$)/).forEach((part) => {
    if (part.startsWith('$') && part.endsWith('$') && part.length > 1) p.append(tex(part.slice(1, -1), false));
    else p.append(document.createTextNode(part.replace(/\\([&%#_])/g, '$1').replace(/~/g, '\u00a0')));
  });
  return p;
}

function copyBlock(title, text, testid) {
  const pre = el('pre', { 'data-testid': testid }, el('code', { text }));
  const button = el('button', { type: 'button', class: 'copy', text: 'Copy' });
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Select and copy';
    }
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
  return el('details', { class: 'source' }, el('summary', {}, el('span', { text: title }), button), pre);
}

const exp = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toExponential(1) : String(x));

function verdictLine(check, what = 'check', testid = 'verdict') {
  if (!check) return el('p', { class: 'verdict skipped', 'data-testid': testid, text: `${what} skipped` });
  const sizes = (check.points ?? []).map((p) => Object.entries(p.sizes).map(([k, v]) => `${k}=${v}`).join(',')).join(' | ');
  // a Hessian's verdict also has the gradient's
  const errors = check.gradient ? `gradient ${exp(check.gradient.maxError)}, Hessian ${exp(check.maxError)}` : exp(check.maxError);
  const text = `${check.passed ? '✓ check passed' : '✗ CHECK FAILED'}: max relative error ${errors} (tolerance ${exp(check.tolerance)}) at ${(check.points ?? []).length} random points [${sizes}], ${check.evaluations} evaluations`;
  const p = el('p', { class: `verdict ${check.passed ? 'ok' : 'bad'}`, 'data-testid': testid, text });
  for (const n of check.notes ?? []) p.append(el('span', { class: 'note', text: n }));
  return p;
}

function errorBox(json, status) {
  const e = json?.errors?.[0] ?? { message: `the server answered ${status}` };
  return el('div', { class: 'error', 'data-testid': 'error' }, el('p', { text: e.message }), e.detail ? el('pre', { text: e.detail }) : null);
}

// ── requests: the newest wins, older answers are dropped ────────────────────────────────────────────

function channel() {
  let current;
  return async (endpoint, body) => {
    current?.abort();
    const ctrl = (current = new AbortController());
    const res = await fetch(`/api/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ctrl.signal });
    const json = await res.json();
    if (ctrl !== current) throw new DOMException('superseded', 'AbortError');
    return { ok: res.ok, status: res.status, json };
  };
}

function markInvalid(form, json, fields) {
  for (const input of form.querySelectorAll('input, textarea')) input.removeAttribute('aria-invalid');
  const where = json?.errors?.[0]?.position?.input ?? json?.errors?.[0]?.message ?? '';
  for (const [word, name] of fields) if (where.startsWith(word)) form.elements[name]?.setAttribute('aria-invalid', 'true');
}

function live(form, run) {
  let timer;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };
  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(timer);
    run();
  });
}

const busy = (out, on) => out.classList.toggle('busy', on);

// ── Derive ──────────────────────────────────────────────────────────────────────────────────────────

const deriveForm = $('#derive-form');
const deriveOut = $('[data-testid=result]');
const derivePost = channel();
const codePost = channel();
const TARGETS = [['numpy', 'NumPy'], ['torch', 'PyTorch'], ['ts', 'TypeScript']];
let codeTarget = 'numpy';

function gradientView(j) {
  const rows = j.results.map((r) => `\\nabla_{${wrtLatex(r.wrt)}} ${j.kind === 'gradient' ? 'f' : '\\operatorname{vec}F'} &= ${r.latex}`);
  const parts = [tex(`\\begin{aligned}${rows.join(' \\\\ ')}\\end{aligned}`)];
  if (j.definitions.length) parts.push(el('p', { class: 'where' }, 'where ', ...j.definitions.flatMap((d, i) => [i ? ', ' : '', tex(`${nameLatex(d.name)} = ${d.latex}`, false), ` (${d.shape})`])));
  for (const r of j.results) if (r.note) parts.push(el('p', { class: 'note', text: r.note }));
  const source = [`\\begin{aligned}`, rows.join(' \\\\\n'), `\\end{aligned}`, ...(j.definitions.length ? [`\\text{where } ${j.definitions.map((d) => `${nameLatex(d.name)} = ${d.latex}`).join(',\\quad ')}`] : [])].join('\n');
  return { parts, source };
}

function hessianView(j) {
  if (j.kind === 'hessian-family') {
    const latex = `\\nabla^2 f[\\boldsymbol{\\Delta}, \\boldsymbol{\\Delta}] = ${j.bilinear.latex}`;
    return { parts: [tex(latex)], source: latex };
  }
  const blocks = j.blocks.filter((b) => j.variables.findIndex((v) => v.name === b.rows) <= j.variables.findIndex((v) => v.name === b.cols));
  const rows = blocks.map((b) => `\\mathbf{H}[${wrtLatex(b.rows)}, ${wrtLatex(b.cols)}] &= ${b.latex}`);
  const form = `\\nabla^2 f[\\boldsymbol{\\Delta}, \\boldsymbol{\\Delta}] &= ${j.bilinear.latex}`;
  const parts = [el('h3', { text: 'Hessian blocks' }), tex(`\\begin{aligned}${rows.join(' \\\\ ')}\\end{aligned}`), el('p', { class: 'note', text: j.convention }), el('h3', { text: 'Bilinear form' }), tex(`\\begin{aligned}${form}\\end{aligned}`)];
  if (j.definitions.length) parts.push(el('p', { class: 'where' }, 'where ', ...j.definitions.flatMap((d, i) => [i ? ', ' : '', tex(`${nameLatex(d.name)} = ${d.latex}`, false)])));
  return { parts, source: ['\\begin{aligned}', [...rows, form].join(' \\\\\n'), '\\end{aligned}'].join('\n') };
}

function stepsView(j) {
  const parts = [];
  const sources = [];
  for (const s of j.steps) {
    const [display, ...rest] = s.latex.split('\n\\end{align}');
    parts.push(el('h3', { text: `∇ with respect to vec(${s.wrt}), step by step` }));
    parts.push(tex(display.replace('\\begin{align}', '\\begin{aligned}') + '\\end{aligned}'));
    const where = rest.join('').trim();
    if (where) parts.push(prose(where));
    parts.push(el('p', { class: `verdict ${s.check.passed ? 'ok' : 'bad'}`, text: `${s.check.passed ? '✓' : '✗'} ${s.check.summary}` }));
    sources.push(s.latex);
  }
  return { parts, source: sources.join('\n') };
}

const wrtLatex = (name) => nameLatex(name);
/** W1 → \boldsymbol{W}_{1}, as matcalc prints names (the results' LaTeX already is). */
function nameLatex(name) {
  const m = name.match(/^([A-Za-z]+?)(\d*)$/);
  if (!m) return `\\mathrm{${name.replace(/[^A-Za-z0-9]/g, '')}}`;
  const [, base, digits] = m;
  const b = base.length > 1 ? `\\mathrm{${base}}` : `\\boldsymbol{${base}}`;
  return digits ? `${b}_{${digits}}` : b;
}

async function runDerive() {
  const f = deriveForm.elements;
  const mode = f.mode.value;
  const body = { f: f.f.value, decl: f.decl.value, ...(f.wrt.value.trim() ? { wrt: f.wrt.value } : {}), ...(mode === 'hessian' ? { hessian: true } : {}), ...(mode === 'steps' ? { steps: true } : {}) };
  if (!body.f.trim() || !body.decl.trim()) return;
  busy(deriveOut, true);
  try {
    const { ok, status, json } = await derivePost('derive', body);
    markInvalid(deriveForm, json, [['expression', 'f'], ['declaration', 'decl'], ['--wrt', 'wrt']]);
    if (!ok) return deriveOut.replaceChildren(errorBox(json, status));
    const view = mode === 'hessian' ? hessianView(json) : mode === 'steps' ? stepsView(json) : gradientView(json);
    const code = el('div', { class: 'code' });
    deriveOut.replaceChildren(
      el('p', { class: 'function' }, tex(`\\displaystyle f = ${json.function.latex}`, false)),
      ...view.parts,
      verdictLine(json.check),
      ...(json.errors ?? []).map((e) => el('p', { class: 'verdict bad', text: e.message })),
      copyBlock('LaTeX', view.source, 'latex'),
      code,
    );
    void loadCode(body, code);
  } catch (e) {
    if (e.name !== 'AbortError') deriveOut.replaceChildren(errorBox({ errors: [{ message: `could not reach matcalc serve: ${e.message}` }] }));
  } finally {
    busy(deriveOut, false);
  }
}

async function loadCode(body, box) {
  const tabs = el('div', { class: 'targets', role: 'group', 'aria-label': 'code target' });
  for (const [value, label] of TARGETS) {
    const b = el('button', { type: 'button', 'aria-pressed': String(value === codeTarget), text: label });
    b.addEventListener('click', () => {
      codeTarget = value;
      void loadCode(body, box);
    });
    tabs.append(b);
  }
  try {
    const { ok, json } = await codePost('codegen', { f: body.f, decl: body.decl, ...(body.wrt ? { wrt: body.wrt } : {}), target: codeTarget });
    box.replaceChildren(el('h3', { text: 'Code' }), tabs, ok ? copyBlock(`${TARGETS.find((t) => t[0] === codeTarget)[1]}: value, gradient, Hessian`, json.code, 'code') : el('p', { class: 'note', text: `no code: ${json.errors?.[0]?.message ?? ''}` }));
    box.querySelector('details')?.setAttribute('open', '');
  } catch (e) {
    if (e.name !== 'AbortError') box.replaceChildren(el('p', { class: 'note', text: `no code: ${e.message}` }));
  }
}

live(deriveForm, runDerive);

// ── Verify ──────────────────────────────────────────────────────────────────────────────────────────

const verifyForm = $('#verify-form');
const verifyOut = $('[data-testid=verify-result]');
const verifyPost = channel();

const matrixText = (rows) => rows.map((r) => r.map((x) => (Number.isInteger(x) ? String(x) : x.toPrecision(4))).join('  ')).join('\n');

async function runVerify() {
  const f = verifyForm.elements;
  const body = { f: f.f.value, decl: f.decl.value, wrt: f.wrt.value, claim: f.claim.value, ...(f.kind.value ? { kind: f.kind.value } : {}) };
  if (!body.f.trim() || !body.decl.trim() || !body.wrt.trim() || !body.claim.trim()) return;
  busy(verifyOut, true);
  try {
    const { ok, status, json } = await verifyPost('verify', body);
    markInvalid(verifyForm, json, [['expression', 'f'], ['claim', 'claim'], ['declaration', 'decl'], ['--wrt', 'wrt']]);
    if (!ok) return verifyOut.replaceChildren(errorBox(json, status));
    const good = json.verdict === 'VERIFIED';
    const parts = [el('p', { class: `verdict big ${good ? 'ok' : 'bad'}`, 'data-testid': 'verdict', text: good ? `✓ VERIFIED: ${json.derivative} is what you claimed` : `✗ FALSE: the claim is not ${json.derivative}` })];
    if (json.numerical) parts.push(verdictLine(json.numerical, 'check', 'check'));
    if (json.illTyped) parts.push(el('p', { class: 'note', text: `ill-typed: the claim is ${json.claim.shape ?? '?'}, but ${json.derivative} is ${json.claim.expectedShape}` }));
    if (json.diagnosis?.length) parts.push(el('h3', { text: 'Diagnosis' }), el('ul', { 'data-testid': 'diagnosis' }, ...json.diagnosis.map((d) => el('li', { text: d.sentence }))));
    if (!good) parts.push(el('h3', { text: `Correct: ${json.derivative} =` }), tex(json.correct.latex), json.correct.check ? verdictLine(json.correct.check, 'check of the correct formula', 'check') : null);
    const c = json.counterexample;
    if (c) {
      const table = el('div', { class: 'counterexample', 'data-testid': 'counterexample' });
      table.append(el('p', { text: `Counterexample (${Object.entries(c.sizes).map(([k, v]) => `${k} = ${v}`).join(', ')}; ${c.entries} entries):` }));
      for (const [name, rows] of Object.entries(c.inputs)) table.append(el('figure', {}, el('figcaption', { text: name }), el('pre', { text: matrixText(rows) })));
      table.append(el('figure', {}, el('figcaption', { text: 'claimed' }), el('pre', { text: matrixText(c.claimed) })));
      table.append(el('figure', {}, el('figcaption', { text: 'true' }), el('pre', { text: matrixText(c.true) })));
      parts.push(el('h3', { text: 'Counterexample' }), table);
    }
    verifyOut.replaceChildren(...parts);
  } catch (e) {
    if (e.name !== 'AbortError') verifyOut.replaceChildren(errorBox({ errors: [{ message: `could not reach matcalc serve: ${e.message}` }] }));
  } finally {
    busy(verifyOut, false);
  }
}

live(verifyForm, runVerify);

// ── Document ────────────────────────────────────────────────────────────────────────────────────────

const documentForm = $('#document-form');
const documentOut = $('[data-testid=document-result]');
const documentPost = channel();
documentForm.elements.document.value = SAMPLE_DOCUMENT;

async function runDocument() {
  const text = documentForm.elements.document.value;
  if (!text.trim()) return;
  busy(documentOut, true);
  try {
    const { ok, status, json } = await documentPost('render', { document: text, name: 'document.matcalc', format: 'html' });
    if (!ok) return documentOut.replaceChildren(errorBox(json, status));
    const frame = el('iframe', { sandbox: '', title: json.title, src: json.page, 'data-testid': 'document-frame' });
    documentOut.replaceChildren(el('p', { class: `verdict ${json.passed ? 'ok' : 'bad'}`, 'data-testid': 'verdict', text: json.passed ? '✓ verified: every claim and every step holds' : '✗ FALSE: see the first failure below' }), frame);
  } catch (e) {
    if (e.name !== 'AbortError') documentOut.replaceChildren(errorBox({ errors: [{ message: `could not reach matcalc serve: ${e.message}` }] }));
  } finally {
    busy(documentOut, false);
  }
}

live(documentForm, runDocument);

// ── tabs ────────────────────────────────────────────────────────────────────────────────────────────

const RUN = { derive: runDerive, verify: runVerify, document: runDocument };
const ran = new Set();
function show(id) {
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const on = tab.getAttribute('aria-controls') === id;
    tab.setAttribute('aria-selected', String(on));
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
  }
  if (!ran.has(id)) {
    ran.add(id);
    void RUN[id]();
  }
}
for (const tab of document.querySelectorAll('[role=tab]')) tab.addEventListener('click', () => show(tab.getAttribute('aria-controls')));
// KaTeX loads with `defer`, this module after it
show('derive');
